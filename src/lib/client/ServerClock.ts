import type { ServerTime } from '$lib/protocol';

/**
 * The server's clock, as an offset to ours. Every device shows the same time left on a timer, so
 * we measure the server's clock rather than trust the tablet's (cheap tablets are often minutes
 * off). Half the round trip is the usual guess for when the server read its clock.
 */
export class ServerClock {
	/** Server clock minus ours; 0 until the first measurement. */
	offset = 0;
	readonly #fetch: typeof fetch;
	readonly #now: () => number;

	constructor(options: { fetch?: typeof fetch; now?: () => number } = {}) {
		this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
		this.#now = options.now ?? Date.now;
	}

	/** The server's clock now. */
	now(): number {
		return this.#now() + this.offset;
	}

	/**
	 * Asks GET /api/time (on every connect). On any failure the last offset stays: a timer a
	 * little off is better than a timer that jumps.
	 */
	async sync(): Promise<void> {
		const sent = this.#now();
		try {
			const response = await this.#fetch('/api/time', { cache: 'no-store' });
			if (!response.ok) return;
			const { now } = (await response.json()) as Partial<ServerTime>;
			const received = this.#now();
			if (typeof now === 'number' && Number.isFinite(now)) {
				this.offset = now + (received - sent) / 2 - received;
			}
		} catch {
			// Offline, or not JSON: keep what we had.
		}
	}
}
