/**
 * A small seeded PRNG (mulberry32) for practice rounds: one seed per round, stored with it, so a
 * round's neighbours, what they say and which situations happen are the same in a test every time.
 * Not for secrets.
 */
export class Random {
	#state: number;

	constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	/** A float in [0, 1). */
	next(): number {
		this.#state = (this.#state + 0x6d2b79f5) >>> 0;
		let t = this.#state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** An integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** A number in [min, max). */
	between(min: number, max: number): number {
		return min + this.next() * (max - min);
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	/** One of the list (undefined for an empty one). */
	pick<T>(list: readonly T[]): T | undefined {
		return list.length === 0 ? undefined : list[Math.floor(this.next() * list.length)];
	}

	/** A shuffled copy. */
	shuffle<T>(list: readonly T[]): T[] {
		const copy = [...list];
		for (let i = copy.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1));
			[copy[i], copy[j]] = [copy[j]!, copy[i]!];
		}
		return copy;
	}

	/** A fresh generator derived from this one's seed and a label (one per neighbour, per vote). */
	fork(label: string | number): Random {
		let h = this.#state ^ 0x9e3779b9;
		for (const ch of String(label)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
		return new Random(h >>> 0);
	}

	/** An id for an item a neighbour creates ([A-Za-z0-9_-]{6,40}, like a browser's). */
	id(prefix: string): string {
		return `${prefix}${Math.floor(this.next() * 2 ** 40).toString(36)}`.padEnd(8, '0');
	}
}

/** A new random seed (practice rounds in production). */
export function randomSeed(): number {
	return Math.floor(Math.random() * 2 ** 32);
}
