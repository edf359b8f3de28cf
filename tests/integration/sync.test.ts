/**
 * The real server (HTTP, relay, SQLite) with the stock y-websocket provider as clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType } from '../../src/lib/protocol.ts';
import { DOC_MAP, type ParticipantEntry } from '../../src/lib/round/doc.ts';
import { type IntentResult } from '../../src/lib/round/intents.ts';
import { encodeIntent, intents } from '../helpers/intents.ts';
import {
	createRound,
	joinRound,
	provider,
	startInProcess,
	synced,
	tempDir,
	until,
	upgradeStatus,
	type Running
} from '../helpers/server.ts';

const meta = (doc: Y.Doc) => doc.getMap(DOC_MAP.meta);
const cleanups: (() => void)[] = [];
function client(port: number, code: string, token: string) {
	const c = provider(port, code, token);
	cleanups.push(c.destroy);
	return c;
}

let dir: ReturnType<typeof tempDir>;
let server: Running;
let port: number;

beforeAll(async () => {
	dir = tempDir();
	server = await startInProcess(dir.path);
	port = server.port;
});

afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
	await server.stop();
	dir.remove();
});

describe('two devices through the real relay', () => {
	it("delivers a facilitator's step change to participants", async () => {
		const round = await createRound(port, { title: 'Buurthuis' });
		const anna = await joinRound(port, round.code, 'Anna');
		const bram = await joinRound(port, round.code, 'Bram', 'remote');
		const f = client(port, round.code, round.facilitatorKey);
		const a = client(port, round.code, anna.token);
		const b = client(port, round.code, bram.token);
		await Promise.all([synced(f.provider), synced(a.provider), synced(b.provider)]);
		expect(meta(a.doc).get('title')).toBe('Buurthuis');
		expect(meta(a.doc).get('step')).toBe('opening');
		expect(await intents(f.provider)({ type: 'step.set', from: 'opening', to: 'choice' })).toEqual({
			id: 1,
			ok: true
		});
		await until(() => meta(a.doc).get('step') === 'choice', 5000, 'Anna sees the step');
		await until(() => meta(b.doc).get('step') === 'choice', 5000, 'Bram sees the step');
	});

	it('moves one step on a double click, and once when two facilitators move at once', async () => {
		const round = await createRound(port);
		const f1 = client(port, round.code, round.facilitatorKey);
		const f2 = client(port, round.code, round.facilitatorKey);
		await Promise.all([synced(f1.provider), synced(f2.provider)]);
		const [send1, send2] = [intents(f1.provider), intents(f2.provider)];
		// A double click sends the same move twice before the first answer is back.
		const twice = await Promise.all([
			send1({ type: 'step.set', from: 'opening', to: 'choice' }),
			send1({ type: 'step.set', from: 'opening', to: 'choice' })
		]);
		expect(twice.map((r) => r.ok)).toEqual([true, true]);
		await send2.fence();
		expect(meta(f2.doc).get('step')).toBe('choice');
		// Both facilitators move on from Verhaalkeuze at the same moment, to different steps.
		const [one, other] = await Promise.all([
			send1({ type: 'step.set', from: 'choice', to: 'deepening' }),
			send2({ type: 'step.set', from: 'choice', to: 'closing' })
		]);
		expect([one.ok, other.ok].sort()).toEqual([false, true]);
		const refused = one.ok ? other : one;
		expect(refused).toMatchObject({ ok: false, error: 'conflict' });
		await Promise.all([send1.fence(), send2.fence()]);
		const step = one.ok ? 'deepening' : 'closing';
		expect([meta(f1.doc).get('step'), meta(f2.doc).get('step')]).toEqual([step, step]);
	});

	it('never lets a raw Yjs write reach anyone, from a participant or a facilitator', async () => {
		const round = await createRound(port);
		const anna = await joinRound(port, round.code, 'Anna');
		const bram = await joinRound(port, round.code, 'Bram');
		const f = client(port, round.code, round.facilitatorKey);
		const a = client(port, round.code, anna.token);
		const b = client(port, round.code, bram.token);
		await Promise.all([synced(f.provider), synced(a.provider), synced(b.provider)]);
		const [fsend, asend, bsend] = [f, a, b].map((d) => intents(d.provider));
		// Each provider sends its local edits as Update frames, as the browser would.
		for (const d of [a, f]) {
			meta(d.doc).set('step', 'closing');
			d.doc
				.getMap(DOC_MAP.participants)
				.set('forged', { name: 'x', presence: 'room', joinedAt: 0 });
			d.doc.getArray('extra').push([1]);
		}
		// Answers come in order: once the next intent is answered, the writes were handled.
		await Promise.all([asend!.fence(), fsend!.fence()]);
		expect(a.denied).toHaveLength(3);
		expect(f.denied).toHaveLength(3);
		// A change the facilitator asks for afterwards arrives; the forged ones never do.
		expect((await fsend!({ type: 'text.set', field: 'warmup', text: 'after' })).ok).toBe(true);
		await bsend!.fence();
		expect(meta(b.doc).get('warmup')).toBe('after');
		expect(meta(b.doc).get('step')).toBe('opening');
		expect(b.doc.getMap(DOC_MAP.participants).size).toBe(0);
		expect(b.doc.getArray('extra').length).toBe(0);
		// Nor is it stored: a fresh client sees the round without it, and the step still moves.
		const fresh = client(port, round.code, round.projectorToken);
		await synced(fresh.provider);
		expect(meta(fresh.doc).get('step')).toBe('opening');
		expect(fresh.doc.getMap(DOC_MAP.participants).size).toBe(0);
		expect(fresh.doc.getArray('extra').length).toBe(0);
		expect((await fsend!({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await until(() => meta(fresh.doc).get('step') === 'choice', 5000, 'step');
	});

	it('shows a joined participant to everyone through the join intent', async () => {
		const round = await createRound(port);
		const anna = await joinRound(port, round.code, '  Anna  ', 'remote');
		const f = client(port, round.code, round.facilitatorKey);
		const a = client(port, round.code, anna.token);
		await Promise.all([synced(f.provider), synced(a.provider)]);
		const results: IntentResult[] = [];
		a.provider.messageHandlers[MessageType.intentResult] = (_e, decoder) => {
			results.push(JSON.parse(decoding.readVarString(decoder)) as IntentResult);
		};
		a.provider.ws!.send(encodeIntent({ id: 7, intent: { type: 'join', presence: 'remote' } }));
		const people = f.doc.getMap<ParticipantEntry>(DOC_MAP.participants);
		await until(() => people.size === 1, 5000, 'participant in the doc');
		expect(people.get(anna.participantId)).toMatchObject({ name: 'Anna', presence: 'remote' });
		await until(() => results.length === 1, 5000, 'intent result');
		expect(results).toEqual([{ id: 7, ok: true }]);
	});

	it('shows who is online through awareness, with identity from the token', async () => {
		const round = await createRound(port);
		const anna = await joinRound(port, round.code, 'Anna');
		const f = client(port, round.code, round.facilitatorKey);
		const a = client(port, round.code, anna.token);
		a.provider.awareness.setLocalState({ user: { role: 'facilitator', name: 'Eve' } });
		await Promise.all([synced(f.provider), synced(a.provider)]);
		const stateOf = () => f.provider.awareness.getStates().get(a.doc.clientID);
		await until(() => stateOf() !== undefined, 5000, 'awareness');
		expect(stateOf()).toEqual({
			user: { role: 'participant', participantId: anna.participantId, name: 'Anna' }
		});
		a.destroy();
		await until(() => stateOf() === undefined, 5000, 'awareness removed on close');
	});
});

describe('a quiet round', () => {
	it('settles after a device reconnects: no reconnect loops, no awareness storm', async () => {
		const round = await createRound(port);
		const anna = await joinRound(port, round.code, 'Anna');
		const f = client(port, round.code, round.facilitatorKey);
		const a = client(port, round.code, anna.token);
		const p = client(port, round.code, round.projectorToken);
		const devices = [f, a, p];
		for (const d of devices) d.provider.awareness.setLocalState({ ui: { page: 'test' } });
		await Promise.all(devices.map((d) => synced(d.provider)));
		// Anna's tablet drops off and comes back with the same page (same client id and clock).
		a.provider.disconnect();
		await until(() => !f.provider.awareness.getStates().has(a.doc.clientID), 5000, 'Anna gone');
		a.provider.connect();
		await until(() => f.provider.awareness.getStates().has(a.doc.clientID), 5000, 'Anna back');
		let closes = 0;
		let updates = 0;
		for (const d of devices) {
			d.provider.on('connection-close', () => closes++);
			d.provider.awareness.on('update', () => updates++);
		}
		// A storm is a rate, so this one check watches a window of time: no ordering signal can say
		// that nothing more will come.
		await new Promise((r) => setTimeout(r, 1500));
		expect(closes).toBe(0);
		expect(updates).toBeLessThan(30);
	});
});

describe('upgrade refusals', () => {
	it('refuses without token (401), with a wrong token (403), for an unknown round (404)', async () => {
		const round = await createRound(port);
		const other = await createRound(port);
		const base = `ws://127.0.0.1:${port}/sync`;
		expect(await upgradeStatus(`${base}/${round.code}`)).toBe(401);
		expect(await upgradeStatus(`${base}/${round.code}?token=nope`)).toBe(403);
		expect(await upgradeStatus(`${base}/${round.code}?token=${other.facilitatorKey}`)).toBe(403);
		expect(await upgradeStatus(`${base}/ZZZZZZ?token=${round.facilitatorKey}`)).toBe(404);
		expect(await upgradeStatus(`${base}/${round.code}?token=${round.facilitatorKey}`)).toBe(101);
		expect(await upgradeStatus(`${base}/${round.code}?token=${round.projectorToken}`)).toBe(101);
	});
});
