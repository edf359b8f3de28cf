/**
 * Faults: a SIGKILL with ten clients writing, a facilitator offline for a minute, a tablet that
 * sleeps or reloads, a facilitator who drops out.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP, type RaisedHand, type VoteFields } from '../../src/lib/round/doc.ts';
import { childServerSuite } from '../helpers/childSuite.ts';
import { rawClient, updateFrame } from '../helpers/rawClient.ts';
import { createRound, joinRound, until } from '../helpers/server.ts';

const suite = childServerSuite();
const device = suite.device;

/** Every map of the schema, as JSON (a replica knows a root type only once it is asked for). */
const snapshot = (doc: Y.Doc): Record<string, Record<string, unknown>> =>
	Object.fromEntries(Object.values(DOC_MAP).map((name) => [name, doc.getMap(name).toJSON()]));

it(
	'keeps every change any client saw, secret votes included, after a SIGKILL with ten clients writing',
	{ timeout: 90_000 },
	async () => {
		const port = suite.port;
		const round = await createRound(port);
		const f = await device(round.code, round.facilitatorKey);
		const people = await Promise.all(
			Array.from({ length: 9 }, (_, i) => joinRound(port, round.code, `Persoon ${i + 1}`))
		);
		const tablets = await Promise.all(people.map((p) => device(round.code, p.token)));
		for (const t of tablets) await t.send({ type: 'join', presence: 'room' });
		f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await until(
			() => tablets.every((t) => t.doc.getMap(DOC_MAP.meta).get('step') === 'choice'),
			5000,
			'step'
		);
		for (const [i, t] of tablets.entries()) {
			expect(
				(await t.send({ type: 'story.post', id: `story-${i}00`, text: `Verhaal ${i}` })).ok
			).toBe(true);
		}
		expect((await f.send({ type: 'vote.open', round: 1 })).ok).toBe(true);

		// Everyone writes at once: the facilitator edits texts, the tablets vote and change votes.
		let stop = false;
		const answered: Map<number, string> = new Map();
		const writers = tablets.map(async (t, i) => {
			for (let n = 0; !stop; n++) {
				const storyId = `story-${(i + n) % 9}00`;
				const result = await t.send({ type: 'vote.cast', storyId }).catch(() => null);
				if (result?.ok) answered.set(i, storyId);
				else break;
			}
		});
		let edits = 0;
		const editor = setInterval(
			() => f.doc.getMap(DOC_MAP.meta).set('warmup', `opwarmer ${++edits}`),
			2
		);
		await until(() => answered.size === 9 && edits > 50, 45_000, 'everyone writing');
		// What one client saw just before the crash.
		const seen = snapshot(tablets[0]!.doc);
		await suite.crashAndRestart();
		stop = true;
		clearInterval(editor);
		await Promise.allSettled(writers);
		const lastAnswered = new Map(answered);

		const after = await device(round.code, round.projectorToken);
		const stored = snapshot(after.doc);
		expect(stored.stories).toEqual(seen.stories);
		expect(stored.participants).toEqual(seen.participants);
		// The warm-up text is at least as new as the one the tablet had seen.
		const number = (s: unknown) => Number(String(s).split(' ')[1]);
		expect(number(stored.meta!.warmup)).toBeGreaterThanOrEqual(number(seen.meta!.warmup));
		// Every vote that was answered before the crash counts.
		await until(() => f.provider.wsconnected, 10_000, 'facilitator back');
		await f.send({ type: 'vote.reveal' });
		await until(
			() => (after.doc.getMap(DOC_MAP.vote).toJSON() as VoteFields).status === 'revealed',
			5000,
			'reveal'
		);
		const totals = (after.doc.getMap(DOC_MAP.vote).toJSON() as VoteFields).totals!;
		expect(Object.values(totals).reduce((a, b) => a + b, 0)).toBe(9);
		// Each person's heart is where their last answered vote put it, or where the vote that was
		// on its way when the server died put it (stored, but the answer never arrived).
		const next = (storyId: string) => `story-${(Number(storyId.slice(6, 7)) + 1) % 9}00`;
		for (const [i, storyId] of lastAnswered) {
			await until(() => tablets[i]!.provider.wsconnected, 10_000, 'tablet back');
			const mine = await tablets[i]!.send({ type: 'vote.mine' });
			expect([storyId, next(storyId)]).toContain(
				(mine as { data: { storyId: string } }).data.storyId
			);
		}
	}
);

