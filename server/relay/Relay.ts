import type { Logger } from 'pino';
import type { DocPersistence } from '../docStore.ts';
import type { Identity } from '../rounds.ts';
import type { CloseCodeName } from '../../src/lib/protocol.ts';
import {
	SERVER_ORIGIN,
	type IntentServices,
	type RoundControl
} from '../../src/lib/round/apply.ts';
import { Connection } from './Connection.ts';
import { updateFrame } from './frames.ts';
import { Room } from './Room.ts';
import type { RelaySocket, SocketEvents } from './socket.ts';

export interface RelayLimits {
	/** Largest frame accepted, in bytes (enforced by the socket layer, e.g. ws `maxPayload`). */
	maxPayload: number;
	/** Token bucket per connection: burst size and refill rate (frames). */
	rateBurst: number;
	ratePerSecond: number;
	/** A client that lets this much pile up unsent is dropped (slowConsumer). */
	maxBufferedBytes: number;
	maxAwarenessBytes: number;
	maxIntentChars: number;
	/** Token bucket per connection for intents (on top of the frame budget). */
	intentBurst: number;
	intentsPerSecond: number;
	/** How long an empty room stays in memory before it is compacted and unloaded. */
	idleUnloadMs: number;
	/** Ping interval; a socket that has not answered the previous ping is dropped. */
	heartbeatMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
	maxPayload: 1024 * 1024,
	rateBurst: 300,
	ratePerSecond: 100,
	maxBufferedBytes: 8 * 1024 * 1024,
	maxAwarenessBytes: 8 * 1024,
	maxIntentChars: 8 * 1024,
	intentBurst: 30,
	intentsPerSecond: 5,
	idleUnloadMs: 30_000,
	heartbeatMs: 30_000
};

/**
 * The heartbeat pings a tenth of the connections every tenth of `heartbeatMs`: each connection is
 * still pinged once per `heartbeatMs`, but 4,500 pings (and their pongs) no longer land in one loop
 * turn, which stalled every round for about a tenth of a second every 30 s.
 */
const HEARTBEAT_SLICES = 10;

interface Pending {
	room: Room;
	update: Uint8Array;
	origin: unknown;
}

/**
 * The sync relay: rooms by round code, the write-then-broadcast flusher, and the heartbeat.
 *
 * Durability: doc updates are not sent the moment they happen. They are collected for the rest
 * of the event-loop tick, written to SQLite in one transaction, and only then broadcast. So a
 * client can never have seen an update that a crash (even SIGKILL) takes back. While a flush
 * sends, each socket is corked: what one client gets in a flush leaves in one write.
 *
 * Order at the end of a turn: doc updates (what people do: hearts, hands, steps), then the
 * answers waiting for them, then awareness (presence: soft state, renewed every few seconds).
 * Sending awareness inline made every doc update wait behind the turn's presence fan-out,
 * which is most of the frames a busy relay sends.
 */
export class Relay {
	readonly limits: RelayLimits;
	readonly services: IntentServices;
	readonly #rooms = new Map<string, Room>();
	readonly #persistence: DocPersistence;
	readonly #log: Logger;
	#pending: Pending[] = [];
	#afterFlush: (() => void)[] = [];
	#awarenessRooms = new Set<Room>();
	/** Connections corked in the flush that is running; null outside a flush. */
	#held: Connection[] | null = null;
	#flushScheduled = false;
	readonly #heartbeat: ReturnType<typeof setInterval>;
	#heartbeatSlice = 0;

	readonly #onErase: (code: string) => void;

	constructor(options: {
		persistence: DocPersistence;
		services: IntentServices;
		log: Logger;
		limits?: Partial<RelayLimits>;
		/** After a round's room is discarded by `round.erase`: erase what is stored. */
		onErase?: (code: string) => void;
	}) {
		this.#onErase = options.onErase ?? (() => {});
		this.#persistence = options.persistence;
		this.services = options.services;
		this.#log = options.log;
		this.limits = { ...DEFAULT_LIMITS, ...options.limits };
		this.#heartbeat = setInterval(() => this.#beat(), this.limits.heartbeatMs / HEARTBEAT_SLICES);
		this.#heartbeat.unref?.();
	}

	/** Attaches an authenticated socket to the round `code`; returns what the socket must call. */
	connect(socket: RelaySocket, code: string, identity: Identity): SocketEvents {
		const room = this.#roomFor(code);
		const conn = new Connection(socket, room, identity, this.limits);
		room.add(conn);
		return {
			message: (data) => conn.receive(data),
			pong: () => {
				conn.alive = true;
			},
			close: () => conn.socketClosed()
		};
	}

	#roomFor(code: string): Room {
		let room = this.#rooms.get(code);
		if (!room) {
			room = new Room(code, this, this.#persistence, this.#log);
			this.#rooms.set(code, room);
			room.ready = room.load();
		}
		return room;
	}

	/**
	 * Changes a round's doc from outside a connection (e.g. the HTTP API), loading the round
	 * first if needed. The change is written and broadcast like any other.
	 */
	async transact(code: string, fn: (room: Room) => void): Promise<void> {
		const room = this.#roomFor(code);
		await room.ready;
		if (!room.live) throw new Error('the round could not be loaded');
		room.doc.transact(() => fn(room), SERVER_ORIGIN);
		room.idleCheck();
	}

