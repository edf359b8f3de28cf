import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AudioGrant, CreateRoundResponse } from '../src/lib/protocol.ts';
import {
	createRound,
	joinRound,
	startInProcess,
	tempDir,
	type Running
} from '../tests/helpers/server.ts';
import {
	AUDIO_TOKEN_TTL_SECONDS,
	AudioRefused,
	AudioService,
	type CallControl
} from './AudioService.ts';

const liveKit = { url: 'wss://audio.example.org', apiKey: 'APItestkey', apiSecret: 'a'.repeat(40) };
const env = {
	LIVEKIT_URL: liveKit.url,
	LIVEKIT_API_KEY: liveKit.apiKey,
	LIVEKIT_API_SECRET: liveKit.apiSecret
};
const verifier = new TokenVerifier(liveKit.apiKey, liveKit.apiSecret);
const muted: [string, string][] = [];
const control: CallControl = {
	async muteMicrophone(call, identity) {
		muted.push([call, identity]);
		return true;
	}
};

let dir: ReturnType<typeof tempDir>;
let server: Running;
let round: CreateRoundResponse;
let base: string;

beforeAll(async () => {
	dir = tempDir();
	server = await startInProcess(dir.path, env, { audio: new AudioService(liveKit, control) });
	base = `http://127.0.0.1:${server.port}`;
	round = await createRound(server.port);
});

afterAll(async () => {
	await server.stop();
	dir.remove();
});

afterEach(() => vi.useRealTimers());

function ask(code: string, token?: string, body?: object) {
	return fetch(`${base}/api/rounds/${code}/audio`, {
		method: 'POST',
		headers: {
			...(token ? { authorization: `Bearer ${token}` } : {}),
			...(body ? { 'content-type': 'application/json' } : {})
		},
		body: body ? JSON.stringify(body) : undefined
	});
}

async function grantFor(token: string, body?: object) {
	const res = await ask(round.code, token, body);
	expect(res.status).toBe(200);
	const grant = (await res.json()) as AudioGrant;
	return { grant, claims: await verifier.verify(grant.token) };
}

