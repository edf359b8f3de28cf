import type {
	DataOf,
	Intent,
	IntentOf,
	IntentRequest,
	IntentResult,
	IntentType
} from '$lib/round/intents';

export interface IntentChannelOptions {
	/** Puts one request on the wire; false when there is no open connection (it waits). */
	transmit(request: IntentRequest): boolean;
	/**
	 * Every answer, with whether its request went out late: made while offline, or sent again
	 * after a reconnect. A late "conflict" usually means the round moved on in the meantime.
	 */
	onAnswer?(intent: Intent, result: IntentResult, late: boolean): void;
}

interface Pending {
	request: IntentRequest;
	late: boolean;
	resolve(result: IntentResult): void;
	reject(error: Error): void;
}

const ignore = () => {};

/**
 * The intents of one connection: numbers each request, keeps it until the server answers, and
 * sends what is unanswered again, in the order it was made, after every reconnect (so intents
 * must be idempotent on the server, and they are). Knows nothing of sockets or Yjs: the owner
 * hands it a `transmit` and tells it when the connection is up, when an answer came, and when
 * the connection is gone for good.
 */
export class IntentChannel {
	readonly #options: IntentChannelOptions;
	#nextId = 1;
	/** By id; a Map iterates in insertion order, which is the order the intents were made. */
	readonly #pending = new Map<number, Pending>();
	readonly #listeners = new Set<(pending: number) => void>();
	/** Sent first after every reconnect (a participant's join). */
	#replay: Intent | null = null;
	#closed: Error | null = null;

	constructor(options: IntentChannelOptions) {
		this.#options = options;
	}

	/**
	 * Sends now when connected, else queues. Resolves with the server's answer; rejects only when
	 * the channel is closed for good (before or while waiting).
	 */
	send<K extends IntentType>(intent: IntentOf<K>): Promise<IntentResult<DataOf<K>>> {
		return new Promise<IntentResult>((resolve, reject) => {
			if (this.#closed) return reject(this.#closed);
			const pending = this.#add(intent as Intent, resolve, reject);
			pending.late = !this.#options.transmit(pending.request);
		}) as Promise<IntentResult<DataOf<K>>>;
	}

	/**
	 * Sends `intent` now and again after every reconnect, ahead of anything queued: a tablet that
	 * slept or lost the wifi is put back on the kleed before what it did meanwhile arrives.
	 */
	replay(intent: Intent): Promise<IntentResult> {
		this.#replay = intent;
		return this.send(intent);
	}

	/** The connection is (back) up: the replayed intent first, then everything unanswered. */
	connected(): void {
		if (this.#closed) return;
		const replay = this.#replay;
		const queued = [...this.#pending.values()];
		if (replay && !queued.some((p) => p.request.intent.type === replay.type)) {
			// Nobody waits for this answer: only the first join's caller does.
			this.#options.transmit(this.#add(replay, ignore, ignore).request);
		}
		for (const pending of queued) {
			pending.late = true;
			this.#options.transmit(pending.request);
		}
	}

	/** An answer frame's text (JSON IntentResult); unknown ids and broken JSON are ignored. */
	receive(text: string): void {
		let result: IntentResult;
		try {
			result = JSON.parse(text) as IntentResult;
		} catch {
			return;
		}
		const pending = this.#pending.get(result?.id);
		if (!pending) return;
		this.#pending.delete(result.id);
		this.#changed();
		this.#options.onAnswer?.(pending.request.intent, result, pending.late);
		pending.resolve(result);
	}

	/** For good (a permanent close, the page going away): rejects what waits and all later sends. */
	close(error: Error): void {
		this.#closed ??= error;
		const all = [...this.#pending.values()];
		this.#pending.clear();
		if (all.length > 0) this.#changed();
		for (const pending of all) pending.reject(error);
	}

	/** Intents sent or queued and not answered yet ("not yet confirmed"). */
	get pending(): number {
		return this.#pending.size;
	}

	/** Calls `listener` with the new count whenever it changes; returns the unsubscribe. */
	subscribe(listener: (pending: number) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#add(intent: Intent, resolve: Pending['resolve'], reject: Pending['reject']): Pending {
		const pending: Pending = {
			request: { id: this.#nextId++, intent },
			late: false,
			resolve,
			reject
		};
		this.#pending.set(pending.request.id, pending);
		this.#changed();
		return pending;
	}

	#changed(): void {
		for (const listener of this.#listeners) listener(this.#pending.size);
	}
}
