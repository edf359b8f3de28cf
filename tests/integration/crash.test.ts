/**
 * Durability: SIGKILL the real server (a child process) while a facilitator steers, start it
 * again on the same data, and check that nothing any client had received is gone, and that what
 * the facilitator asked for while the server was down arrives once it is back.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP } from '../../src/lib/round/doc.ts';
import type { IntentResult } from '../../src/lib/round/intents.ts';
import { intents } from '../helpers/intents.ts';
import {
	createRound,
	joinRound,
	provider,
	startChild,
	synced,
	tempDir,
	until,
	type ChildServer
} from '../helpers/server.ts';

let dir: ReturnType<typeof tempDir>;
let server: ChildServer | null = null;
const cleanups: (() => void)[] = [];

beforeAll(() => {
	dir = tempDir();
});

afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
	if (server) {
		server.process.kill('SIGKILL');
		await server.exited;
	}
	dir.remove();
});

const kleed = (doc: Y.Doc) => doc.getMap(DOC_MAP.kleed);
const meta = (doc: Y.Doc) => doc.getMap(DOC_MAP.meta);
/** Within the intent budget of one connection (a burst of 30): none is answered rate_limited. */
const ITEMS = 24;
const itemId = (n: number) => `kleed-${String(n).padStart(3, '0')}`;

it('keeps everything a client had received after SIGKILL and restart; queued intents follow', async () => {
	server = await startChild(dir.path);
	const port = server.port;
	const round = await createRound(port);
	const anna = await joinRound(port, round.code, 'Anna');
	const f = provider(port, round.code, round.facilitatorKey);
	const a = provider(port, round.code, anna.token);
	cleanups.push(f.destroy, a.destroy);
	await Promise.all([synced(f.provider), synced(a.provider)]);
	const send = intents(f.provider);
	expect((await send({ type: 'step.set', from: 'opening', to: 'deepening' })).ok).toBe(true);

	// The facilitator lays objects on the kleed as fast as it can, without waiting for answers;
	// the server is killed in the middle of it, and the facilitator carries on while it is down.
	const answers: Promise<IntentResult>[] = [];
	const place = () =>
		answers.push(
			send({ type: 'kleed.place', id: itemId(answers.length), icon: 'candle', by: null })
		);
	const writer = setInterval(() => answers.length < ITEMS - 6 && place(), 1);
	await until(() => kleed(a.doc).size >= 6, 10_000, 'Anna to receive 6 objects');
	server.process.kill('SIGKILL');
	await server.exited;
	clearInterval(writer);
	const seenByAnna = [...kleed(a.doc).keys()];
	while (answers.length < ITEMS) place();
	// Queued while the server is down (and whatever was on its way when it died).
	expect(send.pending).toBeGreaterThanOrEqual(6);

	// Same data directory, same port: the providers reconnect by themselves.
	server = await startChild(dir.path, port);
	const fresh = provider(port, round.code, round.projectorToken);
	cleanups.push(fresh.destroy);
	await synced(fresh.provider);
	for (const id of seenByAnna) expect(kleed(fresh.doc).has(id), id).toBe(true);
	expect(meta(fresh.doc).get('step')).toBe('deepening');

	// Every intent the facilitator made is answered once it is back, each applied once.
	const results = await Promise.all(answers);
	expect(results.every((r) => r.ok)).toBe(true);
	await until(() => kleed(fresh.doc).size === ITEMS, 5000, 'queued objects stored');
	// Anna's tablet catches up without a reload: the facilitator's next change reaches her.
	expect((await send({ type: 'step.set', from: 'deepening', to: 'closing' })).ok).toBe(true);
	await until(() => meta(a.doc).get('step') === 'closing', 10_000, 'Anna to catch up');
	expect([...kleed(a.doc).keys()].sort()).toEqual(
		Array.from({ length: ITEMS }, (_, n) => itemId(n))
	);
});
