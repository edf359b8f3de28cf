import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { MessageType, isPermanentClose } from '$lib/protocol';

/**
 * A socket closed for good: close codes 4400–4499 (the server decided reconnecting cannot help).
 */
export interface ClosedEvent {
	code: number;
	reason: string;
}

export interface SyncProviderEvents {
	/** 'connecting' when a socket is opened, 'connected' once open, 'disconnected' when lost. */
	status: (event: { status: 'connecting' | 'connected' | 'disconnected' }) => void;
	/** True once the server's state is in the doc (its SyncStep2); false when the socket goes. */
	sync: (synced: boolean) => void;
	/** Any socket went away, opened or not; null when we closed it ourselves. */
	'connection-close': (event: CloseEvent | null) => void;
	/** The server closed with a permanent code: the provider has stopped reconnecting. */
	closed: (event: ClosedEvent) => void;
	/** The server refused a write of ours (y-protocols/auth permission-denied). */
	'permission-denied': (reason: string) => void;
}

export interface SyncProviderOptions {
	/** `ws(s)://host/sync`: the round code follows as the last path segment. */
	url: string;
	room: string;
	/** Query parameters: the token and the protocol version. */
	params: Record<string, string>;
	/** The longest wait between two attempts. */
	maxBackoffMs?: number;
	/**
	 * After this long without a frame the provider asks the relay a cheap question
	 * (queryAwareness) to hear whether the socket still carries anything.
	 */
	probeMs?: number;
	/** A question unanswered for this long: the socket counts as dead and is replaced. */
	answerMs?: number;
	/** For Node (tests): `ws` has the browser's WebSocket API. */
	WebSocket?: typeof WebSocket;
	/**
	 * A socket to `syncUrl(options)` the caller opened a moment ago, in this same task, so that
	 * no event of it can have been missed: the first attempt uses it while it is still opening
	 * (the join page opens it as soon as the join is answered, before the page is built, #18).
	 * One that is no longer opening is closed and a fresh one made.
	 */
	socket?: WebSocket;
	/**
	 * Where `pagehide`/`pageshow`/`online`/`offline` arrive; the window in the browser.
	 */
	page?: EventTarget | null;
	/** Where `visibilitychange` arrives, with its `visibilityState`; the document in the browser. */
	visibility?: (EventTarget & { visibilityState: string }) | null;
}

/** A frame handler for one message type; the decoder stands after the type. */
export type FrameHandler = (decoder: decoding.Decoder) => void;

// WebSocket.CONNECTING and OPEN, without relying on a global WebSocket (Node 20 has none).
const CONNECTING = 0;
const OPEN = 1;

/** Closes a socket unused; closed while opening it reports an error (Node's `ws` throws it). */
function drop(ws: WebSocket): void {
	ws.onerror = () => {};
	ws.close();
}

/** The socket's address: `url`, the room as the last path segment, the parameters. */
export function syncUrl({
	url,
	room,
	params
}: Pick<SyncProviderOptions, 'url' | 'room' | 'params'>) {
	const query = Object.entries(params)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
		.join('&');
	return `${url.replace(/\/+$/, '')}/${room}${query ? `?${query}` : ''}`;
}

/**
 * How long to wait before attempt `failures` + 1: exponential from 200 ms up to `max`, each wait
 * drawn between half and all of it. The spread matters when the server restarts: thirty tablets
 * dropped at the same instant should not all knock again at the same instant.
 */
export function reconnectDelay(failures: number, max: number, random = Math.random()): number {
	const cap = Math.min(2 ** failures * 100, max);
	return cap / 2 + (random * cap) / 2;
}

/**
 * The client side of the y-websocket protocol, as our relay speaks it (docs/protocol.md): sync
 * (step 1, step 2, update), awareness, queryAwareness and permission-denied, plus handlers for
 * Kleed's own frames (intent results). It reconnects with back-off and jitter after transient
 * failures, resyncs on every connect, and stops on a permanent close code. It only reads the doc:
 * the server is its only writer, and changes go up as intents, never as Yjs updates.
 *
 * Written for Kleed in place of y-websocket's `WebsocketProvider`, whose cross-tab
 * BroadcastChannel (which we must keep off: tabs would pass doc updates around the server's
 * read-only rule) and URL helpers were bytes every participant downloaded for nothing (#7).
 *
 * Property names follow `WebsocketProvider` (`wsconnected`, `wsUnsuccessfulReconnects`, `synced`),
 * so code and tests that know the stock provider read the same.
 */
