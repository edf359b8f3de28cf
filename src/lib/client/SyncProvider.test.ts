/**
 * The browser's sync provider against the real relay (a child process, so it can be killed,
 * frozen and restarted): what a tablet goes through when the wifi or the server goes away.
 */
import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WS from 'ws';
import * as Y from 'yjs';
import {
	CLOSE_REASON,
	CloseCode,
	MessageType,
	PROTOCOL_VERSION,
	SyncMessageType,
	type AwarenessState
} from '$lib/protocol';
import { DOC_MAP } from '$lib/round/doc';
import { type Intent, type IntentResult } from '$lib/round/intents';
import { encodeIntent } from '../../../tests/helpers/intents.ts';
import { childServerSuite } from '../../../tests/helpers/childSuite.ts';
import { createRound, joinRound, until } from '../../../tests/helpers/server.ts';
import { SyncProvider, reconnectDelay, syncUrl, type SyncProviderOptions } from './SyncProvider';

const suite = childServerSuite();

/** A device on the round, connected, with everything it went through recorded. */
function device(code: string, token: string, options: Partial<SyncProviderOptions> = {}) {
	const doc = new Y.Doc();
	const provider = new SyncProvider(doc, {
		url: `ws://127.0.0.1:${suite.port}/sync`,
		room: code,
		params: { token, v: String(PROTOCOL_VERSION) },
		WebSocket: WS as unknown as typeof WebSocket,
		maxBackoffMs: 300,
		page: null,
		...options
	});
	const statuses: string[] = [];
	const closes: (number | null)[] = [];
	const closed: { code: number; reason: string }[] = [];
	const denied: string[] = [];
	provider.on('status', ({ status }) => statuses.push(status));
	provider.on('connection-close', (event) => closes.push(event?.code ?? null));
	provider.on('closed', (event) => closed.push(event));
	provider.on('permission-denied', (reason) => denied.push(reason));
	let nextId = 1;
	const answers = new Map<number, (result: IntentResult) => void>();
	provider.handle(MessageType.intentResult, (decoder) => {
		const result = JSON.parse(decoding.readVarString(decoder)) as IntentResult;
		answers.get(result.id)?.(result);
	});
	const send = (intent: Intent) =>
		new Promise<IntentResult>((resolve, reject) => {
			const id = nextId++;
			answers.set(id, resolve);
			if (!provider.send(encodeIntent({ id, intent }))) reject(new Error('not connected'));
		});
	const meta = doc.getMap<unknown>(DOC_MAP.meta);
	suite.onCleanup(() => (provider.destroy(), doc.destroy()));
	provider.connect();
	return { doc, provider, meta, statuses, closes, closed, denied, send };
}

type Device = ReturnType<typeof device>;

const synced = (d: Device, what = 'synced') => until(() => d.provider.synced, 10_000, what);

/** The awareness state `observer` holds for `d`'s client. */
const seenBy = (observer: Device, d: Device) =>
	observer.provider.awareness.getStates().get(d.doc.clientID) as AwarenessState | undefined;

