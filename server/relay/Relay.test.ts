import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType } from '../../src/lib/protocol.ts';
import { DOC_MAP, type ParticipantEntry } from '../../src/lib/round/doc.ts';
import type { Intent } from '../../src/lib/round/intents.ts';
import { MemoryYClient, tick } from '../../tests/helpers/memoryYClient.ts';
import { openDatabase, type Db } from '../db.ts';
import { DocStore, type DocPersistence, type PendingUpdate } from '../DocStore.ts';
import { intentServices } from '../app.ts';
import { RoundStore, type Identity } from '../RoundStore.ts';
import type { RelayLimits } from './limits.ts';
import { Relay } from './Relay.ts';
import { decodeAwarenessUpdate } from './frames.ts';

const log = pino({ level: 'silent' });
const facilitator: Identity = { role: 'facilitator' };
const projector: Identity = { role: 'projector' };

let db: Db;
let rounds: RoundStore;
let store: DocStore;
let relay: Relay;
let code: string;
let otherCode: string;

function participant(name = 'Anna'): Identity {
	const { participantId } = rounds.addParticipant(code, { name, presence: 'room' });
	return { role: 'participant', participantId, name };
}

/** Codes the relay asked to erase (after a `round.erase` intent). */
let erased: string[] = [];

function makeRelay(persistence: DocPersistence = store, limits: Partial<RelayLimits> = {}) {
	relay?.close();
	relay = new Relay({
		persistence,
		log,
		limits,
		services: intentServices(db, rounds),
		onErase: (c) => erased.push(c)
	});
	return relay;
}

/** Resolves with the close code once the relay has closed `client`'s socket. */
function closing(client: MemoryYClient): Promise<number | undefined> {
	return new Promise((resolve) => client.socket.onClose(() => resolve(client.closed?.code)));
}

/** A client that has finished the initial sync. */
async function reader(identity: Identity, r = relay, round = code) {
	const client = new MemoryYClient(r, round, identity);
	await client.sync();
	return client;
}

/** A facilitator: steers the round with intents (the server is the doc's only writer). */
const steerer = (r = relay, round = code) => reader(facilitator, r, round);

/** Moves the round to `to` (from the step it is in) and waits for the answer. */
async function moveTo(f: MemoryYClient, to: string) {
	const from = step(f.doc) as string;
	const result = await f.intent({ type: 'step.set', from, to } as Intent);
	expect(result).toMatchObject({ ok: true });
}

/**
 * Waits until everything `client` sent before is handled, stored and sent: any intent's answer
 * (here one that changes nothing) comes only after that.
 */
