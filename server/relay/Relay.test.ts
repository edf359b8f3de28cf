import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType } from '../../src/lib/protocol.ts';
import { DOC_MAP, type ParticipantEntry } from '../../src/lib/round/doc.ts';
import { MemoryYClient, tick } from '../../tests/helpers/memoryYClient.ts';
import { openDatabase, type Db } from '../db.ts';
import { SqliteDocStore, type DocPersistence, type PendingUpdate } from '../docStore.ts';
import { intentServices } from '../app.ts';
import { RoundStore, type Identity } from '../rounds.ts';
import { Relay, type RelayLimits } from './Relay.ts';
import { decodeAwarenessUpdate } from './frames.ts';

const log = pino({ level: 'silent' });
const facilitator: Identity = { role: 'facilitator' };
const projector: Identity = { role: 'projector' };

let db: Db;
let rounds: RoundStore;
let store: SqliteDocStore;
let relay: Relay;
let code: string;
let otherCode: string;

function participant(name = 'Anna'): Identity {
	const { participantId } = rounds.addParticipant(code, { name, presence: 'room' });
	return { role: 'participant', participantId, name };
}

function makeRelay(persistence: DocPersistence = store, limits: Partial<RelayLimits> = {}) {
	relay?.close();
	relay = new Relay({
		persistence,
		log,
		limits,
		services: intentServices(db, rounds)
	});
	return relay;
}

/** A facilitator client that has finished the initial sync and sends its edits. */
async function writer(r = relay, round = code) {
	const client = new MemoryYClient(r, round, facilitator);
	client.syncStep1();
	await tick();
	client.sendUpdates();
	return client;
}

async function reader(identity: Identity, r = relay, round = code) {
	const client = new MemoryYClient(r, round, identity);
	client.syncStep1();
	await tick();
	return client;
}

function storedState(round = code): Y.Doc {
	const doc = new Y.Doc();
	for (const update of db
		.prepare<[string], { data: Buffer }>('SELECT data FROM doc_updates WHERE round_code = ?')
		.all(round)) {
		Y.applyUpdate(doc, update.data);
	}
	return doc;
}

const step = (doc: Y.Doc) => doc.getMap(DOC_MAP.meta).get('step');

beforeEach(() => {
	db = openDatabase(':memory:');
	rounds = new RoundStore(db);
	store = new SqliteDocStore(db);
	code = rounds.create({ title: 'Test', language: 'nl' }).code;
	otherCode = rounds.create({ title: 'Other', language: 'nl' }).code;
	makeRelay();
});

afterEach(() => {
	MemoryYClient.destroyAll();
	relay.close();
	db.close();
	vi.useRealTimers();
});

describe('sync', () => {
	it('sends the persisted state to a client that connects', async () => {
		const client = await reader(participant());
		expect(step(client.doc)).toBe('opening');
		expect(client.doc.getMap(DOC_MAP.meta).get('title')).toBe('Test');
	});

	it('relays a facilitator write to participants and stores it', async () => {
		const f = await writer();
		const p = await reader(participant());
		f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await tick();
		expect(step(p.doc)).toBe('choice');
		expect(step(storedState())).toBe('choice');
	});

	it('writes an update to SQLite before any client receives it', async () => {
		const order: string[] = [];
		const logging: DocPersistence = {
			load: (c) => store.load(c),
			append: (batch: readonly PendingUpdate[]) => {
				order.push('append');
				store.append(batch);
			},
			replace: (c, s) => store.replace(c, s)
		};
		makeRelay(logging);
		const f = await writer();
		const p = await reader(participant());
		p.socket.onFrame(() => order.push('frame'));
		f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await tick();
		expect(order).toEqual(['append', 'frame']);
	});

	it('batches the writes of one tick into one transaction', async () => {
		const batches: number[] = [];
		makeRelay({
			load: (c) => store.load(c),
			append: (batch) => {
				batches.push(batch.length);
				store.append(batch);
			},
			replace: (c, s) => store.replace(c, s)
		});
		const f = await writer();
		for (const s of ['choice', 'deepening', 'broadening'])
			f.doc.getMap(DOC_MAP.meta).set('step', s);
		await tick();
		expect(batches).toEqual([3]);
	});

	it('keeps rounds apart', async () => {
		const f = await writer();
		const elsewhere = await reader(projector, relay, otherCode);
		f.doc.getMap(DOC_MAP.meta).set('step', 'closing');
		await tick();
		expect(step(elsewhere.doc)).toBe('opening');
		expect(elsewhere.updates).toHaveLength(0);
	});
});

