/** What an outbox needs from the world; tests hand in a clock and a scheduler of their own. */
export interface AwarenessOutboxOptions {
	/** Bytes per second this connection is sent, after a burst of `burstBytes`. */
	bytesPerSecond: number;
	burstBytes: number;
	/** Sends a frame on the connection. */
	send(frame: Uint8Array): void;
	/** Bytes the connection has not written out yet (a socket that does not read holds them). */
	buffered(): number;
	/** The current entries of these client ids as one awareness frame, or null when none is left. */
	encode(ids: ReadonlySet<number>): Uint8Array | null;
	now(): number;
	/** Runs `fn` after `ms`; returns a cancel function. */
	schedule(fn: () => void, ms: number): () => void;
}

/** A held outbox looks again this often at the least (a socket that drains, a bucket that refills). */
const MIN_RETRY_MS = 50;

/**
 * The awareness one connection is sent, at a pace: a token bucket of bytes (a burst, then a
 * steady rate). While the bucket is empty, or the socket has not written out what it already has,
 * changes are not queued as frames: only the ids of the clients that changed are remembered, and
 * when the pace allows, each one's latest state goes out in one frame. So a flood of awareness
 * (renewals of 200 sockets, a thousand questions for everyone's state) costs a slow or silent
 * connection a set of ids, not megabytes, and an honest client on a slow link still gets every
 * person's latest state, later.
 */
export class AwarenessOutbox {
	readonly #options: AwarenessOutboxOptions;
	readonly #perMs: number;
	#tokens: number;
	#last: number;
	readonly #pending = new Set<number>();
	#cancel: (() => void) | null = null;
	#closed = false;

	constructor(options: AwarenessOutboxOptions) {
		this.#options = options;
		this.#perMs = options.bytesPerSecond / 1000;
		this.#tokens = options.burstBytes;
		this.#last = options.now();
	}

	/** Client ids waiting for the pace to allow them out. */
	get pending(): number {
		return this.#pending.size;
	}

	/** A frame carrying the latest entries of `ids` (shared by every connection of the round). */
	offer(frame: Uint8Array, ids: Iterable<number>): void {
		if (this.#closed) return;
		if (this.#pending.size === 0 && this.#mayWrite()) {
			this.#tokens -= frame.length;
			return this.#options.send(frame);
		}
		for (const id of ids) this.#pending.add(id);
		this.#retryLater();
	}

	close(): void {
		this.#closed = true;
		this.#pending.clear();
		this.#cancel?.();
		this.#cancel = null;
	}

	#flush(): void {
		this.#cancel = null;
		if (this.#closed || this.#pending.size === 0) return;
		if (!this.#mayWrite()) return this.#retryLater();
		const frame = this.#options.encode(this.#pending);
		this.#pending.clear();
		if (frame === null) return;
		this.#tokens -= frame.length;
		this.#options.send(frame);
	}

	/** The bucket holds a byte at least and the socket has written out what it had. A frame may
	 * take the bucket below zero (it is never split); the next one waits until it is paid back. */
	#mayWrite(): boolean {
		const now = this.#options.now();
		this.#tokens = Math.min(
			this.#options.burstBytes,
			this.#tokens + (now - this.#last) * this.#perMs
		);
		this.#last = now;
		return this.#tokens > 0 && this.#options.buffered() <= this.#options.burstBytes;
	}

	#retryLater(): void {
		if (this.#cancel) return;
		const wait = Math.max(MIN_RETRY_MS, Math.ceil((1 - this.#tokens) / this.#perMs));
		this.#cancel = this.#options.schedule(() => this.#flush(), wait);
	}
}
