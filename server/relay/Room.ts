import type { Logger } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocPersistence } from '../docStore.ts';
import type { Connection } from './Connection.ts';
import { awarenessFrame } from './frames.ts';
import type { Relay } from './Relay.ts';

/** Above this many stored updates, a freshly loaded room rewrites its log as one row. */
const COMPACT_ON_LOAD_ABOVE = 100;

/**
 * Awareness client ids a room remembers (who used them, and their clock). A real round sees a few
 * dozen; the cap keeps a client that invents ids from growing the room's memory without end.
 */
const MAX_REMEMBERED_CLIENT_IDS = 1000;

type RoomState = 'loading' | 'live' | 'unloaded';

/**
 * One round in memory. Life cycle: loading (persisted state is read; frames are queued) -> live
 * -> idle (no connections; a timer runs) -> unloaded (state compacted to one row, memory freed).
 */
export class Room {
	readonly code: string;
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness: awarenessProtocol.Awareness;
	readonly connections = new Set<Connection>();
	readonly relay: Relay;
	readonly log: Logger;
	#state: RoomState = 'loading';
	#queue: [Connection, Uint8Array][] = [];
	#idleTimer: ReturnType<typeof setTimeout> | null = null;
	/** awareness client id -> who may use it (participant id or role) for the life of the room. */
	readonly #awarenessClaims = new Map<number, string>();
	/** Awareness client ids changed in this loop turn, sent by `flushAwareness`. */
	readonly #awarenessChanged = new Set<number>();
	readonly #persistence: DocPersistence;

	constructor(code: string, relay: Relay, persistence: DocPersistence, log: Logger) {
		this.code = code;
		this.relay = relay;
		this.#persistence = persistence;
		this.log = log;
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		// The server itself has no presence.
		this.awareness.setLocalState(null);
		this.awareness.on(
			'update',
			({ added, updated, removed }: AwarenessChanges, _origin: unknown) => {
				for (const ids of [added, updated, removed]) {
					for (const id of ids) this.#awarenessChanged.add(id);
				}
				this.relay.enqueueAwareness(this);
			}
		);
	}

