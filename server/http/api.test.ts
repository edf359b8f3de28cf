import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	CODE_ALPHABET,
	CODE_LENGTH,
	type ApiError,
	type CreateRoundResponse
} from '../../src/lib/protocol.ts';
import { intents } from '../../tests/helpers/intents.ts';
import {
	provider,
	startInProcess,
	synced,
	tempDir,
	type Running
} from '../../tests/helpers/server.ts';

const UNBOUNDED = { roundsBurst: 1e6, joinsBurst: 1e6 };

let dir: ReturnType<typeof tempDir>;
let server: Running;
let base: string;

beforeAll(async () => {
	dir = tempDir();
	// Every test here makes rounds and joins from one address: the per-address bounds are
	// bounds-http.test.ts's.
	server = await startInProcess(dir.path, {}, { httpLimits: UNBOUNDED });
	base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
	await server.stop();
	dir.remove();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
	return fetch(`${base}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

async function newRound(body: object = {}) {
	const res = await post('/api/rounds', body);
	expect(res.status).toBe(201);
	return (await res.json()) as CreateRoundResponse;
}

describe('POST /api/rounds', () => {
	it('creates a round with a short unambiguous code, a 256-bit key and three links', async () => {
		const round = await newRound({ title: 'Dinsdag', language: 'nl' });
		expect(round.code).toHaveLength(CODE_LENGTH);
		for (const ch of round.code) expect(CODE_ALPHABET).toContain(ch);
		expect(round.code).not.toMatch(/[01OI]/);
		expect(Buffer.from(round.facilitatorKey, 'base64url')).toHaveLength(32);
		expect(round.links.participant).toMatch(new RegExp(`/r/${round.code}$`));
		expect(round.links.facilitator).toContain(
			`/r/${round.code}/begeleider#key=${round.facilitatorKey}`
		);
		expect(round.links.projector).toContain(
			`/r/${round.code}/scherm#token=${round.projectorToken}`
		);
		expect(round.links.participant).not.toContain(round.facilitatorKey);
	});

	it('accepts an empty body', async () => {
		const res = await fetch(`${base}/api/rounds`, { method: 'POST' });
		expect(res.status).toBe(201);
	});

	it('stores the facilitator key only as a hash', async () => {
		const round = await newRound();
		server.kleed.db.pragma('wal_checkpoint(TRUNCATE)');
		const bytes = readFileSync(`${dir.path}/kleed.db`);
		expect(bytes.includes(Buffer.from(round.facilitatorKey))).toBe(false);
		expect(bytes.includes(Buffer.from(round.projectorToken))).toBe(false);
		expect(bytes.includes(Buffer.from(round.code))).toBe(true);
	});

	it('rejects bad input with a readable message', async () => {
		const res = await post('/api/rounds', { title: 'x'.repeat(81), color: 'red' });
		expect(res.status).toBe(400);
		const body = (await res.json()) as ApiError;
		expect(body.error).toBe('invalid');
		expect(body.issues?.map((i) => i.path).sort()).toEqual(['(body)', 'title']);
		expect(body.message).toMatch(/at most 80 characters/);
	});
});

