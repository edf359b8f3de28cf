import type { Logger } from 'pino';
import type { DocPersistence } from '../DocStore.ts';

/** A round whose doc changes the flusher stores and then has sent (LiveRound is one). */
export interface FlushedRound {
	readonly code: string;
	/** Sends an update that is now stored to the round's connections. */
	sendUpdate(update: Uint8Array): void;
	/**
	 * The round's `updates` (already applied in memory, in order) could not be stored; `err` says
	 * why. The round decides what to do with them (see LiveRound.storageFailed).
	 */
	storageFailed(updates: Uint8Array[], err: unknown): void;
	/** Sends the awareness changes of this loop turn. */
	sendAwareness(): void;
}

/** Something that can hold its writes and let them go in one (a socket). */
export interface Corkable {
	cork(): void;
	uncork(): void;
}

interface Pending {
	round: FlushedRound;
	update: Uint8Array;
}

/**
 * Write, then send. Doc updates are not sent the moment they happen: they are collected for the
 * rest of the event-loop turn, written to SQLite in one transaction, and only then sent. So a
 * client can never have seen an update that a crash (even SIGKILL) takes back. While a flush
 * sends, each socket is corked: what one client gets in a flush leaves in one write.
 *
 * Order at the end of a turn: doc updates (what people do: hearts, hands, steps), then what waits
 * for them to be durable (intent answers, sync answers), then awareness (presence: soft state,
 * renewed every few seconds). Sending awareness inline made every doc update wait behind the
 * turn's presence fan-out, which is most of the frames a busy relay sends.
 *
 * One per relay, shared by all its rounds: one transaction per turn for the whole server.
 */
export class Flusher {
	readonly #persistence: DocPersistence;
	readonly #log: Logger;
	#pending: Pending[] = [];
	#afterFlush: (() => void)[] = [];
	#awarenessRounds = new Set<FlushedRound>();
	/** Sockets corked in the flush that is running; null outside a flush. */
	#held: Set<Corkable> | null = null;
	#scheduled = false;

	constructor(persistence: DocPersistence, log: Logger) {
		this.#persistence = persistence;
		this.#log = log;
	}

	/** A round's doc changed: store and send at the end of this turn, together with the rest. */
	enqueue(round: FlushedRound, update: Uint8Array): void {
		this.#pending.push({ round, update });
		this.#schedule();
	}

	/** A round's awareness changed: it is sent at the end of this turn, after the doc updates. */
	enqueueAwareness(round: FlushedRound): void {
		this.#awarenessRounds.add(round);
		this.#schedule();
	}

	/** Runs `fn` once everything already applied is durable (now, if nothing is pending). */
	whenDurable(fn: () => void): void {
		if (this.#pending.length === 0) return fn();
		this.#afterFlush.push(fn);
	}

	/**
	 * During a flush, corks a socket that is sent something: all it gets in the flush (a doc
	 * update, the answer to its intent, the turn's awareness) leaves in one write when the flush
	 * ends, instead of one system call per frame. Does nothing outside a flush.
	 */
	hold(socket: Corkable): void {
		if (this.#held === null || this.#held.has(socket)) return;
		this.#held.add(socket);
		socket.cork();
	}

	/** Stores what is pending in one transaction, then sends it. Synchronous. */
	flush(): void {
		// A flush inside a flush (a round unloaded while one sends) runs in the outer one's corks.
		if (this.#held !== null) return this.#run();
		this.#held = new Set();
		try {
			this.#run();
		} finally {
			const held = this.#held;
			this.#held = null;
			for (const socket of held) socket.uncork();
		}
	}

	#schedule(): void {
		if (this.#scheduled) return;
		this.#scheduled = true;
		// setImmediate runs after the I/O callbacks of this loop turn: every frame that arrived
		// in this turn ends up in one transaction.
		setImmediate(() => this.flush());
	}

	#run(): void {
		this.#scheduled = false;
		const batch = this.#pending;
		const after = this.#afterFlush;
		const awarenessRounds = this.#awarenessRounds;
		this.#pending = [];
		this.#afterFlush = [];
		this.#awarenessRounds = new Set();
		if (batch.length > 0) {
			const failed = this.#persist(batch);
			for (const { round, update } of batch) {
				if (!failed.has(round)) round.sendUpdate(update);
			}
			for (const [round, { updates, err }] of failed) round.storageFailed(updates, err);
		}
		for (const fn of after) fn();
		for (const round of awarenessRounds) round.sendAwareness();
	}

	/** Returns the rounds whose updates could not be written, with their updates and the error. */
	#persist(batch: Pending[]): Map<FlushedRound, { updates: Uint8Array[]; err: unknown }> {
		const failed = new Map<FlushedRound, { updates: Uint8Array[]; err: unknown }>();
		try {
			this.#persistence.append(batch.map(({ round, update }) => ({ code: round.code, update })));
			return failed;
		} catch (err) {
			this.#log.error({ err }, 'writing a batch failed; retrying per round');
		}
		// One bad round must not cost the others their writes.
		const byRound = new Map<FlushedRound, Uint8Array[]>();
		for (const { round, update } of batch)
			byRound.set(round, [...(byRound.get(round) ?? []), update]);
		for (const [round, updates] of byRound) {
			try {
				this.#persistence.append(updates.map((update) => ({ code: round.code, update })));
			} catch (err) {
				this.#log.error({ round: round.code, err }, 'writing updates failed');
				failed.set(round, { updates, err });
			}
		}
		return failed;
	}
}
