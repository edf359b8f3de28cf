/**
 * What one round may hold (#15, finding 5), at the server's single writer: a doc size cap
 * (ROUND_LIMITS.maxDocBytes), admitting from the waiting list within maxParticipants, and a
 * facilitator's `person.add` with an id another round already uses. Each is refused with a clear
 * answer, and nothing else breaks. A real server in this process, with small caps.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DOC_MAP } from '../../src/lib/round/doc.ts';
import { intents } from '../helpers/intents.ts';
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

const MAX_PARTICIPANTS = 2;
/** The first doc of a round is a few hundred bytes; a 300-character text is about as much. */
const MAX_DOC_BYTES = 2000;

let dir: ReturnType<typeof tempDir>;
let server: Running;
/** Every log line the server wrote (JSON). */
const logLines: { level: number; msg: string }[] = [];
const cleanups: (() => void)[] = [];

beforeAll(async () => {
	dir = tempDir();
	server = await startInProcess(
		dir.path,
		{},
		{
			httpLimits: { roundsBurst: 100, joinsBurst: 100 },
			roundLimits: { maxParticipants: MAX_PARTICIPANTS, maxDocBytes: MAX_DOC_BYTES },
			log: pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) })
		}
	);
});

afterAll(async () => {
	for (const cleanup of cleanups) cleanup();
	await server?.stop();
	dir?.remove();
});

async function device(code: string, token: string) {
	const d = provider(server.port, code, token);
	cleanups.push(d.destroy);
	await synced(d.provider);
	return { ...d, send: intents(d.provider) };
}

/** A participant or waiting person, by HTTP. */
async function join(code: string, name: string) {
	const res = await fetch(`http://127.0.0.1:${server.port}/api/rounds/${code}/participants`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, presence: 'room' })
	});
	return { status: res.status, body: (await res.json()) as { participantId: string } };
}

it('refuses writing intents once the round doc reaches maxDocBytes; reads and sockets go on', async () => {
	const round = await createRound(server.port);
	const anna = await joinRound(server.port, round.code, 'Anna');
	const f = await device(round.code, round.facilitatorKey);
	const a = await device(round.code, anna.token);
	let closed = 0;
	for (const d of [f, a]) d.provider.on('connection-close', () => closed++);
	let refused = null;
	let accepted = 0;
	for (let n = 0; n < 40 && !refused; n++) {
		const result = await f.send({
			type: 'text.set',
			field: 'warmup',
			text: `${n} ${'x'.repeat(290)}`
		});
		if (result.ok) accepted = n;
		else refused = result;
	}
	expect(refused).toMatchObject({ ok: false, error: 'too_large' });
	// The cap holds within one intent's size: about MAX_DOC_BYTES / 300 texts fit.
	expect(accepted).toBeGreaterThan(0);
	expect(accepted).toBeLessThan(MAX_DOC_BYTES / 300);
	// A participant's write is refused alike; what only reads is still answered.
	expect(await a.send({ type: 'hand.raise' })).toMatchObject({ ok: false, error: 'too_large' });
	expect(await a.send({ type: 'vote.mine' })).toMatchObject({ ok: true });
	// Nobody was closed, and a newcomer gets the round as it is.
	expect(closed).toBe(0);
	const later = await device(round.code, round.projectorToken);
	expect(String(later.doc.getMap(DOC_MAP.meta).get('warmup'))).toMatch(new RegExp(`^${accepted} `));
	// Another round is not affected.
	const other = await createRound(server.port);
	const g = await device(other.code, other.facilitatorKey);
	expect(await g.send({ type: 'text.set', field: 'warmup', text: 'x'.repeat(290) })).toMatchObject({
		ok: true
	});
});

it('admits from the waiting list only while the round has room for one more (maxParticipants)', async () => {
	const round = await createRound(server.port);
	const f = await device(round.code, round.facilitatorKey);
	const joined: string[] = [];
	for (let i = 0; i < MAX_PARTICIPANTS; i++) {
		const person = await join(round.code, `Persoon ${i}`);
		expect(person.status).toBe(201);
		joined.push(person.body.participantId);
	}
	expect((await f.send({ type: 'round.lock', locked: true })).ok).toBe(true);
	const waiting = await join(round.code, 'Wachter');
	expect(waiting.status).toBe(202);
	const doorway = f.doc.getMap(DOC_MAP.waiting);
	await until(() => doorway.has(waiting.body.participantId), 5000, 'the waiting entry');
	expect(await f.send({ type: 'door.admit', who: waiting.body.participantId })).toMatchObject({
		ok: false,
		error: 'round_full'
	});
	// Still waiting (on the list and at the socket), not lost.
	await f.send.fence();
	expect(doorway.has(waiting.body.participantId)).toBe(true);
	// A place frees up: now the door opens.
	expect((await f.send({ type: 'person.remove', who: joined[0]! })).ok).toBe(true);
	expect(await f.send({ type: 'door.admit', who: waiting.body.participantId })).toMatchObject({
		ok: true
	});
	// A person without a device counts too: the round is full again.
	expect(
		await f.send({ type: 'person.add', id: 'extra-person-1', name: 'Extra', presence: 'room' })
	).toMatchObject({ ok: false, error: 'round_full' });
});

it('answers a person.add whose id another round uses with conflict, not a server error', async () => {
	const a = await createRound(server.port);
	const b = await createRound(server.port);
	const fa = await device(a.code, a.facilitatorKey);
	const fb = await device(b.code, b.facilitatorKey);
	const person = {
		type: 'person.add',
		id: 'shared-id-77',
		name: 'Dirk',
		presence: 'room'
	} as const;
	expect(await fa.send(person)).toMatchObject({ ok: true });
	const errorsBefore = logLines.filter((l) => l.level >= 50).length;
	expect(await fb.send(person)).toMatchObject({ ok: false, error: 'conflict' });
	await fb.send.fence();
	expect(logLines.filter((l) => l.level >= 50).length).toBe(errorsBefore);
	expect(fb.doc.getMap(DOC_MAP.participants).has('shared-id-77')).toBe(false);
	// The first round keeps its Dirk; the second can add him under another id.
	expect(fa.doc.getMap(DOC_MAP.participants).has('shared-id-77')).toBe(true);
	expect(
		await fb.send({ type: 'person.add', id: 'shared-id-78', name: 'Dirk', presence: 'room' })
	).toMatchObject({ ok: true });
});
