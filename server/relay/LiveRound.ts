import type { Logger } from 'pino';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { CloseCodeName } from '../../src/lib/protocol.ts';
import { SERVER_ORIGIN, type IntentServices } from '../../src/lib/round/apply.ts';
import type { IntentOutcome } from '../../src/lib/round/intents.ts';
import type { DocPersistence } from '../DocStore.ts';
import { storageFault } from '../StorageHealth.ts';
import type { Identity } from '../RoundStore.ts';
import { Connection, type ConnectionOptions } from './Connection.ts';
import type { Flusher, FlushedRound } from './Flusher.ts';
import { FrameHandler } from './FrameHandler.ts';
import { AwarenessOutbox } from './AwarenessOutbox.ts';
import { awarenessFrame, updateFrame } from './frames.ts';
import { ROUND_LIMITS, type RelayLimits } from './limits.ts';
import { RoundAwareness } from './RoundAwareness.ts';
import type { RelaySocket, SocketEvents } from './socket.ts';

/** Above this many stored updates, a freshly loaded round rewrites its log as one row. */
const COMPACT_ON_LOAD_ABOVE = 100;

/** While changes cannot be saved, the round tries to write them again this often. */
const RETRY_UNSAVED_MS = 1000;

/** Transaction origin of updates replayed from storage. */
const PERSISTENCE_ORIGIN = 'persistence';

type State = 'loading' | 'live' | 'unloaded';

/** What a live round is handed by its owner (the relay). */
export interface LiveRoundOptions {
	code: string;
	persistence: DocPersistence;
	/** Stores the round's changes before they are sent; shared by every round of the relay. */
	flusher: Flusher;
	services: IntentServices;
	limits: RelayLimits;
	/** The round's stored doc may grow to this many bytes (ROUND_LIMITS.maxDocBytes). */
	maxDocBytes?: number;
	log: Logger;
	/** The round has left memory (unloaded, failed or discarded): the owner forgets it. */
	onUnloaded(round: LiveRound): void;
	/** A `round.erase` intent discarded the round: erase what is stored. */
	onErased(code: string): void;
}

/**
 * One round in the relay's memory: its doc and awareness, and its connections. Life cycle:
 * loading (persisted state is read; frames are queued) -> live -> idle (nobody connected; a timer
 * runs) -> unloaded (state compacted to one row, memory freed, owner told).
 *
 * Every frame passes, in order: the connection's rate limit -> (queue while loading) -> the
 * FrameHandler (guarded decode, then what the frame does). Any exception closes only that
 * connection.
 */
export class LiveRound implements FlushedRound {
	readonly code: string;
	readonly doc = new Y.Doc({ gc: true });
	readonly connections = new Set<Connection>();
	#state: State = 'loading';
	#loading: Promise<void> | null = null;
	#queue: [Connection, Uint8Array][] = [];
	#idleTimer: ReturnType<typeof setTimeout> | null = null;
	/** Bytes of the round's stored doc: what was loaded plus every update since. */
	#docBytes = 0;
	/** Updates applied in memory that could not be stored (a full disk): written when space returns. */
	#unsaved: Uint8Array[] = [];
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	readonly #awareness: RoundAwareness;
	/** Each connection's awareness, sent at a pace (see AwarenessOutbox). */
	readonly #outboxes = new Map<Connection, AwarenessOutbox>();
	readonly #frames: FrameHandler;
	readonly #options: LiveRoundOptions;
	readonly #flusher: Flusher;
	readonly #log: Logger;
	/** Handed to each connection of this round. */
	readonly #connectionOptions: ConnectionOptions;