describe('read-only roles', () => {
	for (const [label, identity] of [
		['participant', () => participant()],
		['projector', () => projector]
	] as const) {
		it(`drops a ${label}'s raw Yjs write, answers permission-denied, and stores nothing`, async () => {
			const p = await reader(identity());
			const other = await reader(participant('Bram'));
			p.sendUpdates();
			p.doc.getMap(DOC_MAP.meta).set('step', 'closing');
			await tick();
			expect(p.denied).toHaveLength(1);
			expect(p.closed).toBeNull();
			expect(step(other.doc)).toBe('opening');
			expect(other.updates).toHaveLength(0);
			expect(step(storedState())).toBe('opening');
			expect(step(relay.room(code)!.doc)).toBe('opening');
		});
	}

	it('does not complain about the empty SyncStep2 an honest read-only client sends', async () => {
		const p = await reader(participant());
		// What the stock provider answers to a SyncStep1 when it has nothing new.
		const f = await writer();
		f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await tick();
		expect(step(p.doc)).toBe('choice');
		expect(p.denied).toEqual([]);
	});
});

describe('room life cycle', () => {
	it('queues frames until the persisted state is loaded, then answers them in order', async () => {
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		makeRelay({
			load: async (c) => {
				await gate;
				return store.load(c);
			},
			append: (b) => store.append(b),
			replace: (c, s) => store.replace(c, s)
		});
		const f = new MemoryYClient(relay, code, facilitator);
		// A facilitator that was here before and edited offline: its change follows the stored state.
		Y.applyUpdate(f.doc, Y.encodeStateAsUpdate(storedState()));
		f.syncStep1();
		f.sendUpdates();
		f.doc.getMap(DOC_MAP.meta).set('step', 'deepening');
		await tick();
		// Nothing answered and nothing lost while loading.
		expect(f.socket.received).toHaveLength(0);
		expect(relay.room(code)!.live).toBe(false);
		release();
		await gate;
		await tick();
		await tick();
		expect(f.doc.getMap(DOC_MAP.meta).get('title')).toBe('Test');
		expect(step(relay.room(code)!.doc)).toBe('deepening');
		expect(step(storedState())).toBe('deepening');
	});

	it('unloads an idle room, compacting its log to one row, and reloads it intact', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		makeRelay(store, { idleUnloadMs: 1000 });
		const f = await writer();
		for (const s of ['choice', 'deepening']) {
			f.doc.getMap(DOC_MAP.meta).set('step', s);
			await tick();
		}
		expect(countRows()).toBe(3);
		f.socket.disconnect();
		vi.advanceTimersByTime(999);
		expect(relay.room(code)).toBeDefined();
		vi.advanceTimersByTime(1);
		expect(relay.room(code)).toBeUndefined();
		expect(countRows()).toBe(1);
		const again = await reader(participant());
		expect(step(again.doc)).toBe('deepening');
	});

	it('keeps a room loaded while someone reconnects within the idle time', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		makeRelay(store, { idleUnloadMs: 1000 });
		const first = await reader(participant());
		const room = relay.room(code);
		first.socket.disconnect();
		vi.advanceTimersByTime(500);
		await reader(participant('Bram'));
		vi.advanceTimersByTime(5000);
		expect(relay.room(code)).toBe(room);
	});

	it('does not broadcast what it could not store, and asks clients to reconnect', async () => {
		let failing = false;
		makeRelay({
			load: (c) => store.load(c),
			append: (b) => {
				if (failing) throw new Error('disk full');
				store.append(b);
			},
			replace: (c, s) => store.replace(c, s)
		});
		const f = await writer();
		const p = await reader(participant());
		failing = true;
		f.doc.getMap(DOC_MAP.meta).set('step', 'closing');
		await tick();
		expect(step(p.doc)).toBe('opening');
		expect(p.closed?.code).toBe(CloseCode.serverError);
		expect(f.closed?.code).toBe(CloseCode.serverError);
		expect(relay.room(code)).toBeUndefined();
	});
});

function countRows(round = code): number {
	return (
		db
			.prepare<[string], { n: number }>(
				'SELECT count(*) AS n FROM doc_updates WHERE round_code = ?'
			)
			.get(round) as { n: number }
	).n;
}