async function settled(client: MemoryYClient) {
	await client.intent({ type: 'no.such.intent' });
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

/**
 * Resolves when `client` hears an awareness change about `clientId`. Awareness goes out at the
 * end of the loop turn, after the turn's intent answers: an answer is no signal for it.
 */
function hears(client: MemoryYClient, clientId: number): Promise<void> {
	return new Promise((resolve) => {
		const listener = ({ added, updated, removed }: Record<string, number[]>) => {
			if (![added, updated, removed].some((ids) => ids!.includes(clientId))) return;
			client.awareness.off('update', listener);
			resolve();
		};
		client.awareness.on('update', listener);
	});
}

/** An Update frame with a real Yjs write: what a client that writes the doc itself would send. */
function writeAttempt(client: MemoryYClient, value = 'closing') {
	client.sendUpdates();
	client.doc.getMap(DOC_MAP.meta).set('step', value);
}

beforeEach(() => {
	db = openDatabase(':memory:');
	rounds = new RoundStore(db);
	store = new DocStore(db);
	code = rounds.create({ title: 'Test', language: 'nl' }).code;
	otherCode = rounds.create({ title: 'Other', language: 'nl' }).code;
	erased = [];
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

	it("relays the change a facilitator's intent made to participants, and stores it", async () => {
		const f = await steerer();
		const p = await reader(participant());
		await moveTo(f, 'choice');
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
		const f = await steerer();
		const p = await reader(participant());
		p.socket.onFrame(() => order.push('frame'));
		await moveTo(f, 'choice');
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
		const f = await steerer();
		// Three intents in one loop turn, each a change of its own.
		const answers = [
			f.intent({ type: 'step.set', from: 'opening', to: 'choice' }),
			f.intent({ type: 'step.set', from: 'choice', to: 'deepening' }),
			f.intent({ type: 'step.set', from: 'deepening', to: 'broadening' })
		];
		expect((await Promise.all(answers)).map((r) => r.ok)).toEqual([true, true, true]);
		expect(batches).toEqual([3]);
	});

	it('keeps rounds apart', async () => {
		const f = await steerer();
		const elsewhere = await reader(projector, relay, otherCode);
		await moveTo(f, 'closing');
		await settled(elsewhere);
		expect(step(elsewhere.doc)).toBe('opening');
		expect(elsewhere.updates).toHaveLength(0);
	});
});

describe('every connection is read-only at the Yjs level', () => {
	for (const [label, identity] of [
		['facilitator', () => facilitator],
		['participant', () => participant()],
		['projector', () => projector]
	] as const) {
		it(`drops a ${label}'s raw Yjs write, answers permission-denied, and stores nothing`, async () => {
			const p = await reader(identity());
			const other = await reader(participant('Bram'));
			writeAttempt(p);
			await settled(p);
			await settled(other);
			expect(p.denied).toHaveLength(1);
			expect(p.closed).toBeNull();
			expect(step(other.doc)).toBe('opening');
			expect(other.updates).toHaveLength(0);
			expect(step(storedState())).toBe('opening');
			expect(step(relay.round(code)!.doc)).toBe('opening');
		});
	}

	it('does not complain about an empty update (a client with nothing of its own)', async () => {
		const p = await reader(participant());
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MessageType.sync);
		encoding.writeVarUint(e, 2);
		encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(new Y.Doc()));
		p.socket.send(encoding.toUint8Array(e));
		await settled(p);
		expect(p.denied).toEqual([]);
		expect(p.closed).toBeNull();
	});

	it("refuses a facilitator's malformed update unread: permission-denied, connection kept", async () => {
		const f = await steerer();
		f.socket.send(new Uint8Array([0, 2, 5, 1, 255, 255, 255, 255]));
		await settled(f);
		expect(f.denied).toHaveLength(1);
		expect(f.closed).toBeNull();
		expect(step(relay.round(code)!.doc)).toBe('opening');
	});
});

