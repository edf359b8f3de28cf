/**
 * Privacy: when a round ends it is erased — not a byte of its stories, names or tokens stays in
 * any database file — and logs never carry what people said or who they are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';
import { intents } from '../helpers/intents.ts';
import {
	createRound,
	joinRound,
	provider,
	startInProcess,
	synced,
	tempDir,
	until
} from '../helpers/server.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every byte of every file in the data folder (kleed.db, -wal, -shm). */
function dataBytes(dir: string): Buffer {
	return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

/** A round with a story only this test knows, a name and a kleed object; left by everyone. */
async function roundWithSecrets(port: number) {
	const secret = `geheim-${Math.random().toString(36).slice(2)}-verhaal`;
	const name = `Naam${Math.random().toString(36).slice(2, 8)}`;
	const round = await createRound(port, { title: 'Titel van de ronde' });
	const person = await joinRound(port, round.code, name);
	const f = provider(port, round.code, round.facilitatorKey);
	const p = provider(port, round.code, person.token);
	await Promise.all([synced(f.provider), synced(p.provider)]);
	const send = intents(p.provider);
	const fsend = intents(f.provider);
	await send({ type: 'join', presence: 'remote' });
	expect((await fsend({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
	expect((await send({ type: 'story.post', id: 'story-secret', text: secret })).ok).toBe(true);
	await fsend({ type: 'vote.open', round: 1 });
	await send({ type: 'vote.cast', storyId: 'story-secret' });
	await fsend({ type: 'person.newcomer', who: person.participantId, on: true });
	return { round, person, secret, name, f, p, fsend };
}

it('erases every byte of a round from the database files; only counts remain', async () => {
	const dir = tempDir();
	const server = await startInProcess(dir.path);
	cleanups.push(
		() => dir.remove(),
		() => server.stop()
	);
	const r = await roundWithSecrets(server.port);
	server.kleed.db.pragma('wal_checkpoint(PASSIVE)');
	// The test can see the secrets while they are there…
	const before = dataBytes(dir.path);
	expect(before.includes(Buffer.from(r.secret))).toBe(true);
	expect(before.includes(Buffer.from(r.name))).toBe(true);

	expect((await r.fsend({ type: 'round.erase' })).ok).toBe(true);
	await until(() => server.kleed.rounds.get(r.round.code) === null, 5000, 'erased');
	r.f.destroy();
	r.p.destroy();

	// …and finds none of them afterwards, in the main file or the WAL.
	const after = dataBytes(dir.path);
	for (const gone of [r.secret, r.name, 'Titel van de ronde', r.person.token, r.round.code]) {
		expect(after.includes(Buffer.from(gone)), gone).toBe(false);
	}
	expect(server.kleed.rounds.stats()).toEqual([
		expect.objectContaining({ inRoom: 0, remote: 1, newcomers: 1 })
	]);
	const res = await fetch(`http://127.0.0.1:${server.port}/api/rounds/${r.round.code}`);
	expect(res.status).toBe(404);
});

it('erases rounds nobody used for ROUND_TTL_HOURS by itself', async () => {
	const dir = tempDir();
	// 0.0005 h = 1.8 s: the sweeper looks every 0.45 s.
	const server = await startInProcess(dir.path, { ROUND_TTL_HOURS: '0.0005' });
	cleanups.push(
		() => dir.remove(),
		() => server.stop()
	);
	// A round with someone still in it, made before the other one, so older in every way.
	const busy = await createRound(server.port);
	const stay = provider(server.port, busy.code, busy.facilitatorKey);
	cleanups.push(stay.destroy);
	await synced(stay.provider);
	const r = await roundWithSecrets(server.port);
	r.f.destroy();
	r.p.destroy();
	await until(() => server.kleed.rounds.get(r.round.code) === null, 10_000, 'idle round erased');
	// The sweep truncates the log once at its end, in the checkpoint thread.
	await until(() => server.kleed.checkpointer!.truncations > 0, 10_000, 'the log truncated');
	expect(dataBytes(dir.path).includes(Buffer.from(r.secret))).toBe(false);
	// The sweep that erased the newer round found the busy one idle too (or an earlier sweep did):
	// it stays, however long ago its last change was.
	expect(server.kleed.rounds.get(busy.code)).not.toBeNull();
});

it('keeps names, titles and stories out of the logs of a whole round', async () => {
	const lines: string[] = [];
	const sink = new Writable({
		write(chunk, _enc, done) {
			lines.push(String(chunk));
			done();
		}
	});
	const dir = tempDir();
	const server = await startInProcess(dir.path, {}, { log: createLogger('trace', sink) });
	cleanups.push(
		() => dir.remove(),
		() => server.stop()
	);
	const r = await roundWithSecrets(server.port);
	await r.fsend({ type: 'vote.reveal' });
	// A truncated awareness frame: the server logs the bad frame and closes the connection.
	r.p.provider.ws?.send(
		new Uint8Array([1, 20, 1, 1, 1, 15, 123, 34, 120, 34, 58, 109, 105, 106, 110])
	);
	await until(() => lines.some((line) => line.includes('bad frame')), 5000, 'the bad frame logged');
	const log = lines.join('');
	expect(log.length).toBeGreaterThan(0);
	for (const secret of [
		r.secret,
		r.name,
		'Titel van de ronde',
		r.person.token,
		r.round.facilitatorKey
	]) {
		expect(log.includes(secret), secret).toBe(false);
	}
	r.f.destroy();
	r.p.destroy();
});