it('brings a tablet that slept or reloaded back as the same person, with the same vote and hand', async () => {
	const round = await createRound(suite.port);
	const anna = await joinRound(suite.port, round.code, 'Anna');
	const bram = await joinRound(suite.port, round.code, 'Bram');
	const f = await device(round.code, round.facilitatorKey);
	const b = await device(round.code, bram.token);
	f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
	let a = await device(round.code, anna.token);
	await a.send({ type: 'join', presence: 'room' });
	await b.send({ type: 'join', presence: 'room' });
	await a.send({ type: 'hand.raise' });
	await b.send({ type: 'hand.raise' });
	await f.send({ type: 'story.post', id: 'story-x00', text: 'X', by: null });
	await f.send({ type: 'vote.open', round: 1 });
	await a.send({ type: 'vote.cast', storyId: 'story-x00' });
	const handBefore = f.doc.getMap<RaisedHand>(DOC_MAP.hands).get(anna.participantId);

	// The tablet sleeps (socket gone), then the page reloads (new doc, new client id).
	a.provider.disconnect();
	await new Promise((r) => setTimeout(r, 300));
	a.destroy();
	a = await device(round.code, anna.token);
	await a.send({ type: 'join', presence: 'room' });
	expect(await a.send({ type: 'vote.mine' })).toMatchObject({
		ok: true,
		data: { storyId: 'story-x00' }
	});
	expect(a.doc.getMap<RaisedHand>(DOC_MAP.hands).get(anna.participantId)).toEqual(handBefore);
	expect(f.doc.getMap(DOC_MAP.participants).size).toBe(2);
	expect(f.doc.getMap(DOC_MAP.vote).get('voted')).toBe(1);
	// Raising again after the reload keeps the place in the queue.
	await a.send({ type: 'hand.raise' });
	expect(f.doc.getMap<RaisedHand>(DOC_MAP.hands).get(anna.participantId)).toEqual(handBefore);
});

it('never hands the facilitator role to anyone when the facilitator drops out', async () => {
	const round = await createRound(suite.port);
	const anna = await joinRound(suite.port, round.code, 'Anna');
	const f = await device(round.code, round.facilitatorKey);
	const a = await device(round.code, anna.token);
	f.destroy();
	await new Promise((r) => setTimeout(r, 300));
	const raw = await rawClient(suite.port, round.code, anna.token);
	raw.send(updateFrame((d) => d.getMap(DOC_MAP.meta).set('step', 'closing')));
	raw.intent({ type: 'vote.open', round: 1 }, 1);
	raw.intent({ type: 'round.end' }, 2);
	await until(() => raw.frames.filter((fr) => fr[0] === 11).length === 2, 5000, 'answers');
	const answers = raw.frames.filter((fr) => fr[0] === 11).map((fr) => new TextDecoder().decode(fr));
	expect(answers.every((text) => text.includes('"forbidden"'))).toBe(true);
	expect(raw.frames.some((fr) => fr[0] === 2)).toBe(true);
	const check = await device(round.code, round.projectorToken);
	expect(check.doc.getMap(DOC_MAP.meta).get('step')).toBe('opening');
	expect(check.doc.getMap(DOC_MAP.meta).get('endedAt')).toBeUndefined();
	raw.ws.close();
	a.destroy();
});

it(
	'merges the edits of a facilitator who was offline for a minute',
	{ timeout: 120_000 },
	async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const f1 = await device(round.code, round.facilitatorKey);
		const f2 = await device(round.code, round.facilitatorKey);
		const a = await device(round.code, anna.token);
		await a.send({ type: 'join', presence: 'remote' });
		f1.provider.disconnect();
		// Offline: the first facilitator keeps editing; the co-facilitator and Anna carry on.
		f1.doc.getMap(DOC_MAP.meta).set('warmup', 'Wat heb je vandaag gegeten?');
		f1.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await f2.send({ type: 'kleed.place', id: 'kleed-100', icon: 'candle', by: null });
		f2.doc.getMap(DOC_MAP.meta).set('mote', 'Wie kent dit?');
		await new Promise((r) => setTimeout(r, 60_000));
		f1.doc.getMap(DOC_MAP.meta).set('hideNames', true);
		f1.provider.connect();
		const meta = (d: Y.Doc) => d.getMap(DOC_MAP.meta).toJSON();
		for (const d of [f1, f2, a]) {
			await until(
				() => meta(d.doc).hideNames === true && meta(d.doc).mote === 'Wie kent dit?',
				10_000,
				'convergence'
			);
		}
		expect(snapshot(f1.doc)).toEqual(snapshot(a.doc));
		expect(snapshot(f2.doc)).toEqual(snapshot(a.doc));
		expect(meta(a.doc)).toMatchObject({ step: 'choice', warmup: 'Wat heb je vandaag gegeten?' });
		expect(a.doc.getMap(DOC_MAP.kleed).size).toBe(1);
	}
);
