/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. One per connection, so one
 * noisy client cannot starve a round (and certainly not another round).
 */
export class RateLimiter {
	#tokens: number;
	#last: number;
	readonly #burst: number;
	readonly #perMs: number;
	readonly #now: () => number;

	constructor(burst: number, perSecond: number, now: () => number = () => performance.now()) {
		this.#burst = burst;
		this.#tokens = burst;
		this.#perMs = perSecond / 1000;
		this.#now = now;
		this.#last = now();
	}

	/** Returns a token taken by mistake (never above the burst). */
	giveBack(): void {
		this.#tokens = Math.min(this.#burst, this.#tokens + 1);
	}

	/** Takes one token; `false` when the bucket is empty. */
	take(): boolean {
		const now = this.#now();
		this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
		this.#last = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}
