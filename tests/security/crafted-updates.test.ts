/**
 * The update that froze the whole server (issue #13): many writes to one map key, each from its
 * own client id (tests/helpers/craftedUpdate.ts). Yjs integrates such an update in quadratic time
 * on the main thread: with 20,000 writes (540 KB) Y.applyUpdate took 1.5 s on an empty doc and
 * 165 s for a second one on top (measured on a developer machine). The relay used to apply a
 * facilitator's update as it came, then store it, and anyone can create a round and so hold a
 * facilitator key. Now the server is the doc's only writer: it refuses any client's update
 * unread, the facilitator's too, and rounds elsewhere on the same server never wait for it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP } from '../../src/lib/round/doc.ts';
import { childServerSuite } from '../helpers/childSuite.ts';
import { craftedUpdate } from '../helpers/craftedUpdate.ts';
import { createRound, joinRound, until } from '../helpers/server.ts';

const suite = childServerSuite();

/** One SyncStep2 frame and one Update frame, each with its own 20,000 client ids. */
const FRAMES = 2;
const WRITES = 20_000;
/** Client ids of the crafted writes start here (a real doc's client id is random, up to 2^32). */
const FIRST_CLIENT = 1_000_000;
const isCrafted = (client: number) =>
	client >= FIRST_CLIENT && client < FIRST_CLIENT + FRAMES * WRITES;
/** What every intent round-trip of the other round must stay under. */
const ROUND_TRIP_MS = 200;
/** Beyond this the canary stops waiting: the server is frozen (as it was before #13). */
const GIVE_UP_MS = 2000;

/** Rows and bytes the server stored for a round, read from its database file. */
function stored(code: string): { rows: number; bytes: number } {
	const db = new Database(join(suite.dataDir, 'kleed.db'), { readonly: true, fileMustExist: true });
	try {
		return db
			.prepare<[string], { rows: number; bytes: number }>(
				'SELECT count(*) AS rows, coalesce(sum(length(data)), 0) AS bytes FROM doc_updates WHERE round_code = ?'
			)
			.get(code)!;
	} finally {
		db.close();
	}
}

/** The client ids that wrote anything in this doc. */
const writers = (doc: Y.Doc) => [...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()];

/** tests/security/fixtures/attacker.ts in its own process; resolves once it is connected. */
async function attacker(code: string, token: string) {
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'tests/security/fixtures/attacker.ts',
			String(suite.port),
			code,
			token,
			String(FRAMES),
			String(WRITES),
			String(FIRST_CLIENT)
		],
		{ stdio: ['pipe', 'pipe', 'inherit'] }
	);
	suite.onCleanup(() => child.kill('SIGKILL'));
	const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
	const next = async () => JSON.parse(((await lines.next()).value as string) ?? 'null') as unknown;
	const { ready } = (await next()) as { ready: number };
	return {
		frameBytes: ready,
		/** Sends every frame; resolves once the server has handled them all, with its answers. */
		attack: async () => {
			child.stdin!.write('go\n');
			return (await next()) as { denied: number; open: boolean };
		}
	};
}

it('builds the bytes Yjs does: one update, one write to meta.step per client id', () => {
	const docs = [7, 6, 5].map((clientID) => {
		const doc = new Y.Doc();
		doc.clientID = clientID;
		doc.getMap(DOC_MAP.meta).set('step', 'closing');
		return doc;
	});
	const merged = Y.mergeUpdates(docs.map((doc) => Y.encodeStateAsUpdate(doc)));
	expect(craftedUpdate(5, 3)).toEqual(merged);
	const { structs } = Y.decodeUpdate(craftedUpdate(5, 3));
	expect(structs.map((s) => [s.id.client, (s as Y.Item).parentSub])).toEqual([
		[7, 'step'],
		[6, 'step'],
		[5, 'step']
	]);
	for (const doc of docs) doc.destroy();
});

it(
	"refuses 20,000 writes to one key on a facilitator's socket; another round's intents never wait",
	{ timeout: 30_000 },
	async () => {
		const port = suite.port;
		// The attacked round, with an honest facilitator watching it.
		const attacked = await createRound(port);
		const f = await suite.device(attacked.code, attacked.facilitatorKey);
		// Another round on the same server: a participant raises and lowers a hand.
		const other = await createRound(port);
		const p = await joinRound(port, other.code, 'Canary');
		const canary = await suite.device(other.code, p.token);
		expect((await canary.send({ type: 'join', presence: 'room' })).ok).toBe(true);
		// Two round-trips to warm up: the first intents of a process are slower (JIT, SQLite).
		await canary.send({ type: 'hand.raise' });
		await canary.send({ type: 'hand.lower' });

		// The attacker holds the round's facilitator key (anyone who creates a round has one).
		const mallory = await attacker(attacked.code, attacked.facilitatorKey);
		const before = stored(attacked.code);

		// The other round's intents go back and forth the whole time, one after the other.
		const roundTrips: number[] = [];
		let stop = false;
		const canaryRuns = (async () => {
			for (let n = 0; !stop; n++) {
				const start = performance.now();
				let giveUp: ReturnType<typeof setTimeout> | undefined;
				const result = await Promise.race([
					canary.send({ type: n % 2 === 0 ? 'hand.raise' : 'hand.lower' }),
					new Promise<null>((resolve) => (giveUp = setTimeout(() => resolve(null), GIVE_UP_MS)))
				]);
				clearTimeout(giveUp);
				roundTrips.push(performance.now() - start);
				if (result === null) throw new Error(`the other round waited over ${GIVE_UP_MS} ms`);
				if (!result.ok) throw new Error(`the canary's intent was refused: ${result.error}`);
				// Paced, to stay within one connection's budget of intents (a burst of 30).
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
		})();
		await until(() => roundTrips.length >= 2, 5000, 'the canary to run');
		const started = roundTrips.length;
		// Whichever comes first: the server's answers to the attacker, or a canary that gave up.
		const answered = await Promise.race([mallory.attack(), canaryRuns.then(() => null)]);
		const during = roundTrips.length - started;
		await Promise.race([
			until(() => roundTrips.length >= started + during + 3, 5000, 'the canary to go on'),
			canaryRuns
		]);
		stop = true;
		await canaryRuns;

		console.log(
			`crafted updates: ${FRAMES} frames of ${mallory.frameBytes} bytes, ${WRITES} writes each; ` +
				`the other round's intent round-trips (ms): ${roundTrips.map((t) => t.toFixed(1)).join(', ')}; ` +
				`${during} answered while the attack was sent and refused`
		);
		expect(Math.max(...roundTrips)).toBeLessThan(ROUND_TRIP_MS);
		// Every frame refused with permission-denied; the attacker is not even disconnected.
		expect(answered).toEqual({ denied: FRAMES, open: true });

		// The attacked round is as it was: nothing applied, nothing stored.
		expect(stored(attacked.code)).toEqual(before);
		await f.send.fence();
		const fresh = await suite.device(attacked.code, attacked.projectorToken);
		for (const doc of [f.doc, fresh.doc]) {
			expect(doc.getMap(DOC_MAP.meta).get('step')).toBe('opening');
			expect(writers(doc).filter(isCrafted)).toEqual([]);
			// The round's creation and the server: nobody else ever wrote.
			expect(writers(doc).length).toBeLessThanOrEqual(2);
		}
		// And the round goes on.
		expect((await f.send({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await fresh.send.fence();
		expect(fresh.doc.getMap(DOC_MAP.meta).get('step')).toBe('choice');
	}
);
