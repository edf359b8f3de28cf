/**
 * The real server (HTTP, relay, SQLite) with the stock y-websocket provider as clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType } from '../../src/lib/protocol.ts';
import { DOC_MAP, type ParticipantEntry } from '../../src/lib/round/doc.ts';
import { type IntentResult } from '../../src/lib/round/intents.ts';
import { encodeIntent } from '../helpers/intents.ts';
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
		meta(f.doc).set('step', 'choice');
		await until(() => meta(a.doc).get('step') === 'choice', 5000, 'Anna sees the step');
		await until(() => meta(b.doc).get('step') === 'choice', 5000, 'Bram sees the step');
	});

	it("never lets a participant's raw Yjs write reach anyone", async () => {
		const round = await createRound(port);
		const anna = await joinRound(port, round.code, 'Anna');
		const bram = await joinRound(port, round.code, 'Bram');
		const f = client(port, round.code, round.facilitatorKey);
		const a = client(port, round.code, anna.token);
		const b = client(port, round.code, bram.token);
		await Promise.all([synced(f.provider), synced(a.provider), synced(b.provider)]);
		const denied = new Promise<void>((resolve) => {
			a.provider.messageHandlers[2] = () => resolve();
		});
		meta(a.doc).set('step', 'closing');
		a.doc.getMap(DOC_MAP.participants).set('forged', { name: 'x', presence: 'room', joinedAt: 0 });
		await denied;
		// A write the facilitator makes afterwards arrives; the forged one never does.
		meta(f.doc).set('title', 'after');
		await until(() => meta(b.doc).get('title') === 'after', 5000, 'later write');
		expect(meta(b.doc).get('step')).toBe('opening');
		expect(meta(f.doc).get('step')).toBe('opening');
		expect(b.doc.getMap(DOC_MAP.participants).size).toBe(0);
		// Nor is it stored: a fresh client sees the round without it.
		const fresh = client(port, round.code, round.facilitatorKey);
		await synced(fresh.provider);
		expect(meta(fresh.doc).get('step')).toBe('opening');
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
