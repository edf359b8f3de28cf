/**
 * Fuzz: more than 100,000 random and mutated frames (mutations of real captured frames) against
 * a live relay with SQLite. The process keeps running, memory stays bounded, other rounds stay
 * in sync, and honest clients never notice. A second, smaller run goes through real websockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP } from '../../src/lib/round/doc.ts';
import { intentServices } from '../../server/app.ts';
import { openDatabase, type Db } from '../../server/db.ts';
import { DocStore } from '../../server/DocStore.ts';
import { Relay } from '../../server/relay/Relay.ts';
import { connectMemory } from '../../server/relay/MemorySocket.ts';
import { RoundStore, type Identity } from '../../server/RoundStore.ts';
import { MemoryYClient, tick } from '../helpers/memoryYClient.ts';
import { craftedUpdate } from '../helpers/craftedUpdate.ts';
import { encodeIntent, intents } from '../helpers/intents.ts';
import { awarenessFrame, rawClient, syncFrame, updateFrame } from '../helpers/rawClient.ts';
import {
	createRound,
	joinRound,
	provider,
	startInProcess,
	synced,
	tempDir,
	until
} from '../helpers/server.ts';

/**
 * The heap that is still held: garbage collected first. Without it the figure is mostly garbage
 * not yet collected, which depends on the Node version's collector more than on the relay (on
 * Node 24 the same run read 94 and 109 MiB more after than before; on Node 20, 6).
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
function heldHeap(): number {
	collect();
	return process.memoryUsage().heapUsed;
}

/** A small, seeded PRNG (mulberry32): a failing run can be replayed. */
function prng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Real frames clients send (and the crafted update of issue #13, small), to mutate. */
function capturedFrames(): Uint8Array[] {
	const doc = new Y.Doc();
	const frames: Uint8Array[] = [
		updateFrame((d) => d.getMap(DOC_MAP.meta).set('step', 'closing')),
		updateFrame((d) => d.getMap(DOC_MAP.stories).set('s1', { text: 'x', by: null, at: 1 })),
		updateFrame((d) => d.getArray('a').insert(0, [1, 2, 3])),
		updateFrame((d) => d.getMap(DOC_MAP.meta).set('hideNames', true), 'step2'),
		syncFrame('update', craftedUpdate(1_000_000, 50)),
		awarenessFrame(12345, 3, { ui: { page: 'x' } }),
		awarenessFrame(12345, 4, null),
		encodeIntent({ id: 1, intent: { type: 'join', presence: 'room' } }),
		encodeIntent({ id: 2, intent: { type: 'vote.cast', storyId: 'story-a00' } }),
		encodeIntent({ id: 3, intent: { type: 'story.post', id: 'story-b00', text: 'Hallo' } }),
		encodeIntent({ id: 4, intent: { type: 'hand.raise' } }),
		new Uint8Array([0, 0, ...[1, 0]]),
		new Uint8Array([3])
	];
	doc.getMap('m').set('k', 'v');
	const sv = Y.encodeStateVector(doc);
	frames.push(new Uint8Array([0, 0, sv.length, ...sv]));
	return frames;
}

/** The client ids that wrote anything in this doc. */
const writers = (doc: Y.Doc) => [...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()];

function mutate(frame: Uint8Array, random: () => number): Uint8Array {
	const pick = (n: number) => Math.floor(random() * n);
	const bytes = [...frame];
	switch (pick(7)) {
		case 0: // flip bits
			for (let i = 0; i < 1 + pick(4); i++) {
				const at = pick(bytes.length);
				bytes[at] = (bytes[at] ?? 0) ^ (1 << pick(8));
			}
			return new Uint8Array(bytes);
		case 1: // truncate
			return new Uint8Array(bytes.slice(0, pick(bytes.length)));
		case 2: // insert random bytes
			bytes.splice(
				pick(bytes.length + 1),
				0,
				...Array.from({ length: 1 + pick(8) }, () => pick(256))
			);
			return new Uint8Array(bytes);
		case 3: // huge varint where a length or type goes
			bytes.splice(pick(bytes.length + 1), 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
			return new Uint8Array(bytes);
		case 4: // duplicate a slice
			return new Uint8Array([...bytes, ...bytes.slice(pick(bytes.length))]);
		case 5: // change the message type
			bytes[0] = pick(16);
			return new Uint8Array(bytes);
		default: // pure noise
			return new Uint8Array(Array.from({ length: pick(64) }, () => pick(256)));
	}
}

let db: Db;
let dataDir: string;

beforeAll(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'kleed-fuzz-'));
	db = openDatabase(join(dataDir, 'kleed.db'));
});