describe('awareness', () => {
	it('overwrites identity fields with those of the token', async () => {
		const anna = participant('Anna');
		const p = await reader(anna);
		const f = await writer();
		p.setAwareness({ user: { role: 'facilitator', name: 'Mallory' }, ui: { typing: true } });
		await tick();
		const state = f.awareness.getStates().get(p.doc.clientID);
		expect(state).toEqual({
			user: { role: 'participant', participantId: anna.participantId, name: 'Anna' },
			ui: { typing: true }
		});
	});

	it("ignores entries for another connection's client id", async () => {
		const victim = await reader(participant('Anna'));
		victim.setAwareness({ ui: { here: true } });
		const mallory = await reader(participant('Mallory'));
		mallory.setAwareness({ ui: {} });
		const observer = await writer();
		// Forge a removal and an overwrite of the victim's state.
		mallory.awareness.states.set(victim.doc.clientID, { ui: { here: false } });
		mallory.awareness.meta.set(victim.doc.clientID, { clock: 99, lastUpdated: Date.now() });
		mallory.sendAwareness([victim.doc.clientID]);
		expect(observer.awareness.getStates().get(victim.doc.clientID)).toMatchObject({
			ui: { here: true }
		});
		expect(relay.room(code)!.awareness.getStates().get(victim.doc.clientID)).toMatchObject({
			ui: { here: true }
		});
	});

	it("drops another client's entry unread, but closes on a malformed state of its own", async () => {
		const anna = await reader(participant('Anna'));
		anna.setAwareness({ ui: {} });
		const rawAwareness = (clientId: number, clock: number, json: string) => {
			const update = encoding.createEncoder();
			encoding.writeVarUint(update, 1);
			encoding.writeVarUint(update, clientId);
			encoding.writeVarUint(update, clock);
			encoding.writeVarString(update, json);
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, MessageType.awareness);
			encoding.writeVarUint8Array(e, encoding.toUint8Array(update));
			return encoding.toUint8Array(e);
		};
		// What an echo of someone else looks like, here with a state that is not even JSON: the
		// relay never applies such entries, so it does not parse them either.
		anna.socket.send(rawAwareness(anna.doc.clientID + 1, 5, '{not json'));
		await tick();
		expect(anna.closed).toBeNull();
		anna.socket.send(rawAwareness(anna.doc.clientID, 9, '{not json'));
		await tick();
		expect(anna.closed?.code).toBe(CloseCode.badFrame);
	});

	it('will not let a second connection claim a client id that is in use', async () => {
		const anna = await reader(participant('Anna'));
		anna.setAwareness({ ui: { n: 1 } });
		const mallory = new MemoryYClient(relay, code, participant('Mallory'));
		mallory.doc.clientID = anna.doc.clientID;
		mallory.awareness.clientID = anna.doc.clientID;
		mallory.setAwareness({ ui: { n: 2 } });
		expect(relay.room(code)!.awareness.getStates().get(anna.doc.clientID)).toMatchObject({
			ui: { n: 1 }
		});
	});

	it('shows a fresh client at once, whose first state has clock 0', async () => {
		const anna = participant('Anna');
		const p = new MemoryYClient(relay, code, anna);
		// What a new provider sends first: the Awareness constructor's `{}` at clock 0.
		p.awareness.setLocalState({});
		p.awareness.meta.set(p.doc.clientID, { clock: 0, lastUpdated: Date.now() });
		p.echoAwareness();
		p.sendAwareness([p.doc.clientID]);
		await tick();
		const f = await writer();
		expect(f.awareness.getStates().get(p.doc.clientID)).toMatchObject({
			user: { participantId: anna.participantId }
		});
	});

	it('shows a device that reconnects with the same client id at once', async () => {
		const anna = participant('Anna');
		const first = await reader(anna);
		first.setAwareness({ ui: {} });
		const f = await writer();
		first.socket.disconnect();
		await tick();
		expect(f.awareness.getStates().has(first.doc.clientID)).toBe(false);
		// Same page, new socket: same client id, and the clock it used before.
		const again = new MemoryYClient(relay, code, anna);
		again.doc.clientID = first.doc.clientID;
		again.awareness.clientID = first.doc.clientID;
		again.awareness.setLocalState({ ui: {} });
		again.awareness.meta.set(first.doc.clientID, { clock: 1, lastUpdated: Date.now() });
		again.echoAwareness();
		again.sendAwareness([first.doc.clientID]);
		await tick();
		expect(again.closed).toBeNull();
		expect(f.awareness.getStates().get(first.doc.clientID)).toMatchObject({
			user: { participantId: anna.participantId }
		});
	});

	it('settles when clients echo every change back, as the stock provider does', async () => {
		const a = await reader(participant('Anna'));
		const b = await reader(participant('Bram'));
		a.echoAwareness();
		b.echoAwareness();
		let frames = 0;
		for (const c of [a, b]) c.socket.onFrame(() => frames++);
		a.setAwareness({ ui: { n: 1 } });
		b.setAwareness({ ui: { n: 2 } });
		for (let i = 0; i < 5; i++) await tick();
		expect(frames).toBeLessThan(20);
		expect(a.closed).toBeNull();
		expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ ui: { n: 1 } });
	});

	it("sends a turn's doc updates first, then its awareness changes as one frame", async () => {
		const watcher = await reader(participant('Wim'));
		const a = await reader(participant('Anna'));
		const b = await reader(participant('Bram'));
		const f = await writer();
		await tick();
		const kinds: number[] = [];
		const awarenessFrames: Uint8Array[] = [];
		watcher.socket.onFrame((frame) => {
			const d = decoding.createDecoder(frame);
			const kind = decoding.readVarUint(d);
			kinds.push(kind);
			if (kind === 1) awarenessFrames.push(decoding.readVarUint8Array(d));
		});
		// One loop turn: two people's presence changes, then the facilitator moves the round on.
		a.setAwareness({ ui: { n: 1 } });
		b.setAwareness({ ui: { n: 2 } });
		f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await tick();
		expect(kinds).toEqual([0, 1]);
		const clients = awarenessFrames.map((u) => decodeAwarenessUpdate(u).map((e) => e.clientId));
		expect(clients[0]!.sort()).toEqual([a.doc.clientID, b.doc.clientID].sort());
	});

	it("removes a connection's state when it closes, and tells the others", async () => {
		const p = await reader(participant());
		p.setAwareness({ ui: {} });
		const f = await writer();
		expect(f.awareness.getStates().has(p.doc.clientID)).toBe(true);
		p.socket.disconnect();
		await tick();
		expect(f.awareness.getStates().has(p.doc.clientID)).toBe(false);
	});
});

