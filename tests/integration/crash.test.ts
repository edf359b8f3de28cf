/**
 * Durability: SIGKILL the real server (a child process) while a facilitator writes, start it
 * again on the same data, and check that nothing any client had received is gone.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP } from '../../src/lib/round/doc.ts';
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

const probe = (doc: Y.Doc) => doc.getArray<number>('probe');

it('keeps everything a client had received after SIGKILL and restart; clients catch up', async () => {
	server = await startChild(dir.path);
	const port = server.port;
	const round = await createRound(port);
	const anna = await joinRound(port, round.code, 'Anna');
	const f = provider(port, round.code, round.facilitatorKey);
	const a = provider(port, round.code, anna.token);
	cleanups.push(f.destroy, a.destroy);
	await Promise.all([synced(f.provider), synced(a.provider)]);

	// The facilitator writes as fast as it can; we kill the server in the middle of it.
	meta(f.doc).set('step', 'deepening');
	let written = 0;
	const writer = setInterval(() => {
		for (let i = 0; i < 5; i++) probe(f.doc).push([written++]);
	}, 1);
	await until(() => probe(a.doc).length >= 200, 10_000, 'Anna to receive 200 writes');
	server.process.kill('SIGKILL');
	await server.exited;
	clearInterval(writer);
	const seenByAnna = probe(a.doc).toArray();
	expect(seenByAnna.length).toBeGreaterThanOrEqual(200);

	// Same data directory, same port: the providers reconnect by themselves.
	server = await startChild(dir.path, port);
	const fresh = provider(port, round.code, round.projectorToken);
	cleanups.push(fresh.destroy);
	await synced(fresh.provider);
	const stored = probe(fresh.doc).toArray();
	expect(stored.slice(0, seenByAnna.length)).toEqual(seenByAnna);
	expect(meta(fresh.doc).get('step')).toBe('deepening');

	// Anna's tablet catches up without a reload: the facilitator's next change reaches her.
	await until(() => f.provider.wsconnected && a.provider.wsconnected, 10_000, 'reconnect');
	meta(f.doc).set('step', 'closing');
	await until(() => meta(a.doc).get('step') === 'closing', 10_000, 'Anna to catch up');
	// And the facilitator's writes the server never stored came back with its reconnect.
	await until(() => probe(fresh.doc).length === written, 10_000, 'offline edits to merge');
});

function meta(doc: Y.Doc) {
	return doc.getMap(DOC_MAP.meta);
}