/** A raw Yjs write of `meta.step`, as a client that wanted to skip the intents would send it. */
function rawWrite(): Uint8Array<ArrayBuffer> {
	const other = new Y.Doc();
	other.getMap(DOC_MAP.meta).set('step', 'closing');
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.sync);
	encoding.writeVarUint(e, SyncMessageType.update);
	encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(other));
	return encoding.toUint8Array(e) as Uint8Array<ArrayBuffer>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a connection', () => {
	it('syncs the round both ways and sends nothing back of what it received', async () => {
		const round = await createRound(suite.port, { title: 'Buurthuis' });
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const f = device(round.code, round.facilitatorKey);
		const a = device(round.code, anna.token);
		expect(a.provider.url).toBe(
			`ws://127.0.0.1:${suite.port}/sync/${round.code}?token=${encodeURIComponent(anna.token)}&v=${PROTOCOL_VERSION}`
		);
		await Promise.all([synced(f), synced(a)]);
		expect(a.statuses).toEqual(['connecting', 'connected']);
		expect(a.provider.wsconnected).toBe(true);
		expect(a.provider.wsUnsuccessfulReconnects).toBe(0);
		expect(a.meta.get('title')).toBe('Buurthuis');

		// The facilitator's change goes up as an intent and reaches the participant...
		expect((await f.send({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await until(() => a.meta.get('step') === 'choice', 5000, 'step at Anna');
		expect(f.meta.get('step')).toBe('choice');
		// ...and nobody echoes what they received: an echo would be answered with permission-denied.
		expect((await a.send({ type: 'join', presence: 'room' })).ok).toBe(true);
		expect(a.denied).toEqual([]);
		expect(f.denied).toEqual([]);
	});

	it('sends no Yjs update of its own: the doc changes only through intents', async () => {
		const round = await createRound(suite.port);
		const f = device(round.code, round.facilitatorKey);
		await synced(f);
		const frames: number[] = [];
		const send = f.provider.ws!.send.bind(f.provider.ws!);
		f.provider.ws!.send = (data) => {
			frames.push((data as Uint8Array)[0]!);
			send(data);
		};
		// A local change (nothing in the app makes one) stays local.
		f.meta.set('step', 'closing');
		expect((await f.send({ type: 'names.hide', on: true })).ok).toBe(true);
		expect(frames).toEqual([MessageType.intent]);
	});

	it("hears the server refuse a raw write, a facilitator's too (permission-denied)", async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const a = device(round.code, anna.token);
		const f = device(round.code, round.facilitatorKey);
		await Promise.all([synced(a), synced(f)]);
		a.provider.send(rawWrite());
		f.provider.send(rawWrite());
		await until(() => a.denied.length === 1 && f.denied.length === 1, 5000, 'permission denied');
		expect(a.provider.wsconnected && f.provider.wsconnected).toBe(true);
		// The step the server has is still the first.
		const b = device(round.code, round.projectorToken);
		await synced(b);
		expect(b.meta.get('step')).toBe('opening');
	});

	it("answers an intent through a handler for Kleed's own frames", async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna', 'remote');
		const f = device(round.code, round.facilitatorKey);
		const a = device(round.code, anna.token);
		await Promise.all([synced(f), synced(a)]);
		expect(await a.send({ type: 'join', presence: 'remote' })).toEqual({ id: 1, ok: true });
		const people = f.doc.getMap(DOC_MAP.participants);
		await until(() => people.has(anna.participantId), 5000, 'Anna on the kleed');
		expect(people.get(anna.participantId)).toMatchObject({ name: 'Anna', presence: 'remote' });
	});

	it('refuses to send while not connected (the caller keeps the intent)', () => {
		const doc = new Y.Doc();
		const p = new SyncProvider(doc, {
			url: 'ws://127.0.0.1:1/sync',
			room: 'x',
			params: {},
			WebSocket: WS as unknown as typeof WebSocket,
			page: null
		});
		suite.onCleanup(() => (p.destroy(), doc.destroy()));
		expect(p.send(new Uint8Array([3]))).toBe(false);
	});
});

describe("a socket opened ahead by the page (the join page's, #18)", () => {
	const early = (code: string, token: string) =>
		new WS(
			syncUrl({
				url: `ws://127.0.0.1:${suite.port}/sync`,
				room: code,
				params: { token, v: String(PROTOCOL_VERSION) }
			})
		) as unknown as WebSocket;

	it('is the first attempt while it is still opening: no second socket, and it syncs', async () => {
		const round = await createRound(suite.port, { title: 'Buurthuis' });
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const socket = early(round.code, anna.token);
		const a = device(round.code, anna.token, { socket });
		expect(a.provider.ws).toBe(socket);
		await synced(a);
		expect(a.provider.ws).toBe(socket);
		expect(a.statuses).toEqual(['connecting', 'connected']);
		expect(a.meta.get('title')).toBe('Buurthuis');
		expect((await a.send({ type: 'join', presence: 'room' })).ok).toBe(true);
	});

	it('is closed and replaced when it is no longer opening (its first frames may be gone)', async () => {
		const round = await createRound(suite.port, { title: 'Buurthuis' });
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const socket = early(round.code, anna.token);
		await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
		const a = device(round.code, anna.token, { socket });
		expect(a.provider.ws).not.toBe(socket);
		expect(socket.readyState).toBeGreaterThanOrEqual(2); // closing or closed
		await synced(a);
		expect(a.meta.get('title')).toBe('Buurthuis');
	});

	it('is closed when the provider is destroyed before it connected', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const socket = early(round.code, anna.token);
		const doc = new Y.Doc();
		const p = new SyncProvider(doc, {
			url: `ws://127.0.0.1:${suite.port}/sync`,
			room: round.code,
			params: { token: anna.token, v: String(PROTOCOL_VERSION) },
			WebSocket: WS as unknown as typeof WebSocket,
			page: null,
			socket
		});
		p.destroy();
		doc.destroy();
		expect(socket.readyState).toBeGreaterThanOrEqual(2);
	});
});