describe('bad clients', () => {
	const garbage: [string, Uint8Array][] = [
		['an empty frame', new Uint8Array(0)],
		['an unknown message type', new Uint8Array([42])],
		['a truncated sync frame', new Uint8Array([0, 2, 200])],
		['an unknown sync sub-type', new Uint8Array([0, 9, 0])],
		['a malformed update from a writer', new Uint8Array([0, 2, 5, 1, 255, 255, 255, 255])],
		['a malformed awareness update', new Uint8Array([1, 3, 1, 1, 1])],
		['a server-only message type', new Uint8Array([2, 0, 0])],
		['trailing bytes', new Uint8Array([3, 0])]
	];
	for (const [label, frame] of garbage) {
		it(`closes a connection that sends ${label} with badFrame, and nobody else`, async () => {
			const bad = await writer();
			const good = await reader(participant());
			const elsewhere = await writer(relay, otherCode);
			bad.socket.send(frame);
			expect(bad.closed?.code).toBe(CloseCode.badFrame);
			expect(good.closed).toBeNull();
			const f = await writer();
			f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
			elsewhere.doc.getMap(DOC_MAP.meta).set('step', 'closing');
			await tick();
			expect(step(good.doc)).toBe('choice');
			expect(step(storedState(otherCode))).toBe('closing');
		});
	}

	it('closes a flooding connection with rateLimited', async () => {
		makeRelay(store, { rateBurst: 20, ratePerSecond: 1 });
		const p = await reader(participant());
		for (let i = 0; i < 50 && !p.closed; i++) p.socket.send(new Uint8Array([3]));
		expect(p.closed?.code).toBe(CloseCode.rateLimited);
	});

	it('drops a client that stops reading with slowConsumer', async () => {
		const p = await reader(participant());
		const f = await writer();
		p.socket.bufferedAmount = 100 * 1024 * 1024;
		f.doc.getMap(DOC_MAP.meta).set('step', 'choice');
		await tick();
		expect(p.closed?.code).toBe(CloseCode.slowConsumer);
	});

	it('terminates a socket that does not answer pings', async () => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		makeRelay(store, { heartbeatMs: 1000 });
		const silent = await reader(participant('Anna'));
		const lively = await reader(participant('Bram'));
		vi.advanceTimersByTime(1000);
		expect(silent.socket.pings).toBe(1);
		lively.socket.pong();
		vi.advanceTimersByTime(1000);
		expect(silent.socket.terminated).toBe(true);
		expect(lively.socket.terminated).toBe(false);
		expect(relay.room(code)!.connections.size).toBe(1);
	});

	it('spreads the pings over the heartbeat interval, each connection once per interval', async () => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		makeRelay(store, { heartbeatMs: 1000 });
		const readers = [];
		for (let i = 0; i < 20; i++) readers.push(await reader(participant(`P${i}`)));
		vi.advanceTimersByTime(100);
		const early = readers.filter((r) => r.socket.pings > 0).length;
		// One slice of ten: a couple of the twenty, not all of them in one loop turn.
		expect(early).toBeGreaterThan(0);
		expect(early).toBeLessThan(readers.length);
		for (const r of readers) r.socket.pong();
		vi.advanceTimersByTime(900);
		expect(readers.map((r) => r.socket.pings)).toEqual(readers.map(() => 1));
	});
});

