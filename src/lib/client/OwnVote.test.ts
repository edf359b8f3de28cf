import { describe, expect, it } from 'vitest';
import type { Intent, IntentResult } from '$lib/round/intents';
import { OwnVote } from './OwnVote.svelte';

/** A server whose answers the test gives, one question at a time. */
function setup() {
	let round = 1;
	const asked: { intent: Intent; answer: (result: Partial<IntentResult>) => void }[] = [];
	const own = new OwnVote(
		(intent) =>
			new Promise((resolve) => {
				asked.push({
					intent: intent as Intent,
					answer: (result) => resolve({ id: 0, ok: true, ...result } as never)
				});
			}),
		() => round
	);
	const flush = () => new Promise((r) => setTimeout(r, 0));
	/** Answers the `index`th question (default: the last) with the server's view of our heart. */
	const mine = async (storyId: string | null, index = asked.length - 1) => {
		const question = asked[index]!;
		expect(question.intent.type).toBe('vote.mine');
		question.answer({ data: { storyId } });
		await flush();
	};
	return { own, asked, mine, flush, setRound: (n: number) => (round = n) };
}

describe('OwnVote', () => {
	it('shows a heart at once, then takes what the server says', async () => {
		const { own, asked, mine, flush } = setup();
		const cast = own.cast('s1');
		expect(own.in(1)).toBe('s1');
		expect(asked.map((q) => q.intent)).toEqual([{ type: 'vote.cast', storyId: 's1' }]);
		asked[0]!.answer({});
		await expect(cast).resolves.toMatchObject({ ok: true });
		await flush();
		// Confirmed by asking: the server knows best (e.g. another device changed it).
		expect(asked[1]!.intent).toEqual({ type: 'vote.mine' });
		await mine('s2');
		expect(own.in(1)).toBe('s2');
	});

	it('belongs to one vote round: a new round starts without a heart', async () => {
		const { own, asked, setRound, mine, flush } = setup();
		void own.cast('s1');
		asked[0]!.answer({});
		await flush();
		expect(own.in(1)).toBe('s1');
		expect(own.in(2)).toBeNull();
		setRound(2);
		own.seen(2);
		own.seen(2); // the same round again asks nothing
		expect(asked.filter((q) => q.intent.type === 'vote.mine')).toHaveLength(2);
		await mine(null);
		expect(own.in(2)).toBeNull();
	});

	it('takes back a heart at once', async () => {
		const { own, asked } = setup();
		void own.cast('s1');
		void own.clear();
		expect(own.in(1)).toBeNull();
		expect(asked.map((q) => q.intent.type)).toEqual(['vote.cast', 'vote.clear']);
	});

	it('lets only the latest question count when answers cross', async () => {
		const { own, mine } = setup();
		own.refresh();
		own.refresh();
		await mine('new', 1);
		await mine('old', 0);
		expect(own.in(1)).toBe('new');
	});

	it('does not let a question from before a change undo it', async () => {
		const { own, mine } = setup();
		own.refresh(); // asked before the tap; answers "no heart"
		void own.cast('s1');
		await mine(null, 0);
		expect(own.in(1)).toBe('s1');
	});

	it('keeps what it had when the server refuses to tell', async () => {
		const { own, asked, flush } = setup();
		void own.cast('s1');
		own.refresh();
		asked[1]!.answer({ ok: false, error: 'forbidden', message: 'no' } as Partial<IntentResult>);
		await flush();
		expect(own.in(1)).toBe('s1');
	});

	it('sends a heart given twice before the answer once; both presses get that answer', async () => {
		const { own, asked, flush } = setup();
		const first = own.cast('s1');
		const second = own.cast('s1');
		expect(asked.map((q) => q.intent.type)).toEqual(['vote.cast']);
		asked[0]!.answer({});
		await expect(first).resolves.toMatchObject({ ok: true });
		await expect(second).resolves.toMatchObject({ ok: true });
		await flush();
		// Once answered, a new press is a new intent (the server may know another heart by now).
		void own.cast('s1');
		expect(asked.filter((q) => q.intent.type === 'vote.cast')).toHaveLength(2);
	});

	it('still sends a change to another story while one is on its way', async () => {
		const { own, asked } = setup();
		void own.cast('s1');
		void own.cast('s2');
		void own.cast('s1');
		expect(asked.map((q) => q.intent)).toEqual([
			{ type: 'vote.cast', storyId: 's1' },
			{ type: 'vote.cast', storyId: 's2' },
			{ type: 'vote.cast', storyId: 's1' }
		]);
		expect(own.in(1)).toBe('s1');
	});
});