describe('POST /api/rounds/{code}/participants', () => {
	it('adds a participant, trimming the name, and returns an id and a token', async () => {
		const round = await newRound();
		const res = await post(`/api/rounds/${round.code}/participants`, {
			name: '  Fatma  ',
			presence: 'remote'
		});
		expect(res.status).toBe(201);
		const body = (await res.json()) as { participantId: string; token: string };
		expect(body.participantId).toBeTruthy();
		expect(Buffer.from(body.token, 'base64url').length).toBeGreaterThanOrEqual(16);
		const session = await fetch(`${base}/api/rounds/${round.code}/session`, {
			headers: { authorization: `Bearer ${body.token}` }
		});
		expect(await session.json()).toEqual({
			code: round.code,
			role: 'participant',
			participantId: body.participantId,
			name: 'Fatma'
		});
	});

	it("tells the step the round is in, so the page can load that step's view early", async () => {
		const round = await newRound();
		const join = async () =>
			(await (
				await post(`/api/rounds/${round.code}/participants`, { name: 'Anna', presence: 'room' })
			).json()) as { step?: string };
		expect((await join()).step).toBe('opening');
		const f = provider(server.port, round.code, round.facilitatorKey);
		try {
			await synced(f.provider);
			const steer = intents(f.provider);
			expect(await steer({ type: 'step.set', from: 'opening', to: 'choice' })).toMatchObject({
				ok: true
			});
		} finally {
			f.destroy();
		}
		expect((await join()).step).toBe('choice');
	});

	it('accepts a code typed in lower case with a dash', async () => {
		const round = await newRound();
		const typed = `${round.code.slice(0, 3).toLowerCase()}-${round.code.slice(3).toLowerCase()}`;
		const res = await post(`/api/rounds/${typed}/participants`, { name: 'A', presence: 'room' });
		expect(res.status).toBe(201);
	});

	it('answers 404 for an unknown round', async () => {
		const res = await post('/api/rounds/ZZZZZZ/participants', { name: 'A', presence: 'room' });
		expect(res.status).toBe(404);
		expect(((await res.json()) as ApiError).message).toMatch(/no round/i);
	});

	const bad: [string, unknown, string][] = [
		['a missing name', { presence: 'room' }, 'name'],
		['an empty name', { name: '   ', presence: 'room' }, 'name'],
		['a name of 41 characters', { name: 'a'.repeat(41), presence: 'room' }, 'name'],
		['a control character', { name: 'a\u0007b', presence: 'room' }, 'name'],
		['a missing presence', { name: 'Anna' }, 'presence'],
		['an unknown presence', { name: 'Anna', presence: 'moon' }, 'presence'],
		['a name that is not text', { name: 42, presence: 'room' }, 'name']
	];
	for (const [label, body, field] of bad) {
		it(`answers 400 naming the field for ${label}`, async () => {
			const round = await newRound();
			const res = await post(`/api/rounds/${round.code}/participants`, body);
			expect(res.status).toBe(400);
			const error = (await res.json()) as ApiError;
			expect(error.error).toBe('invalid');
			expect(error.issues?.map((i) => i.path)).toContain(field);
			expect(error.message.length).toBeGreaterThan(5);
		});
	}

	it('refuses a new person once the round has ended, kindly (409 round_ended); nobody is added', async () => {
		const round = await newRound();
		const before = await post(`/api/rounds/${round.code}/participants`, {
			name: 'Anna',
			presence: 'room'
		});
		expect(before.status).toBe(201);
		const f = provider(server.port, round.code, round.facilitatorKey);
		try {
			await synced(f.provider);
			expect(await intents(f.provider)({ type: 'round.end' })).toMatchObject({ ok: true });
		} finally {
			f.destroy();
		}
		const res = await post(`/api/rounds/${round.code}/participants`, {
			name: 'Bram',
			presence: 'room'
		});
		expect(res.status).toBe(409);
		expect(((await res.json()) as ApiError).error).toBe('round_ended');
		const count = server.kleed.db
			.prepare('SELECT COUNT(*) AS n FROM participants WHERE round_code = ?')
			.get(round.code) as { n: number };
		expect(count.n).toBe(1);
	});

	it('accepts a name of exactly 40 characters', async () => {
		const round = await newRound();
		const res = await post(`/api/rounds/${round.code}/participants`, {
			name: 'é'.repeat(40),
			presence: 'room'
		});
		expect(res.status).toBe(201);
	});

	it('answers 400 for malformed JSON, 415 for another content type, 413 for a huge body', async () => {
		const round = await newRound();
		const path = `/api/rounds/${round.code}/participants`;
		expect((await post(path, '{"name":')).status).toBe(400);
		expect((await post(path, 'name=Anna', { 'content-type': 'text/plain' })).status).toBe(415);
		expect((await post(path, { name: 'x'.repeat(100_000), presence: 'room' })).status).toBe(413);
	});
});

describe('GET endpoints', () => {
	it('GET /api/health answers 200', async () => {
		const res = await fetch(`${base}/api/health`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ ok: true });
	});

	it('GET /api/rounds/{code} tells the title, or 404', async () => {
		const round = await newRound({ title: 'Noord' });
		const res = await fetch(`${base}/api/rounds/${round.code}`);
		expect(await res.json()).toEqual({ code: round.code, title: 'Noord', language: 'nl' });
		expect((await fetch(`${base}/api/rounds/ZZZZZZ`)).status).toBe(404);
	});

	it("GET session: 401 without a token, 403 with another round's token, role for each token", async () => {
		const round = await newRound();
		const other = await newRound();
		const session = (token?: string) =>
			fetch(`${base}/api/rounds/${round.code}/session`, {
				headers: token ? { authorization: `Bearer ${token}` } : {}
			});
		expect((await session()).status).toBe(401);
		expect((await session(other.facilitatorKey)).status).toBe(403);
		// A facilitator device gets the links again (e.g. the co-facilitator's laptop).
		expect(await (await session(round.facilitatorKey)).json()).toEqual({
			code: round.code,
			role: 'facilitator',
			projectorToken: round.projectorToken,
			links: round.links
		});
		expect(await (await session(round.projectorToken)).json()).toMatchObject({ role: 'projector' });
	});

	it('answers unknown API paths with 404 JSON and wrong methods with 405', async () => {
		const missing = await fetch(`${base}/api/nothing`);
		expect(missing.status).toBe(404);
		expect(missing.headers.get('content-type')).toMatch(/json/);
		const wrong = await fetch(`${base}/api/health`, { method: 'DELETE' });
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('GET');
	});
});