describe('intents', () => {
	const participants = (doc: Y.Doc) => doc.getMap<ParticipantEntry>(DOC_MAP.participants);

	it('puts a participant on the kleed with the name from their token', async () => {
		const anna = participant('Anna');
		const p = await reader(anna);
		const f = await writer();
		const id = p.sendIntent({ type: 'join', presence: 'remote', name: 'Mallory' });
		await tick();
		// Unknown fields make the intent invalid: identity is never taken from the client.
		expect(p.results).toEqual([{ id, ok: false, error: 'invalid', message: expect.any(String) }]);
		const ok = p.sendIntent({ type: 'join', presence: 'remote' });
		await tick();
		expect(p.results.at(-1)).toEqual({ id: ok, ok: true });
		expect(participants(f.doc).get(anna.participantId!)).toMatchObject({
			name: 'Anna',
			presence: 'remote'
		});
		expect(participants(storedState()).size).toBe(1);
	});

	it('answers only after the change is stored and sent', async () => {
		const p = await reader(participant());
		const seen: string[] = [];
		p.socket.onFrame((frame) => {
			const type = decoding.readVarUint(decoding.createDecoder(frame));
			seen.push(type === 0 ? 'update' : type === 11 ? 'result' : String(type));
		});
		p.sendIntent({ type: 'join', presence: 'room' });
		await tick();
		expect(seen).toEqual(['update', 'result']);
	});

	it('sends the change an intent made and its answer to the sender in one write', async () => {
		const p = await reader(participant());
		const others = await reader(participant('Bram'));
		const before = p.socket.writes;
		const othersBefore = others.socket.writes;
		p.sendIntent({ type: 'join', presence: 'room' });
		await tick();
		expect(p.results).toEqual([{ id: expect.any(Number), ok: true }]);
		expect(p.socket.writes - before).toBe(1);
		expect(others.socket.writes - othersBefore).toBe(1);
	});

	it('refuses join from a projector or facilitator', async () => {
		const pr = await reader(projector);
		pr.sendIntent({ type: 'join', presence: 'room' });
		await tick();
		expect(pr.results[0]).toMatchObject({ ok: false, error: 'forbidden' });
		expect(participants(relay.room(code)!.doc).size).toBe(0);
	});

	it('answers intents beyond the intent budget with rate_limited, keeping the connection', async () => {
		makeRelay(store, { intentBurst: 3, intentsPerSecond: 0.001 });
		const p = await reader(participant());
		for (let i = 0; i < 5; i++) p.sendIntent({ type: 'join', presence: 'room' });
		await tick();
		expect(p.results.map((r) => (r.ok ? 'ok' : r.error))).toEqual([
			'ok',
			'ok',
			'ok',
			'rate_limited',
			'rate_limited'
		]);
		expect(p.closed).toBeNull();
	});

	it('answers a malformed intent with invalid and keeps the connection', async () => {
		const p = await reader(participant());
		p.sendRawIntent('{not json');
		p.sendIntent({ type: 'teleport' });
		await tick();
		expect(p.results.map((r) => r.ok)).toEqual([false, false]);
		expect(p.closed).toBeNull();
	});
});