describe('round life cycle', () => {
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
		// A facilitator's device that moved the round on while offline, reconnecting.
		const synced = f.sync();
		const moves = [
			f.intent({ type: 'step.set', from: 'opening', to: 'choice' }),
			f.intent({ type: 'step.set', from: 'choice', to: 'deepening' })
		];
		await tick();
		// Nothing answered and nothing lost while loading.
		expect(f.socket.received).toHaveLength(0);
		expect(relay.round(code)!.live).toBe(false);
		release();
		await synced;
		expect(f.doc.getMap(DOC_MAP.meta).get('title')).toBe('Test');
		// In order: the second move names the step the first one moved to.
		expect((await Promise.all(moves)).map((r) => r.ok)).toEqual([true, true]);
		expect(step(relay.round(code)!.doc)).toBe('deepening');
		expect(step(storedState())).toBe('deepening');
	});

	it('unloads an idle round, compacting its log to one row, and reloads it intact', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		makeRelay(store, { idleUnloadMs: 1000 });
		const f = await steerer();
		await moveTo(f, 'choice');
		await moveTo(f, 'deepening');
		expect(countRows()).toBe(3);
		f.socket.disconnect();
		vi.advanceTimersByTime(999);
		expect(relay.round(code)).toBeDefined();
		vi.advanceTimersByTime(1);
		expect(relay.round(code)).toBeUndefined();
		expect(countRows()).toBe(1);
		const again = await reader(participant());
		expect(step(again.doc)).toBe('deepening');
	});

	it('keeps a round loaded while someone reconnects within the idle time', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		makeRelay(store, { idleUnloadMs: 1000 });
		const first = await reader(participant());
		const round = relay.round(code);
		first.socket.disconnect();
		vi.advanceTimersByTime(500);
		await reader(participant('Bram'));
		vi.advanceTimersByTime(5000);
		expect(relay.round(code)).toBe(round);
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
		const f = await steerer();
		const p = await reader(participant());
		failing = true;
		// No answer: the connection is closed before the change could be stored.
		await expect(f.intent({ type: 'step.set', from: 'opening', to: 'closing' })).rejects.toThrow(
			/closed 4500/
		);
		expect(step(p.doc)).toBe('opening');
		expect(p.closed?.code).toBe(CloseCode.serverError);
		expect(f.closed?.code).toBe(CloseCode.serverError);
		expect(relay.round(code)).toBeUndefined();
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
		const f = await steerer();
		const heard = hears(f, p.doc.clientID);
		p.setAwareness({ user: { role: 'facilitator', name: 'Mallory' }, ui: { typing: true } });
		await heard;
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
		const observer = await steerer();
		// Forge a removal and an overwrite of the victim's state.
		mallory.awareness.states.set(victim.doc.clientID, { ui: { here: false } });
		mallory.awareness.meta.set(victim.doc.clientID, { clock: 99, lastUpdated: Date.now() });
		mallory.sendAwareness([victim.doc.clientID]);
		expect(observer.awareness.getStates().get(victim.doc.clientID)).toMatchObject({
			ui: { here: true }
		});
		expect(relay.round(code)!.awareness.getStates().get(victim.doc.clientID)).toMatchObject({
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
		await settled(anna);
		expect(anna.closed).toBeNull();
		const closed = new Promise((resolve) => anna.socket.onClose(() => resolve(anna.closed?.code)));
		anna.socket.send(rawAwareness(anna.doc.clientID, 9, '{not json'));
		expect(await closed).toBe(CloseCode.badFrame);
	});

	it('will not let a second connection claim a client id that is in use', async () => {
		const anna = await reader(participant('Anna'));
		anna.setAwareness({ ui: { n: 1 } });
		const mallory = new MemoryYClient(relay, code, participant('Mallory'));
		mallory.doc.clientID = anna.doc.clientID;
		mallory.awareness.clientID = anna.doc.clientID;
		mallory.setAwareness({ ui: { n: 2 } });
		expect(relay.round(code)!.awareness.getStates().get(anna.doc.clientID)).toMatchObject({
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
		await settled(p);
		const f = await steerer();
		expect(f.awareness.getStates().get(p.doc.clientID)).toMatchObject({
			user: { participantId: anna.participantId }
		});
	});

	it('shows a device that reconnects with the same client id at once', async () => {
		const anna = participant('Anna');
		const first = await reader(anna);
		first.setAwareness({ ui: {} });
		const f = await steerer();
		const left = hears(f, first.doc.clientID);
		first.socket.disconnect();
		await left;
		expect(f.awareness.getStates().has(first.doc.clientID)).toBe(false);
		// Same page, new socket: same client id, and the clock it used before.
		const again = new MemoryYClient(relay, code, anna);
		again.doc.clientID = first.doc.clientID;
		again.awareness.clientID = first.doc.clientID;
		again.awareness.setLocalState({ ui: {} });
		again.awareness.meta.set(first.doc.clientID, { clock: 1, lastUpdated: Date.now() });
		again.echoAwareness();
		const back = hears(f, first.doc.clientID);
		again.sendAwareness([first.doc.clientID]);
		await back;
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
		const f = await steerer();
		await settled(watcher);
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
		await moveTo(f, 'choice');
		expect(kinds).toEqual([0, 1]);
		const clients = awarenessFrames.map((u) => decodeAwarenessUpdate(u).map((e) => e.clientId));
		expect(clients[0]!.sort()).toEqual([a.doc.clientID, b.doc.clientID].sort());
	});

	it("removes a connection's state when it closes, and tells the others", async () => {
		const p = await reader(participant());
		p.setAwareness({ ui: {} });
		const f = await steerer();
		expect(f.awareness.getStates().has(p.doc.clientID)).toBe(true);
		const left = hears(f, p.doc.clientID);
		p.socket.disconnect();
		await left;
		expect(f.awareness.getStates().has(p.doc.clientID)).toBe(false);
	});
});

describe('bad clients', () => {
	const garbage: [string, Uint8Array][] = [
		['an empty frame', new Uint8Array(0)],
		['an unknown message type', new Uint8Array([42])],
		['a truncated sync frame', new Uint8Array([0, 2, 200])],
		['an unknown sync sub-type', new Uint8Array([0, 9, 0])],
		['a malformed awareness update', new Uint8Array([1, 3, 1, 1, 1])],
		['a server-only message type', new Uint8Array([2, 0, 0])],
		['trailing bytes', new Uint8Array([3, 0])]
	];
	for (const [label, frame] of garbage) {
		it(`closes a connection that sends ${label} with badFrame, and nobody else`, async () => {
			const bad = await steerer();
			const good = await reader(participant());
			const elsewhere = await steerer(relay, otherCode);
			bad.socket.send(frame);
			expect(bad.closed?.code).toBe(CloseCode.badFrame);
			expect(good.closed).toBeNull();
			const f = await steerer();
			await Promise.all([moveTo(f, 'choice'), moveTo(elsewhere, 'closing')]);
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
		const f = await steerer();
		p.socket.bufferedAmount = 100 * 1024 * 1024;
		await moveTo(f, 'choice');
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
		expect(relay.round(code)!.connections.size).toBe(1);
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
		const f = await steerer();
		// Unknown fields make the intent invalid: identity is never taken from the client.
		expect(await p.intent({ type: 'join', presence: 'remote', name: 'Mallory' })).toEqual({
			id: expect.any(Number),
			ok: false,
			error: 'invalid',
			message: expect.any(String)
		});
		expect(await p.intent({ type: 'join', presence: 'remote' })).toMatchObject({ ok: true });
		await settled(f);
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
		await p.intent({ type: 'join', presence: 'room' });
		expect(seen).toEqual(['update', 'result']);
	});

	it('sends the change an intent made and its answer to the sender in one write', async () => {
		const p = await reader(participant());
		const others = await reader(participant('Bram'));
		const before = p.socket.writes;
		const othersBefore = others.socket.writes;
		expect(await p.intent({ type: 'join', presence: 'room' })).toMatchObject({ ok: true });
		expect(p.socket.writes - before).toBe(1);
		expect(others.socket.writes - othersBefore).toBe(1);
	});

	it('refuses join from a projector or facilitator', async () => {
		const pr = await reader(projector);
		expect(await pr.intent({ type: 'join', presence: 'room' })).toMatchObject({
			ok: false,
			error: 'forbidden'
		});
		expect(participants(relay.round(code)!.doc).size).toBe(0);
	});

	it('answers intents beyond the intent budget with rate_limited, keeping the connection', async () => {
		makeRelay(store, { intentBurst: 3, intentsPerSecond: 0.001 });
		const p = await reader(participant());
		const answers = Array.from({ length: 5 }, () => p.intent({ type: 'join', presence: 'room' }));
		expect((await Promise.all(answers)).map((r) => (r.ok ? 'ok' : r.error))).toEqual([
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
		await p.intent({ type: 'teleport' });
		expect(p.results.map((r) => r.ok)).toEqual([false, false]);
		expect(p.closed).toBeNull();
	});

	it('closes the connection of a person a facilitator removes, with removed, and only theirs', async () => {
		const anna = participant('Anna');
		const p = await reader(anna);
		const other = await reader(participant('Bram'));
		const f = await steerer();
		const closed = closing(p);
		expect(await f.intent({ type: 'person.remove', who: anna.participantId! })).toMatchObject({
			ok: true
		});
		expect(await closed).toBe(CloseCode.removed);
		expect(other.closed).toBeNull();
	});

	it('erases a round after answering: every connection gets roundNotFound, the owner is told', async () => {
		const p = await reader(participant());
		const f = await steerer();
		const elsewhere = await reader(projector, relay, otherCode);
		const closed = [closing(p), closing(f)];
		expect(await f.intent({ type: 'round.erase' })).toMatchObject({ ok: true });
		expect(await Promise.all(closed)).toEqual([CloseCode.roundNotFound, CloseCode.roundNotFound]);
		expect(erased).toEqual([code]);
		expect(relay.round(code)).toBeUndefined();
		expect(elsewhere.closed).toBeNull();
	});
});