describe('awareness', () => {
	it('shows us to the room, and takes us away on pagehide (socket still open) and on destroy', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const page = new EventTarget();
		const f = device(round.code, round.facilitatorKey);
		const a = device(round.code, anna.token, { page });
		a.provider.awareness.setLocalStateField('ui', { page: 'test' });
		await until(() => seenBy(f, a)?.ui !== undefined, 5000, 'Anna seen');
		expect(seenBy(f, a)?.user).toEqual({
			role: 'participant',
			participantId: anna.participantId,
			name: 'Anna'
		});

		page.dispatchEvent(new Event('pagehide'));
		await until(() => seenBy(f, a) === undefined, 5000, 'Anna gone on pagehide');
		expect(a.provider.wsconnected).toBe(true);

		// Back from the back/forward cache: here again without a new socket.
		page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
		await until(() => seenBy(f, a) !== undefined, 5000, 'Anna back on pageshow');
		expect(a.statuses).toEqual(['connecting', 'connected']);

		a.provider.destroy();
		await until(() => seenBy(f, a) === undefined, 5000, 'Anna gone on destroy');
	});
});

describe('losing the server', () => {
	it('backs off, reconnects after a crash, resyncs the doc and awareness', async () => {
		const round = await createRound(suite.port, { title: 'voor' });
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const f = device(round.code, round.facilitatorKey);
		const a = device(round.code, anna.token);
		a.provider.awareness.setLocalStateField('ui', { page: 'test' });
		await Promise.all([synced(f), synced(a)]);
		await until(() => seenBy(f, a) !== undefined, 5000, 'Anna seen');
		await until(() => seenBy(a, f) !== undefined, 5000, 'facilitator seen');

		await suite.kill();
		await until(() => !a.provider.wsconnected && !f.provider.wsconnected, 5000, 'both cut off');
		expect(a.provider.synced).toBe(false);
		expect(a.statuses).toContain('disconnected');
		expect(a.provider.wsUnsuccessfulReconnects).toBeGreaterThan(0);
		// Nobody else counts as online while we cannot know.
		expect([...a.provider.awareness.getStates().keys()]).toEqual([a.doc.clientID]);

		// Nothing goes out while the server is gone: the caller (IntentChannel) keeps the intent.
		await expect(f.send({ type: 'text.set', field: 'warmup', text: 'na' })).rejects.toThrow();
		// With the server down, attempts come at a calm pace (200 ms, then 150–300 ms), not in a loop.
		const before = a.statuses.filter((s) => s === 'connecting').length;
		await sleep(1500);
		const attempts = a.statuses.filter((s) => s === 'connecting').length - before;
		expect(attempts).toBeGreaterThanOrEqual(3);
		expect(attempts).toBeLessThanOrEqual(15);

		await suite.restart();
		await Promise.all([synced(f, 'facilitator back'), synced(a, 'Anna back')]);
		expect(a.meta.get('title')).toBe('voor');
		expect((await f.send({ type: 'text.set', field: 'warmup', text: 'na' })).ok).toBe(true);
		await until(
			() => a.meta.get('warmup') === 'na',
			5000,
			'a change after the restart reaches Anna'
		);
		expect(a.provider.wsUnsuccessfulReconnects).toBe(0);
		expect(a.closed).toEqual([]);
		await until(() => seenBy(f, a) !== undefined, 5000, 'Anna seen again');
		await until(() => seenBy(a, f) !== undefined, 5000, 'facilitator seen again');
	});

	it('reconnects after a transient close code (rate limited)', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const a = device(round.code, anna.token);
		await synced(a);
		for (let i = 0; i < 1000 && a.provider.send(new Uint8Array([MessageType.queryAwareness])); i++);
		await until(() => a.closes.includes(CloseCode.rateLimited), 5000, 'closed for flooding');
		await until(() => a.provider.synced, 5000, 'back after the flood');
		expect(a.closed).toEqual([]);
	});

	it('asks a quiet relay whether it is there, and replaces a socket that went silent', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		// Nobody else in the room: nothing comes unless Anna asks.
		const a = device(round.code, anna.token, { probeMs: 200, answerMs: 600 });
		await synced(a);
		const sent = countSent(a.provider);
		await sleep(2000);
		// Well past probe + answer three times over: the relay answered every question.
		expect(a.closes).toEqual([]);
		expect(sent.probes).toBeGreaterThanOrEqual(3);
		try {
			// The server hangs: its sockets stay open, nothing comes through.
			suite.process.kill('SIGSTOP');
			await until(() => a.closes.length > 0, 5000, 'a silent socket noticed');
			expect(a.closes[0]).toBeNull();
			expect(a.statuses.at(-1)).not.toBe('connected');
			expect(a.provider.synced).toBe(false);
		} finally {
			suite.process.kill('SIGCONT');
		}
		await synced(a, 'Anna back after the hang');
		expect(a.closed).toEqual([]);
	});

	it('says "disconnected" at once when the browser goes offline, and tries again at once when it is back', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const page = new EventTarget();
		const a = device(round.code, anna.token, { page, maxBackoffMs: 60_000 });
		await synced(a);
		page.dispatchEvent(new Event('offline'));
		// Synchronously: no waiting for a socket the browser may hold open for half a minute.
		expect(a.statuses.at(-1)).toBe('disconnected');
		expect(a.provider.wsconnected).toBe(false);
		expect(a.provider.ws).toBeNull();
		page.dispatchEvent(new Event('online'));
		// A new attempt now, not after the back-off's timer.
		expect(a.provider.ws).not.toBeNull();
		expect(a.statuses.at(-1)).toBe('connecting');
		await synced(a, 'back online');
	});

	it('on waking up, asks at once whether a socket that looks open still is', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const visibility = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
		// No probes of its own in this test: only waking up asks.
		const a = device(round.code, anna.token, { visibility, probeMs: 600_000, answerMs: 500 });
		await synced(a);
		try {
			suite.process.kill('SIGSTOP');
			visibility.visibilityState = 'visible';
			visibility.dispatchEvent(new Event('visibilitychange'));
			await until(() => a.closes.length > 0, 5000, 'the dead socket replaced after waking');
			expect(a.closes[0]).toBeNull();
		} finally {
			suite.process.kill('SIGCONT');
		}
		await synced(a, 'Anna back');
	});
});

