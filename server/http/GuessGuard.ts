import { RateLimiter } from '../relay/RateLimiter.ts';

/**
 * Slows down guessing of round codes: every lookup of a code that does not exist costs the
 * address one token; with none left, every code lookup from that address gets 429 until the
 * bucket refills. Honest people mistype a code a few times, not dozens.
 */
export class GuessGuard {
	readonly #buckets = new Map<string, RateLimiter>();
	/** Codes of rounds erased lately: devices of that round keep knocking; that is no guessing. */
	readonly #erased = new Set<string>();
	readonly #burst: number;
	readonly #perSecond: number;

	constructor({ burst = 20, perMinute = 10 } = {}) {
		this.#burst = burst;
		this.#perSecond = perMinute / 60;
	}

	/** Whether this address has used up its failed lookups. */
	blocked(address: string): boolean {
		const bucket = this.#buckets.get(address);
		if (!bucket) return false;
		// Peek: take a token and give it back when one was there.
		if (!bucket.take()) return true;
		bucket.giveBack();
		return false;
	}

	/** Remembers an erased round's code (bounded), so its own devices are not taken for guessers. */
	erased(code: string): void {
		if (this.#erased.size >= 10_000) this.#erased.clear();
		this.#erased.add(code);
	}

	/**
	 * Records a lookup of a code that does not exist. A whole room of tablets behind one address
	 * reconnecting to a round that was just erased must not lock that address out.
	 */
	failed(address: string, code?: string | null): void {
		if (code && this.#erased.has(code)) return;
		let bucket = this.#buckets.get(address);
		if (!bucket) {
			if (this.#buckets.size > 10_000) this.#buckets.clear(); // bounded memory under a flood
			bucket = new RateLimiter(this.#burst, this.#perSecond);
			this.#buckets.set(address, bucket);
		}
		bucket.take();
	}
}

/** The client's real address (see proxy.ts: behind a trusted proxy, from X-Forwarded-For). */
export { clientAddress } from './proxy.ts';