const linkToken = (link: string) => new URL(link).hash.replace(/^#(token|key)=/, '');
const callOf = (code: string) => new AudioService(liveKit).callName(code);

describe('audio tokens, checked with LiveKit TokenVerifier', () => {
	it('lets a participant publish only a microphone and listen, without data', async () => {
		const anna = await joinRound(server.port, round.code, 'Anna', 'remote');
		const { grant, claims } = await grantFor(anna.token);
		expect(grant.url).toBe(liveKit.url);
		expect(claims.sub).toBe(`p:${anna.participantId}`);
		expect(claims.name).toBe('Anna');
		expect(claims.video).toMatchObject({
			roomJoin: true,
			room: callOf(round.code),
			canPublish: true,
			canPublishSources: ['microphone'],
			canSubscribe: true,
			canPublishData: false
		});
		expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(AUDIO_TOKEN_TTL_SECONDS);
	});

	it('gives the facilitator the same, and the room device a microphone as "De zaal"', async () => {
		const f = await grantFor(round.facilitatorKey);
		expect(f.claims.sub).toMatch(/^facilitator:/);
		expect(f.claims.video).toMatchObject({ canPublish: true, canSubscribe: true });
		for (const token of [round.facilitatorKey, round.projectorToken]) {
			const r = await grantFor(token, { device: 'room' });
			expect(r.claims.sub).toBe('room');
			expect(r.claims.name).toBe('De zaal');
			expect(r.claims.video).toMatchObject({
				canPublish: true,
				canPublishSources: ['microphone'],
				canSubscribe: true,
				canPublishData: false
			});
		}
	});

	it('lets an observer and the projector only listen', async () => {
		for (const token of [linkToken(round.links.observer), round.projectorToken]) {
			const { claims } = await grantFor(token);
			expect(claims.video).toMatchObject({ canPublish: false, canSubscribe: true });
			expect(claims.video?.canPublishSources ?? []).toEqual([]);
		}
	});

	it("refuses: no token, a wrong token, another round's token, the shared tablet, a participant as room", async () => {
		expect((await ask(round.code)).status).toBe(401);
		expect((await ask(round.code, 'not-a-token')).status).toBe(401);
		const other = await createRound(server.port);
		expect((await ask(round.code, other.facilitatorKey)).status).toBe(401);
		expect((await ask(round.code, linkToken(round.links.tablet))).status).toBe(403);
		const anna = await joinRound(server.port, round.code, 'Anna');
		expect((await ask(round.code, anna.token, { device: 'room' })).status).toBe(403);
		expect((await ask(round.code, anna.token, { device: 'kitchen' })).status).toBe(400);
	});

	it('gives nothing to someone still waiting at the door of a locked round (#15)', async () => {
		const service = new AudioService(liveKit);
		const waiting = { role: 'participant' as const, participantId: 'p1', name: 'Eva' };
		await expect(service.grant(round.code, { ...waiting, waiting: true })).rejects.toThrow(
			AudioRefused
		);
		// Let in, the same person hears the round.
		await expect(service.grant(round.code, waiting)).resolves.toHaveProperty('token');
	});

	it('binds each round to its own call: a token of round A never opens round B', async () => {
		const other = await createRound(server.port);
		const a = await grantFor(round.facilitatorKey);
		const res = await ask(other.code, other.facilitatorKey);
		const b = await verifier.verify(((await res.json()) as AudioGrant).token);
		expect(a.claims.video?.room).not.toBe(b.video?.room);
		expect(a.claims.video?.room).not.toContain(round.code);
	});

	it('makes tokens that expire', async () => {
		const { grant } = await grantFor(round.facilitatorKey);
		await expect(verifier.verify(grant.token)).resolves.toBeTruthy();
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(Date.now() + (AUDIO_TOKEN_TTL_SECONDS + 60) * 1000);
		await expect(verifier.verify(grant.token)).rejects.toThrow();
	});

	it('lets only a facilitator mute someone, through the RoomService', async () => {
		const anna = await joinRound(server.port, round.code, 'Anna');
		const mute = (token: string) =>
			fetch(`${base}/api/rounds/${round.code}/audio/mute`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ identity: `p:${anna.participantId}` })
			});
		expect((await mute(anna.token)).status).toBe(403);
		expect(muted).toEqual([]);
		const res = await mute(round.facilitatorKey);
		expect(res.status).toBe(200);
		expect(muted).toEqual([[callOf(round.code), `p:${anna.participantId}`]]);
	});
});

describe('without LiveKit', () => {
	it('answers 503 to a grant and a mute with a readable message, and says so in /api/health', async () => {
		const d = tempDir();
		const plain = await startInProcess(d.path);
		try {
			const r = await createRound(plain.port);
			const res = await fetch(`http://127.0.0.1:${plain.port}/api/rounds/${r.code}/audio`, {
				method: 'POST',
				headers: { authorization: `Bearer ${r.facilitatorKey}` }
			});
			expect(res.status).toBe(503);
			expect(await res.json()).toMatchObject({
				error: 'audio_not_configured',
				message: expect.stringMatching(/not set up/)
			});
			const mute = await fetch(`http://127.0.0.1:${plain.port}/api/rounds/${r.code}/audio/mute`, {
				method: 'POST',
				headers: {
					authorization: `Bearer ${r.facilitatorKey}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({ identity: 'p:someone' })
			});
			expect(mute.status).toBe(503);
			expect(await mute.json()).toMatchObject({ error: 'audio_not_configured' });
			const health = await fetch(`http://127.0.0.1:${plain.port}/api/health`);
			expect(await health.json()).toMatchObject({ audio: false });
		} finally {
			await plain.stop();
			d.remove();
		}
	});
});
