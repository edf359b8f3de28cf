import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { IntentServices } from '../../src/lib/round/apply.ts';
import type { DocPersistence } from '../DocStore.ts';
import type { Identity } from '../RoundStore.ts';
import { Flusher } from './Flusher.ts';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.ts';
import { LiveRound } from './LiveRound.ts';
import type { RelaySocket, SocketEvents } from './socket.ts';

/**
 * The heartbeat pings a tenth of the connections every tenth of `heartbeatMs`: each connection is
 * still pinged once per `heartbeatMs`, but 4,500 pings (and their pongs) no longer land in one loop
 * turn, which stalled every round for about a tenth of a second every 30 s.
 */
const HEARTBEAT_SLICES = 10;

/**
 * The sync relay: the live rounds by code, the flusher they share (write, then send: see
 * Flusher.ts), and the heartbeat. It owns the rounds and hands each what it needs; a round tells
 * it through `onUnloaded` when it has left memory.
 */
export class Relay {
	readonly limits: RelayLimits;
	readonly #rounds = new Map<string, LiveRound>();
	readonly #flusher: Flusher;
	readonly #persistence: DocPersistence;
	readonly #services: IntentServices;
	readonly #log: Logger;
	readonly #onErase: (code: string) => void;
	readonly #maxDocBytes: number | undefined;
	readonly #heartbeat: ReturnType<typeof setInterval>;
	#heartbeatSlice = 0;

	constructor(options: {
		persistence: DocPersistence;
		services: IntentServices;
		log: Logger;
		limits?: Partial<RelayLimits>;
		/** A round's stored doc may grow to this many bytes (ROUND_LIMITS.maxDocBytes). */
		maxDocBytes?: number;
		/** After a `round.erase` intent has discarded a round: erase what is stored. */
		onErase?: (code: string) => void;
	}) {
		this.#persistence = options.persistence;
		this.#services = options.services;
		this.#log = options.log;
		this.#onErase = options.onErase ?? (() => {});
		this.#maxDocBytes = options.maxDocBytes;
		this.limits = { ...DEFAULT_LIMITS, ...options.limits };
		this.#flusher = new Flusher(options.persistence, options.log);
		this.#heartbeat = setInterval(() => this.#beat(), this.limits.heartbeatMs / HEARTBEAT_SLICES);
		this.#heartbeat.unref?.();
	}

	/** Attaches an authenticated socket to the round `code`; returns what the socket must call. */
	connect(socket: RelaySocket, code: string, identity: Identity): SocketEvents {
		return this.#roundFor(code).connect(socket, identity);
	}

	/**
	 * Changes a round's doc from outside a connection (e.g. the HTTP API), loading the round
	 * first if needed. The change is written and sent like any other.
	 */
	async transact(code: string, fn: (doc: Y.Doc) => void): Promise<void> {
		const round = this.#roundFor(code);
		await round.load();
		round.change(fn);
	}

	/** Before a round is erased: writes nothing more, closes every connection, frees the round. */
	discard(code: string): void {
		this.#flusher.flush();
		this.#rounds.get(code)?.discard();
	}

	/** The round `code` if it is in memory. */
	round(code: string): LiveRound | undefined {
		return this.#rounds.get(code);
	}

	get roundCount(): number {
		return this.#rounds.size;
	}

	/** Stores and sends what is pending now instead of at the end of the loop turn. */
	flush(): void {
		this.#flusher.flush();
	}

	/** Flushes, compacts and unloads every round, closing its connections with goingAway. */
	close(): void {
		clearInterval(this.#heartbeat);
		this.#flusher.flush();
		for (const round of [...this.#rounds.values()]) {
			round.closeWhere(() => true, 'goingAway');
			round.unload();
		}
	}

	#roundFor(code: string): LiveRound {
		let round = this.#rounds.get(code);
		if (!round) {
			round = new LiveRound({
				code,
				persistence: this.#persistence,
				flusher: this.#flusher,
				services: this.#services,
				limits: this.limits,
				maxDocBytes: this.#maxDocBytes,
				log: this.#log,
				onUnloaded: (gone) => {
					if (this.#rounds.get(gone.code) === gone) this.#rounds.delete(gone.code);
				},
				onErased: this.#onErase
			});
			this.#rounds.set(code, round);
			void round.load();
		}
		return round;
	}

	#beat(): void {
		const slice = this.#heartbeatSlice;
		this.#heartbeatSlice = (slice + 1) % HEARTBEAT_SLICES;
		for (const round of this.#rounds.values()) {
			for (const conn of [...round.connections]) {
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
}
