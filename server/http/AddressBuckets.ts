import { RateLimiter } from '../relay/RateLimiter.ts';

/**
 * A token bucket per client address (rounds created, joins): `burst` at once, then `perMinute`.
 * Bounded memory: under a flood of addresses the table starts again rather than grow.
 */
export class AddressBuckets {
	readonly #buckets = new Map<string, RateLimiter>();

	constructor(
		readonly burst: number,
		readonly perMinute: number,
		readonly maxAddresses = 10_000
	) {}

	/** Takes one token for `address`; false when its bucket is empty. */
	take(address: string): boolean {
		let bucket = this.#buckets.get(address);
		if (!bucket) {
			if (this.#buckets.size >= this.maxAddresses) this.#buckets.clear();
			bucket = new RateLimiter(this.burst, this.perMinute / 60);
			this.#buckets.set(address, bucket);
		}
		return bucket.take();
	}

	/** Seconds until one more token is there, for `Retry-After`. */
	get retryAfterSeconds(): number {
		return Math.max(1, Math.ceil(60 / this.perMinute));
	}
}
