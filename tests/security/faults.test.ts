/**
 * Faults: a SIGKILL with ten clients writing, a facilitator who was offline while the round moved
 * on, a tablet that sleeps or reloads, a facilitator who drops out, a full disk.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP, type RaisedHand, type VoteFields } from '../../src/lib/round/doc.ts';
import { childServerSuite } from '../helpers/childSuite.ts';
import { intents } from '../helpers/intents.ts';
import { rawClient, updateFrame } from '../helpers/rawClient.ts';
import {
	createRound,
	joinRound,
	provider,
	startInProcess,
	synced,
	tempDir,
	until,
	type Running
} from '../helpers/server.ts';

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
		expect((await f.send({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		for (const [i, t] of tablets.entries()) {
			expect(
				(await t.send({ type: 'story.post', id: `story-${i}00`, text: `Verhaal ${i}` })).ok
			).toBe(true);
		}
		expect((await f.send({ type: 'vote.open', round: 1 })).ok).toBe(true);

		// Everyone writes at once: the facilitator edits the warm-up, the tablets vote and change
		// votes. Each at a steady pace within a connection's intent budget (a burst of 30, then 5
		// a second), so that nobody is refused for speed before the crash.
		let stop = false;
		const pace = () => new Promise((resolve) => setTimeout(resolve, 40));
		const answered: Map<number, string> = new Map();
		const writers = tablets.map(async (t, i) => {
			for (let n = 0; !stop; n++) {
				const storyId = `story-${(i + n) % 9}00`;
				const result = await t.send({ type: 'vote.cast', storyId });
				if (!result.ok) throw new Error(`vote refused: ${result.error}`);
				answered.set(i, storyId);
				await pace();
			}
		});
		let edits = 0;
		const editor = (async () => {
			for (let n = 1; !stop; n++) {
				const result = await f.send({ type: 'text.set', field: 'warmup', text: `opwarmer ${n}` });
				if (!result.ok) throw new Error(`edit refused: ${result.error}`);
				edits = n;
				await pace();
			}
		})();
		await until(() => answered.size === 9 && edits >= 5, 45_000, 'everyone writing');
		// What one client saw just before the crash.
		const seen = snapshot(tablets[0]!.doc);
		await suite.crashAndRestart();
		stop = true;
		// Whatever was on its way when the server died is sent again after the restart, and answered.
		await Promise.all([...writers, editor]);
		const lastAnswered = new Map(answered);

		const after = await device(round.code, round.projectorToken);
		const stored = snapshot(after.doc);
		expect(stored.stories).toEqual(seen.stories);
		expect(stored.participants).toEqual(seen.participants);
		// The warm-up text is at least as new as the one the tablet had seen.
		const number = (s: unknown) => Number(String(s).split(' ')[1]);
		expect(number(stored.meta!.warmup)).toBeGreaterThanOrEqual(number(seen.meta!.warmup));
		// Every vote that was answered before the crash counts.
		expect((await f.send({ type: 'vote.reveal' })).ok).toBe(true);
		await until(
			() => (after.doc.getMap(DOC_MAP.vote).toJSON() as VoteFields).status === 'revealed',
			5000,
			'reveal'
		);
		const totals = (after.doc.getMap(DOC_MAP.vote).toJSON() as VoteFields).totals!;
		expect(Object.values(totals).reduce((a, b) => a + b, 0)).toBe(9);
		// Each person's heart is where their last answered vote put it: a vote on its way when the
		// server died was sent again, and answered, after the restart.
		for (const [i, storyId] of lastAnswered) {
			const mine = await tablets[i]!.send({ type: 'vote.mine' });
			expect(mine).toMatchObject({ ok: true, data: { storyId } });
		}
	}
);

it('brings a tablet that slept or reloaded back as the same person, with the same vote and hand', async () => {
	const round = await createRound(suite.port);
	const anna = await joinRound(suite.port, round.code, 'Anna');
	const bram = await joinRound(suite.port, round.code, 'Bram');
	const f = await device(round.code, round.facilitatorKey);
	const b = await device(round.code, bram.token);
	expect((await f.send({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
	let a = await device(round.code, anna.token);
	await a.send({ type: 'join', presence: 'room' });
	await b.send({ type: 'join', presence: 'room' });
	await a.send({ type: 'hand.raise' });
	await b.send({ type: 'hand.raise' });
	await f.send({ type: 'story.post', id: 'story-x00', text: 'X', by: null });
	await f.send({ type: 'vote.open', round: 1 });
	await a.send({ type: 'vote.cast', storyId: 'story-x00' });
	const handBefore = f.doc.getMap<RaisedHand>(DOC_MAP.hands).get(anna.participantId);

	// The tablet sleeps (socket gone: the server tells the others it left), then the page reloads
	// (new doc, new client id).
	const online = (clientId: number) => f.provider.awareness.getStates().has(clientId);
	await until(() => online(a.doc.clientID), 5000, 'Anna online');
	a.provider.disconnect();
	await until(() => !online(a.doc.clientID), 5000, 'Anna gone');
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
	const online = (clientId: number) => a.provider.awareness.getStates().has(clientId);
	await until(() => online(f.doc.clientID), 5000, 'facilitator online');
	f.destroy();
	await until(() => !online(f.doc.clientID), 5000, 'facilitator gone');
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

it("sends an offline facilitator's queued changes on reconnect; a step the round left is refused", async () => {
	const round = await createRound(suite.port);
	const anna = await joinRound(suite.port, round.code, 'Anna');
	const f1 = await device(round.code, round.facilitatorKey);
	const f2 = await device(round.code, round.facilitatorKey);
	const a = await device(round.code, anna.token);
	await a.send({ type: 'join', presence: 'remote' });
	// The first facilitator's laptop loses the network (for a minute, or an hour: the server
	// cannot tell). What they do meanwhile waits in the queue.
	const online = (clientId: number) => a.provider.awareness.getStates().has(clientId);
	await until(() => online(f1.doc.clientID), 5000, 'facilitator online');
	f1.provider.disconnect();
	await until(() => !online(f1.doc.clientID), 5000, 'facilitator gone');
	const queued = [
		f1.send({ type: 'text.set', field: 'warmup', text: 'Wat heb je vandaag gegeten?' }),
		f1.send({ type: 'step.set', from: 'opening', to: 'choice' }),
		f1.send({ type: 'names.hide', on: true })
	] as const;
	expect(f1.send.pending).toBe(3);
	// The co-facilitator and Anna carry on; the round moves on to Verdieping.
	expect(
		(await f2.send({ type: 'kleed.place', id: 'kleed-100', icon: 'candle', by: null })).ok
	).toBe(true);
	expect((await f2.send({ type: 'text.set', field: 'mote', text: 'Wie kent dit?' })).ok).toBe(true);
	expect((await f2.send({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
	expect((await f2.send({ type: 'step.set', from: 'choice', to: 'deepening' })).ok).toBe(true);

	// Back online: the queue goes out in order. The step change names a step the round has left:
	// refused, so the laptop can say so; the other changes apply.
	f1.provider.connect();
	const [warmup, step, hide] = await Promise.all(queued);
	expect(warmup).toMatchObject({ ok: true });
	expect(step).toMatchObject({
		ok: false,
		error: 'conflict',
		message: expect.stringContaining('deepening')
	});
	expect(hide).toMatchObject({ ok: true });

	// Everyone sees what the server wrote, the returning laptop too.
	await Promise.all([f1, f2, a].map((d) => d.send.fence()));
	expect(snapshot(f1.doc)).toEqual(snapshot(a.doc));
	expect(snapshot(f2.doc)).toEqual(snapshot(a.doc));
	expect(a.doc.getMap(DOC_MAP.meta).toJSON()).toMatchObject({
		step: 'deepening',
		warmup: 'Wat heb je vandaag gegeten?',
		mote: 'Wie kent dit?',
		hideNames: true
	});
	expect(a.doc.getMap(DOC_MAP.kleed).size).toBe(1);
});

it(
	'a full disk: plain 507 answers, /api/health not ok, and back by itself when space returns',
	{ timeout: 60_000 },
	async () => {
		const dir = tempDir();
		const server = await startInProcess(dir.path, {}, { httpLimits: { roundsBurst: 1000 } });
		try {
			const base = `http://127.0.0.1:${server.port}`;
			const post = () =>
				fetch(`${base}/api/rounds`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ title: 'x'.repeat(80) })
				});
			const health = async () => {
				const res = await fetch(`${base}/api/health`);
				return { status: res.status, body: (await res.json()) as { ok: boolean; storage: string } };
			};
			expect(await health()).toMatchObject({ status: 200, body: { ok: true, storage: 'ok' } });
			// A real SQLite fault: the database may not grow by one page more (SQLITE_FULL), as on
			// a full disk.
			const db = server.kleed.db;
			db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
			let full: Response | null = null;
			for (let i = 0; i < 500 && !full; i++) {
				const res = await post();
				if (res.status !== 201) full = res;
			}
			expect(full?.status).toBe(507);
			expect(((await full!.json()) as { error: string }).error).toBe('storage_full');
			expect(await health()).toMatchObject({ status: 503, body: { ok: false, storage: 'full' } });
			// Space returns: the next health check's test write succeeds, and rounds are made again.
			db.pragma('max_page_count = 1073741823');
			let back = await health();
			for (let i = 0; i < 100 && back.status !== 200; i++) {
				await new Promise((r) => setTimeout(r, 50));
				back = await health();
			}
			expect(back).toMatchObject({ status: 200, body: { ok: true, storage: 'ok' } });
			expect((await post()).status).toBe(201);
		} finally {
			await server.stop();
			dir.remove();
		}
	}
);

it(
	'a full disk in a live round: nobody is closed, intents say so, health says full, and it saves again by itself',
	{ timeout: 60_000 },
	async () => {
		const dir = tempDir();
		const server = await startInProcess(dir.path);
		const devices: { destroy(): void }[] = [];
		try {
			const base = `http://127.0.0.1:${server.port}`;
			const health = async () => {
				const res = await fetch(`${base}/api/health`);
				return { status: res.status, body: (await res.json()) as { ok: boolean; storage: string } };
			};
			const live = async (code: string, token: string) => {
				const d = provider(server.port, code, token);
				devices.push(d);
				await synced(d.provider);
				return { ...d, send: intents(d.provider), closes: [] as number[] };
			};
			const round = await createRound(server.port);
			const anna = await joinRound(server.port, round.code, 'Anna');
			const f = await live(round.code, round.facilitatorKey);
			const a = await live(round.code, anna.token);
			for (const d of [f, a]) {
				d.provider.on('connection-close', (event: CloseEvent | null) =>
					d.closes.push(event?.code ?? 0)
				);
			}
			expect((await a.send({ type: 'join', presence: 'room' })).ok).toBe(true);

			// A real SQLite fault: the database may not grow by one page more (SQLITE_FULL), and the
			// pages it has are filled up, as on a full disk.
			const db = server.kleed.db;
			db.exec('CREATE TABLE filler (data BLOB)');
			db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
			const fill = db.prepare('INSERT INTO filler (data) VALUES (zeroblob(?))');
			for (const size of [65536, 4096, 512, 64, 8, 1]) {
				try {
					for (;;) fill.run(size);
				} catch (err) {
					if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err;
				}
			}

			// The facilitator goes on working. A change that could not be written stays in memory
			// (and on everyone's screen); what comes next is refused in plain words.
			let refused = null;
			let last = '';
			// Within one connection's intent burst (30); each text about 300 bytes.
			for (let n = 0; n < 28 && !refused; n++) {
				const text = `opwarmer ${n} ${'.'.repeat(280)}`;
				const result = await f.send({ type: 'text.set', field: 'warmup', text });
				if (result.ok) last = text;
				else refused = result;
			}
			expect(refused).toMatchObject({ ok: false, error: 'storage_full' });
			expect(last).not.toBe('');
			expect(await health()).toMatchObject({ status: 503, body: { ok: false, storage: 'full' } });
			// Reads go on: a newcomer connects and gets the round as everyone sees it; a vote.mine is
			// answered; nobody was closed, so nobody reconnects into the fault.
			const seen = await live(round.code, round.projectorToken);
			expect(seen.doc.getMap(DOC_MAP.meta).get('warmup')).toBe(last);
			expect(await a.send({ type: 'vote.mine' })).toMatchObject({ ok: true });
			expect(await a.send({ type: 'hand.raise' })).toMatchObject({ error: 'storage_full' });
			expect([...f.closes, ...a.closes]).toEqual([]);
			expect(f.provider.wsconnected && a.provider.wsconnected).toBe(true);

			// Space returns: health is ok again, the change that waited in memory is written, and
			// the round takes changes again. A reconnect sees everything.
			db.pragma('max_page_count = 1073741823');
			await until(() => storedWarmup(db, round.code) === last, 10_000, 'the waiting change saved');
			let back = await health();
			for (let i = 0; i < 100 && back.status !== 200; i++) {
				await new Promise((r) => setTimeout(r, 50));
				back = await health();
			}
			expect(back).toMatchObject({ status: 200, body: { ok: true, storage: 'ok' } });
			expect((await f.send({ type: 'text.set', field: 'warmup', text: 'weer bewaard' })).ok).toBe(
				true
			);
			expect((await a.send({ type: 'hand.raise' })).ok).toBe(true);
			expect(storedWarmup(db, round.code)).toBe('weer bewaard');
			a.destroy();
			const again = await live(round.code, anna.token);
			expect(again.doc.getMap(DOC_MAP.meta).get('warmup')).toBe('weer bewaard');
			expect(again.doc.getMap(DOC_MAP.hands).has(anna.participantId)).toBe(true);
			expect(f.closes).toEqual([]);
		} finally {
			for (const d of devices) d.destroy();
			await server.stop();
			dir.remove();
		}
	}
);

/** The warm-up text as stored in SQLite (not as any memory holds it). */
function storedWarmup(db: Running['kleed']['db'], code: string): unknown {
	const doc = new Y.Doc();
	const rows = db
		.prepare<[string], { data: Buffer }>('SELECT data FROM doc_updates WHERE round_code = ?')
		.all(code);
	for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.data));
	const warmup = doc.getMap(DOC_MAP.meta).get('warmup');
	doc.destroy();
	return warmup;
}