export class SyncProvider extends ObservableV2<SyncProviderEvents> {
	readonly doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	/** The current socket, from the attempt to open it until it is gone. */
	ws: WebSocket | null = null;
	wsconnected = false;
	/**
	 * Sockets lost or never opened since the last one that synced: drives the back-off, and tells
	 * "starting up" (0) from "cut off" (above 0).
	 */
	wsUnsuccessfulReconnects = 0;

	readonly #url: string;
	readonly #WebSocket: typeof WebSocket;
	readonly #maxBackoffMs: number;
	readonly #probeMs: number;
	readonly #answerMs: number;
	readonly #page: EventTarget | null;
	readonly #visibility: (EventTarget & { visibilityState: string }) | null;
	readonly #handlers = new Map<number, FrameHandler>();
	#synced = false;
	/** What the user wants; false after disconnect(), destroy() and a permanent close. */
	#shouldConnect = false;
	#lastHeard = 0;
	/** When the open question (a probe) counts as unanswered; null while none is open. */
	#answerBy: number | null = null;
	#retry: ReturnType<typeof setTimeout> | undefined;
	/** The caller's socket for the first attempt (options.socket), until that attempt. */
	#early: WebSocket | null;
	readonly #watchdog: ReturnType<typeof setInterval>;

	constructor(doc: Y.Doc, options: SyncProviderOptions) {
		super();
		this.doc = doc;
		this.awareness = new awarenessProtocol.Awareness(doc);
		this.#url = syncUrl(options);
		this.#WebSocket = options.WebSocket ?? WebSocket;
		this.#early = options.socket ?? null;
		this.#maxBackoffMs = options.maxBackoffMs ?? 2500;
		// A socket whose wifi is gone stays "open" to the browser for half a minute or more. A
		// quiet round may carry nothing for 15 s, so after 4 s of silence we ask the relay
		// (queryAwareness, which it always answers); no answer within 4 s means the socket is
		// dead: "no connection" within about 8.5 s of the network going silent (#14).
		this.#probeMs = options.probeMs ?? 4000;
		this.#answerMs = options.answerMs ?? 4000;
		this.#page = options.page !== undefined ? options.page : (globalThis.window ?? null);
		this.#visibility =
			options.visibility !== undefined ? options.visibility : (globalThis.document ?? null);

		this.awareness.on('update', this.#onAwarenessUpdate);
		this.#page?.addEventListener('pagehide', this.#onPageHide);
		this.#page?.addEventListener('pageshow', this.#onPageShow);
		this.#page?.addEventListener('offline', this.#onOffline);
		this.#page?.addEventListener('online', this.#onWake);
		this.#visibility?.addEventListener('visibilitychange', this.#onWake);
		this.#watchdog = setInterval(
			() => this.#checkAlive(),
			Math.min(this.#probeMs, this.#answerMs) / 8
		);
	}

	get url(): string {
		return this.#url;
	}

	/** Connected and the doc has caught up with the server. */
	get synced(): boolean {
		return this.#synced;
	}

	#setSynced(synced: boolean): void {
		if (this.#synced === synced) return;
		this.#synced = synced;
		// A connection that synced did useful work: the next loss starts the back-off afresh.
		if (synced) this.wsUnsuccessfulReconnects = 0;
		this.emit('sync', [synced]);
	}

	/** Handles frames of Kleed's own `type` (one handler per type; a later one replaces it). */
	handle(type: number, handler: FrameHandler): void {
		this.#handlers.set(type, handler);
	}

	/** Sends a frame if the socket is open; false when it is not (the caller decides to retry). */
	send(frame: Uint8Array<ArrayBuffer>): boolean {
		const ws = this.ws;
		if (!this.wsconnected || !ws || ws.readyState !== OPEN) return false;
		ws.send(frame);
		return true;
	}

	/** Opens the socket (again, also after a permanent close); keeps it open until told not to. */
	connect(): void {
		this.#shouldConnect = true;
		clearTimeout(this.#retry);
		if (this.ws === null) this.#open();
	}

	/** Tells the server our awareness state is gone, and closes the socket without reconnecting. */
	disconnect(): void {
		this.#shouldConnect = false;
		clearTimeout(this.#retry);
		this.#sendAwarenessRemoval();
		if (this.ws) this.#closeSocket(null);
	}

	destroy(): void {
		clearInterval(this.#watchdog);
		if (this.#early) drop(this.#early);
		this.#early = null;
		this.disconnect();
		this.#page?.removeEventListener('pagehide', this.#onPageHide);
		this.#page?.removeEventListener('pageshow', this.#onPageShow);
		this.#page?.removeEventListener('offline', this.#onOffline);
		this.#page?.removeEventListener('online', this.#onWake);
		this.#visibility?.removeEventListener('visibilitychange', this.#onWake);
		this.awareness.off('update', this.#onAwarenessUpdate);
		this.awareness.destroy();
		super.destroy();
	}

	#open(): void {
		const early = this.#early;
		this.#early = null;
		if (early && early.readyState !== CONNECTING) drop(early);
		const ws = early?.readyState === CONNECTING ? early : new this.#WebSocket(this.#url);
		ws.binaryType = 'arraybuffer';
		this.ws = ws;
		this.wsconnected = false;
		this.#setSynced(false);
		ws.onmessage = (event: MessageEvent) => {
			if (this.ws !== ws) return;
			this.#lastHeard = Date.now();
			this.#answerBy = null;
			this.#receive(new Uint8Array(event.data as ArrayBuffer));
		};
		ws.onclose = (event: CloseEvent) => this.#closeSocket(event, ws);
		// A failed attempt also closes; the close handles it. Swallowed so Node does not throw.
		ws.onerror = () => {};
		ws.onopen = () => {
			if (this.ws !== ws) return;
			this.#lastHeard = Date.now();
			this.#answerBy = null;
			this.wsconnected = true;
			this.emit('status', [{ status: 'connected' }]);
			// Every connect starts a fresh sync: the server answers with what we miss (step 2).
			const sync = encoding.createEncoder();
			encoding.writeVarUint(sync, MessageType.sync);
			syncProtocol.writeSyncStep1(sync, this.doc);
			ws.send(encoding.toUint8Array(sync));
			if (this.awareness.getLocalState() !== null) this.#sendAwareness();
		};
		this.emit('status', [{ status: 'connecting' }]);
	}

	/**
	 * The socket is gone: `event` from the browser, or null when we closed it (disconnect, the
	 * watchdog). Reconnects after a back-off unless told not to or the code is permanent.
	 */
	#closeSocket(event: CloseEvent | null, ws = this.ws): void {
		if (ws === null || ws !== this.ws) return;
		this.ws = null;
		this.#answerBy = null;
		// A socket still flushing (or still opening) must not touch this provider any more.
		ws.onmessage = ws.onopen = ws.onclose = null;
		ws.close();
		this.emit('connection-close', [event]);
		if (this.wsconnected) {
			this.wsconnected = false;
			this.#setSynced(false);
			// Others' states come back with the next connect; until then nobody is known online.
			const others = [...this.awareness.getStates().keys()].filter(
				(id) => id !== this.doc.clientID
			);
			awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
			// Forget their clocks too: after the reconnect the server sends their states at the
			// clocks we already know, and y-protocols ignores a state whose clock is not newer, so
			// people would look offline until their next renewal (up to 15 s; the stock provider
			// has this gap).
			for (const id of others) this.awareness.meta.delete(id);
			this.emit('status', [{ status: 'disconnected' }]);
		}
		this.wsUnsuccessfulReconnects++;
		const permanent = event !== null && isPermanentClose(event.code);
		if (permanent) this.#shouldConnect = false;
		if (this.#shouldConnect) {
			this.#retry = setTimeout(
				() => {
					if (this.#shouldConnect && this.ws === null) this.#open();
				},
				reconnectDelay(this.wsUnsuccessfulReconnects, this.#maxBackoffMs)
			);
		}
		// Last, so a 'closed' handler may call connect() and start again.
		if (permanent) this.emit('closed', [{ code: event.code, reason: event.reason }]);
	}

	#receive(frame: Uint8Array): void {
		const decoder = decoding.createDecoder(frame);
		const type = decoding.readVarUint(decoder);
		switch (type) {
			case MessageType.sync: {
				const reply = encoding.createEncoder();
				encoding.writeVarUint(reply, MessageType.sync);
				// Applies step 2 and updates, and writes our (empty) step 2 into `reply` should the
				// server ever ask with a step 1 of its own.
				const kind = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
				if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply));
				if (kind === syncProtocol.messageYjsSyncStep2) this.#setSynced(true);
				return;
			}
			case MessageType.awareness:
				awarenessProtocol.applyAwarenessUpdate(
					this.awareness,
					decoding.readVarUint8Array(decoder),
					this
				);
				return;
			case MessageType.queryAwareness:
				this.#sendAwareness();
				return;
			case MessageType.auth:
				authProtocol.readAuthMessage(decoder, this.doc, (_doc, reason) => {
					console.warn(`Kleed: the server refused a change: ${reason}`);
					this.emit('permission-denied', [reason]);
				});
				return;
			default:
				// Kleed's own frames; a type nobody handles (a newer server) is ignored.
				this.#handlers.get(type)?.(decoder);
		}
	}

	/**
	 * Only our own state goes out: the relay accepts nothing else from a connection, and echoing
	 * everyone's changes back (as the stock provider does) would only be frames it drops.
	 */
	readonly #onAwarenessUpdate = (
		changes: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		if (origin === this) return;
		const id = this.doc.clientID;
		const { added, updated, removed } = changes;
		if (added.includes(id) || updated.includes(id) || removed.includes(id)) this.#sendAwareness();
	};

	#sendAwareness(states?: Map<number, Record<string, unknown>>): void {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MessageType.awareness);
		encoding.writeVarUint8Array(
			encoder,
			awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID], states)
		);
		this.send(encoding.toUint8Array(encoder));
	}

	/**
	 * "I am gone", without forgetting our state: encoded against an empty map, our entry goes out
	 * as null at the current clock, which the relay applies as a removal.
	 */
	#sendAwarenessRemoval(): void {
		this.#sendAwareness(new Map());
	}

	/**
	 * The page is closing (or going into the back/forward cache): tell the room now rather than
	 * when the relay notices the socket is gone, so the person is shown offline at once.
	 */
	readonly #onPageHide = (): void => this.#sendAwarenessRemoval();

	/** Back from the back/forward cache with the socket still open: we are here again. */
	readonly #onPageShow = (event: Event): void => {
		if ((event as PageTransitionEvent).persisted && this.awareness.getLocalState() !== null) {
			this.#sendAwareness();
		}
		this.#onWake();
	};

	/** Asks the relay something it always answers; any frame back proves the socket alive. */
	#probe(): void {
		if (this.#answerBy !== null) return;
		this.#answerBy = Date.now() + this.#answerMs;
		this.send(new Uint8Array([MessageType.queryAwareness]));
	}

	#checkAlive(): void {
		if (!this.wsconnected) return;
		const now = Date.now();
		if (this.#answerBy !== null && now > this.#answerBy) this.#closeSocket(null);
		else if (now - this.#lastHeard >= this.#probeMs) this.#probe();
	}

	/**
	 * The browser knows the network is gone: say so now (the socket may look open for half a
	 * minute more). Attempts go on with back-off; `online` starts one at once.
	 */
	readonly #onOffline = (): void => {
		if (this.ws) this.#closeSocket(null);
	};

	/**
	 * Back on the network, or the page is seen again (a tablet woken up): a lost connection is
	 * tried again now, not after the back-off; one that looks open is asked at once whether it
	 * still is (after a sleep it often is not), so a dead one is replaced within `answerMs`.
	 */
	readonly #onWake = (): void => {
		// visibilitychange also fires on hiding: only being seen again counts.
		if (!this.#shouldConnect || this.#visibility?.visibilityState === 'hidden') return;
		if (this.ws === null) {
			clearTimeout(this.#retry);
			this.#open();
		} else if (this.wsconnected) {
			this.#probe();
		}
	};
}
