/**
 * Time for the simulated neighbours: a clock and delayed calls, injectable (tests drive a manual
 * one, tests/helpers/manualScheduler.ts), and `Timers`, the owner of every delayed call of one
 * practice round: stopping the round clears them all, so no timer outlives it.
 */
export interface Scheduler {
	now(): number;
	/** Calls `fn` after `ms`; returns a function that cancels it. */
	after(ms: number, fn: () => void): () => void;
}

/** Real time. Timers are unref'd: neighbours never keep a server process alive. */
export const realScheduler: Scheduler = {
	now: () => Date.now(),
	after(ms, fn) {
		const timer = setTimeout(fn, ms);
		timer.unref?.();
		return () => clearTimeout(timer);
	}
};

/** Owns delayed calls: each is forgotten when it runs, and `clear()` cancels those still pending. */
export class Timers {
	readonly #scheduler: Scheduler;
	readonly #pending = new Set<() => void>();
	#cleared = false;

	constructor(scheduler: Scheduler) {
		this.#scheduler = scheduler;
	}

	now(): number {
		return this.#scheduler.now();
	}

	/** Calls `fn` after `ms` unless cleared first; returns a function that cancels it. */
	after(ms: number, fn: () => void): () => void {
		if (this.#cleared) return () => {};
		const cancelTimer = this.#scheduler.after(Math.max(0, ms), () => {
			this.#pending.delete(cancel);
			fn();
		});
		const cancel = () => {
			if (this.#pending.delete(cancel)) cancelTimer();
		};
		this.#pending.add(cancel);
		return cancel;
	}

	/** How many calls are still pending. */
	get pending(): number {
		return this.#pending.size;
	}

	/** Cancels every pending call; later `after` calls do nothing. */
	clear(): void {
		this.#cleared = true;
		for (const cancel of [...this.#pending]) cancel();
	}
}
