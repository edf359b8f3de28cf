import { describe, expect, it } from 'vitest';
import type { Intent, IntentRequest, IntentResult } from '$lib/round/intents';
import { IntentChannel } from './IntentChannel';

/** A wire that is up or down, and remembers what went over it. */
function setup() {
	const wire = { up: true, sent: [] as IntentRequest[] };
	const answers: { type: string; ok: boolean; late: boolean }[] = [];
	const channel = new IntentChannel({
		transmit(request) {
			if (!wire.up) return false;
			wire.sent.push(request);
			return true;
		},
		onAnswer: (intent, result, late) => answers.push({ type: intent.type, ok: result.ok, late })
	});
	const types = () => wire.sent.map((r) => r.intent.type);
	const answer = (request: IntentRequest | undefined, result: Partial<IntentResult> = {}) =>
		channel.receive(JSON.stringify({ id: request!.id, ok: true, ...result }));
	const conflict = (request: IntentRequest | undefined) =>
		answer(request, { ok: false, error: 'conflict', message: 'moved on' } as Partial<IntentResult>);
	return { wire, channel, answers, types, answer, conflict };
}

const hand: Intent = { type: 'hand.raise' };

describe('IntentChannel', () => {
	it('sends at once when connected and resolves each promise with its own answer', async () => {
		const { wire, channel, answer } = setup();
		const first = channel.send({ type: 'hand.raise' });
		const second = channel.send({ type: 'vote.mine' });
		expect(wire.sent.map((r) => r.intent)).toEqual([{ type: 'hand.raise' }, { type: 'vote.mine' }]);
		expect(new Set(wire.sent.map((r) => r.id)).size).toBe(2);
		// Answers may come in any order; each finds its request by id.
		answer(wire.sent[1], { data: { storyId: 's1' } });
		answer(wire.sent[0]);
		expect(await second).toMatchObject({ ok: true, data: { storyId: 's1' } });
		expect(await first).toMatchObject({ ok: true, id: wire.sent[0]!.id });
	});

	it('queues while offline and sends in the order made once connected', async () => {
		const { wire, channel, types, answer } = setup();
		wire.up = false;
		const done = [
			channel.send({ type: 'hand.raise' }),
			channel.send({ type: 'kleed.remove', id: 'a' }),
			channel.send({ type: 'hand.lower' })
		];
		expect(wire.sent).toEqual([]);
		expect(channel.pending).toBe(3);
		wire.up = true;
		channel.connected();
		expect(types()).toEqual(['hand.raise', 'kleed.remove', 'hand.lower']);
		for (const request of wire.sent) answer(request);
		await expect(Promise.all(done)).resolves.toHaveLength(3);
		expect(channel.pending).toBe(0);
	});

	it('sends what was sent but not answered again after a reconnect, in order', () => {
		const { wire, channel, types, answer } = setup();
		void channel.send({ type: 'hand.raise' });
		void channel.send({ type: 'kleed.remove', id: 'a' });
		void channel.send({ type: 'hand.lower' });
		answer(wire.sent[1]);
		wire.sent = [];
		channel.connected();
		expect(types()).toEqual(['hand.raise', 'hand.lower']);
	});

	it('replays join first after every reconnect, and never twice in one go', () => {
		const { wire, channel, types, answer } = setup();
		wire.up = false;
		void channel.replay({ type: 'join', presence: 'room' });
		void channel.send(hand);
		wire.up = true;
		channel.connected();
		// The queued join itself goes first; no second one is added.
		expect(types()).toEqual(['join', 'hand.raise']);
		for (const request of wire.sent) answer(request);

		wire.up = false;
		void channel.send({ type: 'hand.lower' });
		wire.up = true;
		wire.sent = [];
		channel.connected();
		expect(wire.sent.map((r) => r.intent)).toEqual([
			{ type: 'join', presence: 'room' },
			{ type: 'hand.lower' }
		]);
		// Nobody waits for the replayed join's answer, but it is still matched and forgotten.
		for (const request of wire.sent) answer(request);
		expect(channel.pending).toBe(0);
	});

	it('tells its owner which answers came to requests that went out late', () => {
		const { wire, channel, answers, conflict } = setup();
		void channel.send({ type: 'step.set', from: 'opening', to: 'choice' });
		conflict(wire.sent[0]);
		wire.up = false;
		void channel.send({ type: 'step.set', from: 'choice', to: 'deepening' });
		wire.up = true;
		channel.connected();
		conflict(wire.sent[1]);
		void channel.send(hand);
		channel.connected();
		conflict(wire.sent[3]);
		expect(answers).toEqual([
			{ type: 'step.set', ok: false, late: false },
			// Made offline.
			{ type: 'step.set', ok: false, late: true },
			// Sent again after a reconnect: the first answer may have been lost with the socket.
			{ type: 'hand.raise', ok: false, late: true }
		]);
	});

	it('rejects what waits and every later send once closed for good', async () => {
		const { wire, channel } = setup();
		const waiting = channel.send(hand);
		wire.up = false;
		const queued = channel.send(hand);
		channel.close(new Error('closed (4404)'));
		await expect(waiting).rejects.toThrow('closed (4404)');
		await expect(queued).rejects.toThrow('closed (4404)');
		await expect(channel.send(hand)).rejects.toThrow('closed (4404)');
		wire.up = true;
		wire.sent = [];
		channel.connected();
		expect(wire.sent).toEqual([]);
		expect(channel.pending).toBe(0);
	});

	it('counts what is not confirmed yet, for whoever subscribes', () => {
		const { wire, channel, answer } = setup();
		const counts: number[] = [];
		const stop = channel.subscribe((n) => counts.push(n));
		void channel.send(hand);
		void channel.send(hand);
		answer(wire.sent[0]);
		stop();
		answer(wire.sent[1]);
		expect(counts).toEqual([1, 2, 1]);
		expect(channel.pending).toBe(0);
	});

	it('ignores answers it cannot use', async () => {
		const { wire, channel, answer } = setup();
		const sent = channel.send(hand);
		channel.receive('not json');
		channel.receive('null');
		channel.receive(JSON.stringify({ id: 999, ok: true }));
		expect(channel.pending).toBe(1);
		answer(wire.sent[0]);
		await expect(sent).resolves.toMatchObject({ ok: true });
	});
});