	constructor(options: LiveRoundOptions) {
		this.code = options.code;
		this.#options = options;
		this.#flusher = options.flusher;
		this.#log = options.log;
		this.#awareness = new RoundAwareness(
			this.doc,
			() => this.#flusher.enqueueAwareness(this),
			options.limits
		);
		this.#frames = new FrameHandler({
			code: this.code,
			doc: this.doc,
			awareness: this.#awareness,
			sendAllAwareness: (conn) => this.#sendAllAwareness(conn),
			whenDurable: (fn) => this.#flusher.whenDurable(fn),
			services: options.services,
			// What an intent may do to this round beyond its doc.
			control: {
				refuseWrites: () => this.#refuseWrites(),
				disconnect: (participantId) =>
					this.closeWhere((c) => c.identity.participantId === participantId, 'removed'),
				// After the intent's answer has gone out: the erase closes every connection.
				erase: () =>
					setImmediate(() => {
						this.discard();
						options.onErased(this.code);
					})
			},
			limits: options.limits,
			log: options.log
		});
		this.#connectionOptions = {
			limits: options.limits,
			onFrame: (conn, data) => this.#receive(conn, data),
			onClose: (conn) => this.#remove(conn),
			holdWrites: (socket) => this.#flusher.hold(socket)
		};
	}

	get awareness(): Awareness {
		return this.#awareness.awareness;
	}

	get live(): boolean {
		return this.#state === 'live';
	}

	/**
	 * Reads the persisted state (once; later calls wait for the same). Frames that arrive meanwhile
	 * wait in the queue, in order. Never rejects: a round that cannot be loaded fails.
	 */
	load(): Promise<void> {
		return (this.#loading ??= this.#load());
	}

	async #load(): Promise<void> {
		let loadedRows: number;
		try {
			const updates = await this.#options.persistence.load(this.code);
			if (this.#state !== 'loading') return;
			loadedRows = updates.length;
			Y.transact(
				this.doc,
				() => {
					for (const update of updates) Y.applyUpdate(this.doc, update, PERSISTENCE_ORIGIN);
				},
				PERSISTENCE_ORIGIN
			);
			this.#docBytes = updates.reduce((sum, update) => sum + update.length, 0);
			// Only now: loading replays what is already stored (nothing to write, nobody to tell),
			// and with a listener attached Yjs would encode every loaded change to emit it.
			this.doc.on('update', (update: Uint8Array) => {
				this.#docBytes += update.length;
				this.#flusher.enqueue(this, update);
			});
		} catch (err) {
			// Nothing to serve: every connection is told to come back (4500), the round leaves memory.
			this.#log.error({ round: this.code, err }, 'loading the round failed');
			this.closeWhere(() => true, 'serverError');
			this.#dispose();
			return;
		}
		if (loadedRows > COMPACT_ON_LOAD_ABOVE) {
			// On a full disk this fails; the log is still complete, and the round is served anyway.
			try {
				const state = Y.encodeStateAsUpdate(this.doc);
				this.#options.persistence.replace(this.code, state);
				this.#docBytes = state.length;
			} catch (err) {
				this.#log.error({ round: this.code, err }, 'compacting the round failed');
			}
		}
		this.#state = 'live';
		for (const conn of this.connections) this.#start(conn);
		const queued = this.#queue;
		this.#queue = [];
		for (const [conn, data] of queued) this.#frames.handle(conn, data);
		if (this.connections.size === 0) this.#startIdleTimer();
	}

	/** Attaches an authenticated socket; returns what the socket adapter must call. */
	connect(socket: RelaySocket, identity: Identity): SocketEvents {
		const conn = new Connection(socket, identity, this.#connectionOptions);
		this.connections.add(conn);
		const { awarenessBytesPerSecond, awarenessBurstBytes } = this.#options.limits;
		this.#outboxes.set(
			conn,
			new AwarenessOutbox({
				bytesPerSecond: awarenessBytesPerSecond,
				burstBytes: awarenessBurstBytes,
				send: (frame) => conn.send(frame),
				buffered: () => socket.bufferedAmount,
				encode: (ids) => {
					const update = this.live ? this.#awareness.encode(ids) : null;
					return update === null ? null : awarenessFrame(update);
				},
				now: () => performance.now(),
				schedule: (fn, ms) => {
					const timer = setTimeout(fn, ms);
					timer.unref?.();
					return () => clearTimeout(timer);
				}
			})
		);
		if (this.#idleTimer) {
			clearTimeout(this.#idleTimer);
			this.#idleTimer = null;
		}
		if (this.live) this.#start(conn);
		return conn.socketEvents;
	}

	/** Changes the doc from outside a connection (e.g. the HTTP API), as the server. */
	change(fn: (doc: Y.Doc) => void): void {
		if (!this.live) throw new Error('the round could not be loaded');
		this.doc.transact(() => fn(this.doc), SERVER_ORIGIN);
		// Nobody may be connected (the change came over HTTP): the round still unloads when idle.
		if (this.connections.size === 0) this.#startIdleTimer();
	}

	/** Closes the connections that match, with a documented close code. */
	closeWhere(match: (conn: Connection) => boolean, name: CloseCodeName): void {
		for (const conn of [...this.connections]) if (match(conn)) conn.close(name);
	}

	/**
	 * Sends a stored update to every connection (the Flusher calls this after writing it). Nobody
	 * is left out: the server made every change, no connection sent one it already has.
	 */
	sendUpdate(update: Uint8Array): void {
		const frame = updateFrame(update);
		for (const conn of this.connections) conn.send(frame);
	}

	/**
	 * Sends the awareness changes of this loop turn (after the turn's doc updates have gone out).
	 * To everyone, the sender too: the stock provider drops a connection that hears nothing for
	 * 30 s, and awareness renewals are what it hears in a quiet round.
	 */
	sendAwareness(): void {
		if (!this.live) return;
		const changes = this.#awareness.takeChanges();
		if (changes === null) return;
		const frame = awarenessFrame(changes.update);
		for (const conn of this.connections) this.#outboxes.get(conn)?.offer(frame, changes.ids);
	}

	/** Everyone's state, to one connection (on connect, and when it asks): at its pace too. */
	#sendAllAwareness(conn: Connection): void {
		const frame = this.#awareness.allStatesFrame();
		if (frame !== null) this.#outboxes.get(conn)?.offer(frame, this.#awareness.ids());
	}

	/**
	 * The round's `updates` could not be written. A storage fault (a full disk, say): the round stays
	 * live and keeps serving what is in memory; the updates are sent (they are in the doc everyone
	 * reads) and kept, and written as soon as the storage takes them again (tried once a second).
	 * Meanwhile intents that would write are answered `storage_full`/`storage_error` (the
	 * facilitator's console says so in plain words), and /api/health reports the fault. Closing
	 * every socket instead made clients reconnect into the same fault, again and again.
	 *
	 * Any other failure (a bug, a constraint): what is in memory cannot be stored at all. Drop it
	 * and tell clients to reconnect (4500); they get the round as it was stored.
	 */
	storageFailed(updates: Uint8Array[], err: unknown): void {
		if (this.#state !== 'live' || storageFault(err) === null) {
			this.closeWhere(() => true, 'serverError');
			this.#dispose();
			return;
		}
		if (this.#unsaved.length === 0) {
			this.#log.warn({ round: this.code }, 'changes cannot be saved; kept in memory meanwhile');
		}
		this.#unsaved.push(...updates);
		for (const update of updates) this.sendUpdate(update);
		this.#scheduleRetry();
	}

	/** True when nothing is left unsaved (or it was written now). */
	#writeUnsaved(): boolean {
		if (this.#unsaved.length === 0) return true;
		try {
			this.#options.persistence.append(
				this.#unsaved.map((update) => ({ code: this.code, update }))
			);
		} catch (err) {
			if (storageFault(err) === null) this.#log.error({ round: this.code, err }, 'saving failed');
			return false;
		}
		this.#log.info({ round: this.code, updates: this.#unsaved.length }, 'unsaved changes saved');
		this.#unsaved = [];
		return true;
	}

	#scheduleRetry(): void {
		if (this.#retryTimer !== null || this.#state !== 'live') return;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (this.#state === 'live' && !this.#writeUnsaved()) this.#scheduleRetry();
		}, RETRY_UNSAVED_MS);
		this.#retryTimer.unref?.();
	}

	/** Why intents that would write are refused now, or null (see RoundControl.refuseWrites). */
	#refuseWrites(): IntentOutcome | null {
		const maxDocBytes = this.#options.maxDocBytes ?? ROUND_LIMITS.maxDocBytes;
		if (this.#docBytes >= maxDocBytes) {
			return {
				ok: false,
				error: 'too_large',
				message: `the round holds as much as it may (${maxDocBytes} bytes); nothing more is saved`
			};
		}
		const storageState = () => this.#options.persistence.storageState?.() ?? 'ok';
		let state = storageState();
		if (state === 'ok') {
			if (this.#writeUnsaved()) return null;
			state = storageState();
		}
		return state === 'error'
			? { ok: false, error: 'storage_error', message: 'the server cannot save changes now' }
			: {
					ok: false,
					error: 'storage_full',
					message: 'the server is full: changes cannot be saved'
				};
	}

	/** Writes the whole state as one row and frees the memory. */
	unload(): void {
		if (this.#state === 'unloaded') return;
		if (this.#state === 'live') {
			this.#flusher.flush();
			if (!this.#writeUnsaved()) {
				this.#log.error({ round: this.code }, 'unloading a round whose changes could not be saved');
			}
			try {
				this.#options.persistence.replace(this.code, Y.encodeStateAsUpdate(this.doc));
			} catch (err) {
				// The update log is still complete; compaction can wait for the next unload.
				this.#log.error({ round: this.code, err }, 'compacting the round failed');
			}
		}
		this.#dispose();
	}

	/** Before the round is erased: writes what is pending, closes every connection, frees memory. */
	discard(): void {
		if (this.#state === 'unloaded') return;
		this.#flusher.flush();
		this.closeWhere(() => true, 'roundNotFound');
		this.#dispose();
	}

	#dispose(): void {
		this.#state = 'unloaded';
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#unsaved = [];
		this.#queue = [];
		for (const outbox of this.#outboxes.values()) outbox.close();
		this.#outboxes.clear();
		this.#awareness.destroy();
		this.doc.destroy();
		this.#options.onUnloaded(this);
	}

	#startIdleTimer(): void {
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		this.#idleTimer = setTimeout(() => {
			this.#idleTimer = null;
			if (this.connections.size !== 0) return;
			// Changes that could not be saved stay in memory until they can.
			if (this.#writeUnsaved()) this.unload();
			else this.#startIdleTimer();
		}, this.#options.limits.idleUnloadMs);
		this.#idleTimer.unref?.();
	}

	/**
	 * A connection's first frames, once the round is live. The server never asks a client for its
	 * state (SyncStep1): nobody but the server writes the doc, so a client has nothing it needs.
	 */
	#start(conn: Connection): void {
		this.#sendAllAwareness(conn);
	}

	#remove(conn: Connection): void {
		if (!this.connections.delete(conn)) return;
		this.#outboxes.get(conn)?.close();
		this.#outboxes.delete(conn);
		this.#awareness.leave(conn);
		if (this.connections.size === 0 && this.live) this.#startIdleTimer();
	}

	#receive(conn: Connection, data: Uint8Array): void {
		if (this.#state === 'live') return this.#frames.handle(conn, data);
		if (this.#state === 'loading') this.#queue.push([conn, data]);
	}
}
