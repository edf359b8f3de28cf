import type { Scheduler } from '../../server/practice/Scheduler.ts';

/**
 * A clock the test moves: `advance(ms)` runs every call that falls due, in time order. Practice
 * rounds are driven with it, so a test waits for signals (what the doc holds), never real time.
 */
export class ManualScheduler implements Scheduler {
	#now = 1_000_000;
	#seq = 0;
	readonly #tasks = new Map<number, { at: number; fn: () => void }>();

	now(): number {
		return this.#now;
	}

	after(ms: number, fn: () => void): () => void {
		const id = this.#seq++;
		this.#tasks.set(id, { at: this.#now + Math.max(0, ms), fn });
		return () => this.#tasks.delete(id);
	}

	/** Calls not run yet. */
	get pending(): number {
		return this.#tasks.size;
	}

	/** Moves the clock on by `ms`, running what falls due (and what those schedule within it). */
	advance(ms: number): void {
		const end = this.#now + ms;
		for (;;) {
			let next: [number, { at: number; fn: () => void }] | null = null;
			for (const entry of this.#tasks) {
				if (entry[1].at <= end && (next === null || entry[1].at < next[1].at)) next = entry;
			}
			if (next === null) break;
			this.#tasks.delete(next[0]);
			this.#now = Math.max(this.#now, next[1].at);
			next[1].fn();
		}
		this.#now = end;
	}
}