afterAll(() => {
	db.close();
	rmSync(dataDir, { recursive: true, force: true });
});

it('survives 100,000 random and mutated frames; honest clients and other rounds never notice', async () => {
	// A fresh participant for every closed attacker connection: more than ROUND_LIMITS allows.
	const rounds = new RoundStore(db, Date.now, { maxParticipants: Infinity });
	const relay: Relay = new Relay({
		persistence: new DocStore(db),
		log: pino({ level: 'silent' }),
		services: intentServices(db, rounds),
		// The heartbeat runs many times during the fuzzing, not only on a slow machine.
		limits: { heartbeatMs: 2000 }
	});
	const code = rounds.create({ title: '', language: 'nl' }).code;
	const other = rounds.create({ title: '', language: 'nl' }).code;
	const person = (c: string, name: string): Identity => {
		const { participantId } = rounds.addParticipant(c, { name, presence: 'room' });
		return { role: 'participant', participantId, name };
	};
	const facilitator = new MemoryYClient(relay, code, { role: 'facilitator' });
	facilitator.syncStep1();
	const honest = new MemoryYClient(relay, code, person(code, 'Honest'));
	honest.syncStep1();
	const elsewhereF = new MemoryYClient(relay, other, { role: 'facilitator' });
	elsewhereF.syncStep1();
	const elsewhere = new MemoryYClient(relay, other, person(other, 'Elsewhere'));
	elsewhere.syncStep1();
	// Honest devices answer the heartbeat's pings, as browsers do; a silent client is dropped as
	// dead (terminated) after two beats. (With the default 30 s beat that happened only when a
	// slow machine made this test outlast it: it failed on CI under Node 24.)
	for (const client of [facilitator, honest, elsewhereF, elsewhere])
		client.socket.answerPings = true;
	await tick();
	await relay.round(code)!.load();
	await relay.round(other)!.load();
	// Who wrote the rounds' docs before the fuzzing: the rounds' creation, and nobody else.
	const writersBefore = new Set([code, other].flatMap((c) => writers(relay.round(c)!.doc)));

	const random = prng(20261121);
	const seeds = capturedFrames();
	// Every role fuzzes, the facilitator too: no client's frame may add Yjs structs to a round.
	const roles: (() => Identity)[] = [
		() => person(code, 'Fuzzer'),
		() => ({ role: 'facilitator' }),
		() => ({ role: 'projector' }),
		() => ({ role: 'tablet' }),
		() => ({ role: 'observer' })
	];
	// Attackers need no doc of their own: a bare in-memory socket that forgets what it receives.
	const newAttacker = (identity: Identity) => {
		const socket = connectMemory(relay, code, identity);
		socket.received.length = 0;
		return socket;
	};
	let attacker = newAttacker(roles[0]!());
	let sent = 0;
	let connections = 1;
	const heapBefore = heldHeap();
	const steps = ['opening', 'choice', 'deepening', 'broadening', 'closing'] as const;
	for (let batch = 0; batch < 20; batch++) {
		for (let i = 0; i < 5_000; i++) {
			if (attacker.closed) {
				attacker = newAttacker(roles[connections++ % roles.length]!());
			}
			const frame =
				random() < 0.85
					? mutate(seeds[Math.floor(random() * seeds.length)]!, random)
					: new Uint8Array(
							Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))
						);
			attacker.send(frame);
			attacker.received.length = 0;
			sent++;
			if (i % 500 === 0) await tick();
		}
		await tick();
		// The honest people of both rounds still follow their facilitators, untouched. (An
		// answer goes out after the flush that sent the change to everyone.) A fuzzer with the
		// facilitator's role may itself steer round A now and then (a mutated `step.set` can be a
		// valid one): there the honest person must see what the server holds; round B, where
		// nobody fuzzes, goes exactly where its facilitator sends it.
		const stepOf = (doc: Y.Doc) => doc.getMap(DOC_MAP.meta).get('step') as string;
		const nextStep = (from: string) => steps[(steps.indexOf(from as never) + 1) % steps.length]!;
		for (const [f, c] of [
			[facilitator, code],
			[elsewhereF, other]
		] as const) {
			const from = stepOf(relay.round(c)!.doc);
			expect(await f.intent({ type: 'step.set', from, to: nextStep(from) })).toMatchObject({
				ok: true
			});
		}
		expect(stepOf(honest.doc)).toBe(stepOf(relay.round(code)!.doc));
		expect(stepOf(elsewhere.doc)).toBe(steps[(batch + 1) % steps.length]);
		for (const client of [facilitator, honest, elsewhereF, elsewhere]) {
			expect(client.closed).toBeNull();
			expect(client.socket.terminated).toBe(false);
		}
	}
	const heapAfter = heldHeap();
	console.log(
		`fuzz: ${sent} frames over ${connections} connections; heap ${(heapBefore / 2 ** 20).toFixed(1)} -> ${(heapAfter / 2 ** 20).toFixed(1)} MiB; rounds ${relay.roundCount}`
	);
	expect(sent).toBeGreaterThanOrEqual(100_000);
	// Bounded: closed connections are gone, nothing piles up per frame.
	expect(relay.roundCount).toBe(2);
	expect(relay.round(code)!.connections.size).toBeLessThanOrEqual(3);
	// Held after a collection: 1.2 MiB on Node 20, 1.6 on Node 24. A leak of 200 bytes per
	// connection or per frame would hold 18 MiB or more.
	expect(heapAfter - heapBefore).toBeLessThan(16 * 2 ** 20);
	expect(relay.round(code)!.awareness.meta.size).toBeLessThanOrEqual(1000 + 3);
	// The stored docs hold only what the server wrote: the steps the facilitators asked for, and
	// structs from the rounds' creation and the server alone.
	for (const c of [code, other]) {
		const stored = new Y.Doc();
		for (const u of await new DocStore(db).load(c)) Y.applyUpdate(stored, u);
		expect(stored.getMap(DOC_MAP.meta).get('step')).toBe('opening');
		expect(
			[...stored.share.keys()].every((k) => (Object.values(DOC_MAP) as string[]).includes(k))
		).toBe(true);
		const server = relay.round(c)!.doc.clientID;
		expect(writers(stored).filter((w) => w !== server && !writersBefore.has(w))).toEqual([]);
	}
	relay.close();
	MemoryYClient.destroyAll();
}, 120_000);