/** Counts the liveness questions (queryAwareness) a provider sends. */
function countSent(provider: SyncProvider) {
	const counts = { probes: 0 };
	// Counts on the current socket only: call it once connected.
	const ws = provider.ws!;
	const original = ws.send.bind(ws);
	ws.send = (data: Parameters<WebSocket['send']>[0]) => {
		const bytes = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer);
		if (bytes.length === 1 && bytes[0] === MessageType.queryAwareness) counts.probes++;
		original(data);
	};
	return counts;
}

describe('closed for good', () => {
	it('stops on a permanent close code and says which: removed from the round', async () => {
		const round = await createRound(suite.port);
		const anna = await joinRound(suite.port, round.code, 'Anna');
		const f = device(round.code, round.facilitatorKey);
		const a = device(round.code, anna.token);
		await Promise.all([synced(f), synced(a)]);
		expect((await f.send({ type: 'person.remove', who: anna.participantId })).ok).toBe(true);
		await until(() => a.closed.length === 1, 5000, 'closed');
		expect(a.closed[0]).toEqual({ code: CloseCode.removed, reason: CLOSE_REASON.removed });
		const attempts = a.statuses.length;
		await sleep(1000);
		// No new attempts: well past the longest back-off (300 ms) of this device.
		expect(a.statuses.length).toBe(attempts);
		expect(a.provider.ws).toBeNull();
		expect(a.provider.wsconnected).toBe(false);
	});

	it('stops when the server speaks another protocol version', async () => {
		const round = await createRound(suite.port);
		const a = device(round.code, round.projectorToken, {
			params: { token: round.projectorToken, v: String(PROTOCOL_VERSION + 1) }
		});
		await until(() => a.closed.length === 1, 5000, 'closed');
		expect(a.closed[0]!.code).toBe(CloseCode.versionMismatch);
		expect(a.provider.synced).toBe(false);
	});
});

describe('reconnectDelay', () => {
	it('doubles from 200 ms up to the maximum, each wait between half and all of it', () => {
		const max = 2500;
		const caps = [1, 2, 3, 4, 5, 6, 10].map((n) => reconnectDelay(n, max, 1));
		expect(caps).toEqual([200, 400, 800, 1600, 2500, 2500, 2500]);
		for (let n = 1; n < 12; n++) {
			const cap = reconnectDelay(n, max, 1);
			expect(reconnectDelay(n, max, 0)).toBe(cap / 2);
			const drawn = reconnectDelay(n, max);
			expect(drawn).toBeGreaterThanOrEqual(cap / 2);
			expect(drawn).toBeLessThanOrEqual(cap);
		}
	});
});