	/**
	 * Sends the awareness changes of this loop turn as one update (the relay calls this after the
	 * turn's doc updates have gone out). One encoding per turn instead of one per change, and a
	 * client that changed twice in a turn is sent once, with its latest state.
	 */
	flushAwareness(): void {
		if (this.#awarenessChanged.size === 0 || this.#state !== 'live') return;
		const { meta } = this.awareness;
		const changed = [...this.#awarenessChanged].filter((id) => meta.has(id));
		this.#awarenessChanged.clear();
		if (changed.length === 0) return;
		const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
		// Sent to everyone, the sender too: the stock provider drops a connection that hears
		// nothing for 30 s, and awareness renewals are what it hears in a quiet round.
		for (const conn of this.connections) conn.send(frame);
	}

	get live(): boolean {
		return this.#state === 'live';
	}

	get state(): RoomState {
		return this.#state;
	}

	/** Resolves when the room is live (or has failed to load). Set by the relay. */
	ready: Promise<void> = Promise.resolve();

	/** Reads the persisted state. Frames that arrive meanwhile wait in the queue, in order. */
	async load(): Promise<void> {
		try {
			const updates = await this.#persistence.load(this.code);
			if (this.#state !== 'loading') return;
			Y.transact(
				this.doc,
				() => {
					for (const update of updates) Y.applyUpdate(this.doc, update, PERSISTENCE_ORIGIN);
				},
				PERSISTENCE_ORIGIN
			);
			if (updates.length > COMPACT_ON_LOAD_ABOVE) {
				this.#persistence.replace(this.code, Y.encodeStateAsUpdate(this.doc));
			}
			// Only now: loading replays what is already stored (nothing to write, nobody to tell),
			// and with a listener attached Yjs would encode every loaded change to emit it.
			this.doc.on('update', (update: Uint8Array, origin: unknown) => {
				this.relay.enqueue(this, update, origin);
			});
		} catch (err) {
			this.log.error({ room: this.code, err }, 'loading the round failed');
			this.fail();
			return;
		}
		this.#state = 'live';
		for (const conn of this.connections) conn.start();
		const queued = this.#queue;
		this.#queue = [];
		for (const [conn, data] of queued) conn.handle(data);
		if (this.connections.size === 0) this.#startIdleTimer();
	}

	enqueue(conn: Connection, data: Uint8Array): void {
		this.#queue.push([conn, data]);
	}

	add(conn: Connection): void {
		this.connections.add(conn);
		if (this.#idleTimer) {
			clearTimeout(this.#idleTimer);
			this.#idleTimer = null;
		}
		if (this.live) conn.start();
	}

	remove(conn: Connection): void {
		if (!this.connections.delete(conn)) return;
		const clientId = conn.awarenessClientId;
		if (clientId !== null && this.awareness.getStates().has(clientId)) {
			awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], 'connection closed');
		}
		if (this.connections.size === 0 && this.live) this.#startIdleTimer();
	}

	/**
	 * Binds an awareness client id to a connection. An id is bound to the identity that first
	 * used it for as long as the room is loaded, so nobody can take over a reconnecting person's id.
	 */
	claimAwareness(clientId: number, conn: Connection): boolean {
		for (const other of this.connections) {
			if (other !== conn && other.awarenessClientId === clientId) return false;
		}
		const owner = conn.identity.participantId ?? conn.identity.role;
		const claimedBy = this.#awarenessClaims.get(clientId);
		if (claimedBy !== undefined && claimedBy !== owner) return false;
		this.#awarenessClaims.set(clientId, owner);
		this.#forgetOldClaims();
		return true;
	}

	/** Forgets the oldest ids nobody holds now, beyond the cap (their clocks too). */
	#forgetOldClaims(): void {
		if (this.#awarenessClaims.size <= MAX_REMEMBERED_CLIENT_IDS) return;
		const held = new Set([...this.connections].map((c) => c.awarenessClientId));
		for (const clientId of this.#awarenessClaims.keys()) {
			if (this.#awarenessClaims.size <= MAX_REMEMBERED_CLIENT_IDS) break;
			if (held.has(clientId)) continue;
			this.#awarenessClaims.delete(clientId);
			this.awareness.meta.delete(clientId);
		}
	}

	/** Frame to every connection in the room except `except`. */
	broadcast(frame: Uint8Array, except?: unknown): void {
		for (const conn of this.connections) if (conn !== except) conn.send(frame);
	}

	#startIdleTimer(): void {
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		this.#idleTimer = setTimeout(() => {
			this.#idleTimer = null;
			if (this.connections.size === 0) this.unload();
		}, this.relay.limits.idleUnloadMs);
		this.#idleTimer.unref?.();
	}

	/** Writes the whole state as one row and frees the memory. */
	unload(): void {
		if (this.#state === 'unloaded') return;
		if (this.#state === 'live') {
			this.relay.flush();
			try {
				this.#persistence.replace(this.code, Y.encodeStateAsUpdate(this.doc));
			} catch (err) {
				// The update log is still complete; compaction can wait for the next unload.
				this.log.error({ room: this.code, err }, 'compacting the round failed');
			}
		}
		this.#dispose();
	}

	/**
	 * Storage failed: what is in memory may not be durable. Drop it and tell clients to reconnect;
	 * a facilitator's client still holds its edits and sends them again on reconnect (CRDT).
	 */
	fail(): void {
		for (const conn of [...this.connections]) conn.close('serverError');
		this.#dispose();
	}

	/** Drops the room without writing anything (the round is being erased). */
	discard(): void {
		for (const conn of [...this.connections]) conn.close('roundNotFound');
		this.#dispose();
	}

	/** Starts the idle timer if nobody is connected (after the server itself changed the doc). */
	idleCheck(): void {
		if (this.connections.size === 0 && this.live) this.#startIdleTimer();
	}

	#dispose(): void {
		this.#state = 'unloaded';
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		this.#queue = [];
		this.awareness.destroy();
		this.doc.destroy();
		this.relay.forget(this);
	}
}

/** Transaction origin of updates replayed from storage. */
export const PERSISTENCE_ORIGIN = 'persistence';

interface AwarenessChanges {
	added: number[];
	updated: number[];
	removed: number[];
}