it('survives mutated frames over real websockets, with a stock provider in sync', async () => {
	const dir = tempDir();
	const server = await startInProcess(dir.path);
	try {
		const round = await createRound(server.port);
		const p = await joinRound(server.port, round.code, 'Honest');
		const honest = provider(server.port, round.code, p.token);
		const f = provider(server.port, round.code, round.facilitatorKey);
		await Promise.all([synced(honest.provider), synced(f.provider)]);
		const random = prng(7);
		const seeds = capturedFrames();
		let sent = 0;
		let client = await rawClient(server.port, round.code, round.projectorToken);
		while (sent < 2_000) {
			if (client.ws.readyState !== client.ws.OPEN) {
				client = await rawClient(server.port, round.code, round.projectorToken);
			}
			client.ws.send(mutate(seeds[Math.floor(random() * seeds.length)]!, random));
			sent++;
			if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 1));
		}
		client.ws.terminate();
		const steer = intents(f.provider);
		expect((await steer({ type: 'step.set', from: 'opening', to: 'broadening' })).ok).toBe(true);
		await until(() => honest.doc.getMap(DOC_MAP.meta).get('step') === 'broadening', 5000, 'sync');
		expect(honest.provider.wsconnected).toBe(true);
		const health = await fetch(`http://127.0.0.1:${server.port}/api/health`);
		expect(health.status).toBe(200);
		honest.destroy();
		f.destroy();
	} finally {
		await server.stop();
		dir.remove();
	}
}, 120_000);