	/** Closes the connections of a round that match, with a documented close code. */
	closeConnections(code: string, match: (conn: Connection) => boolean, name: CloseCodeName): void {
		const room = this.#rooms.get(code);
		for (const conn of [...(room?.connections ?? [])]) if (match(conn)) conn.close(name);
	}

	/** What an intent may do to round `code` beyond its doc. */
	control(code: string): RoundControl {
		return {
			disconnect: (participantId) =>
				this.closeConnections(code, (c) => c.identity.participantId === participantId, 'removed'),
			// After the intent's answer has gone out: the erase closes every connection of the round.
			erase: () =>
				setImmediate(() => {
					this.discard(code);
					this.#onErase(code);
				})
		};
	}

	/** Before a round is erased: writes nothing more, closes every connection, frees the room. */
	discard(code: string): void {
		this.flush();
		this.#rooms.get(code)?.discard();
	}

	/** The loaded room of a round, if any. */
	room(code: string): Room | undefined {
		return this.#rooms.get(code);
	}

	get roomCount(): number {
		return this.#rooms.size;
	}

	/** Called by a room when it has unloaded. */
	forget(room: Room): void {
		if (this.#rooms.get(room.code) === room) this.#rooms.delete(room.code);
	}

	/** A doc changed: persist and broadcast at the end of this tick, together with the rest. */
	enqueue(room: Room, update: Uint8Array, origin: unknown): void {
		this.#pending.push({ room, update, origin });
		this.#schedule();
	}

	/** A room's awareness changed: its update goes out at the end of this turn. */
	enqueueAwareness(room: Room): void {
		this.#awarenessRooms.add(room);
		this.#schedule();
	}

	/** Runs `fn` once everything already applied is durable (now, if nothing is pending). */
	whenDurable(fn: () => void): void {
		if (this.#pending.length === 0) return fn();
		this.#afterFlush.push(fn);
	}

	#schedule(): void {
		if (this.#flushScheduled) return;
		this.#flushScheduled = true;
		// setImmediate runs after the I/O callbacks of this loop turn: every frame that arrived
		// in this turn ends up in one transaction.
		setImmediate(() => this.flush());
	}

	/** Writes pending updates in one transaction, then broadcasts them. Synchronous. */
	flush(): void {
		if (this.#held !== null) return this.#flush();
		this.#held = [];
		try {
			this.#flush();
		} finally {
			const held = this.#held;
			this.#held = null;
			for (const conn of held) conn.release();
		}
	}

	/**
	 * During a flush, corks the socket of each connection that is sent something: all it gets in
	 * the flush (a doc update, the answer to its intent, the turn's awareness) leaves in one write
	 * when the flush ends, instead of one system call per frame. Returns false outside a flush.
	 */
	holdWrites(conn: Connection): boolean {
		if (this.#held === null) return false;
		this.#held.push(conn);
		return true;
	}

	#flush(): void {
		this.#flushScheduled = false;
		const batch = this.#pending;
		const after = this.#afterFlush;
		const awarenessRooms = this.#awarenessRooms;
		this.#pending = [];
		this.#afterFlush = [];
		this.#awarenessRooms = new Set();
		if (batch.length > 0) {
			const failed = this.#persist(batch);
			for (const { room, update, origin } of batch) {
				if (failed.has(room)) continue;
				room.broadcast(updateFrame(update), origin);
			}
			for (const room of failed) room.fail();
		}
		for (const fn of after) fn();
		for (const room of awarenessRooms) room.flushAwareness();
	}

	/** Returns the rooms whose updates could not be written. */
	#persist(batch: Pending[]): Set<Room> {
		const failed = new Set<Room>();
		const entries = batch.map(({ room, update }) => ({ code: room.code, update }));
		try {
			this.#persistence.append(entries);
			return failed;
		} catch (err) {
			this.#log.error({ err }, 'writing a batch failed; retrying per round');
		}
		// One bad round must not cost the others their writes.
		const byRoom = new Map<Room, Pending[]>();
		for (const item of batch) byRoom.set(item.room, [...(byRoom.get(item.room) ?? []), item]);
		for (const [room, items] of byRoom) {
			try {
				this.#persistence.append(items.map(({ update }) => ({ code: room.code, update })));
			} catch (err) {
				this.#log.error({ room: room.code, err }, 'writing updates failed');
				failed.add(room);
			}
		}
		return failed;
	}

	#beat(): void {
		const slice = this.#heartbeatSlice;
		this.#heartbeatSlice = (slice + 1) % HEARTBEAT_SLICES;
		for (const room of this.#rooms.values()) {
			for (const conn of [...room.connections]) {
				if (conn.id % HEARTBEAT_SLICES !== slice) continue;
				if (!conn.alive) {
					conn.terminate();
					continue;
				}
				conn.alive = false;
				conn.ping();
			}
		}
	}

	/** Flushes, compacts and unloads every room, closing its connections with goingAway. */
	close(): void {
		clearInterval(this.#heartbeat);
		this.flush();
		for (const room of [...this.#rooms.values()]) {
			for (const conn of [...room.connections]) conn.close('goingAway');
			room.unload();
		}
	}
}
