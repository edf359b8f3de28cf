import { describe, expect, it } from 'vitest';
import {
	MY_ROUNDS_KEY,
	MY_ROUNDS_MAX,
	forgetMyRound,
	myRounds,
	rememberRound,
	rememberedKey,
	type KeyValueStore
} from './myRounds';

/** localStorage's contract (strings in, strings out), in memory: vitest runs in Node. */
class MemoryStore implements KeyValueStore {
	readonly items = new Map<string, string>();
	getItem(key: string) {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string) {
		this.items.set(key, String(value));
	}
	removeItem(key: string) {
		this.items.delete(key);
	}
}

/** A storage that throws on every access, as Safari's private mode did. */
const forbidden: KeyValueStore = {
	getItem: () => {
		throw new Error('SecurityError');
	},
	setItem: () => {
		throw new Error('QuotaExceededError');
	},
	removeItem: () => {
		throw new Error('SecurityError');
	}
};

describe('myRounds', () => {
	it('remembers a round with its key, and finds the key by code', () => {
		const store = new MemoryStore();
		rememberRound({ code: 'ABC234', key: 'k-1', title: 'Donderdag' }, store, 1);
		expect(rememberedKey('ABC234', store)).toBe('k-1');
		expect(rememberedKey('XYZ789', store)).toBeNull();
		expect(myRounds(store)).toEqual([{ code: 'ABC234', key: 'k-1', title: 'Donderdag', at: 1 }]);
	});

	it('lists the round opened last first, and keeps one entry per round', () => {
		const store = new MemoryStore();
		rememberRound({ code: 'AAAAAA', key: 'a' }, store, 1);
		rememberRound({ code: 'BBBBBB', key: 'b' }, store, 2);
		rememberRound({ code: 'AAAAAA', key: 'a2', title: 'Nieuw' }, store, 3);
		expect(myRounds(store).map((r) => [r.code, r.key, r.title])).toEqual([
			['AAAAAA', 'a2', 'Nieuw'],
			['BBBBBB', 'b', '']
		]);
	});

	it('keeps at most MY_ROUNDS_MAX rounds, forgetting the oldest', () => {
		const store = new MemoryStore();
		for (let i = 0; i <= MY_ROUNDS_MAX; i++) {
			rememberRound({ code: `R${String(i).padStart(5, '0')}`, key: `k${i}` }, store, i);
		}
		const codes = myRounds(store).map((r) => r.code);
		expect(codes).toHaveLength(MY_ROUNDS_MAX);
		expect(codes).not.toContain('R00000');
		expect(codes[0]).toBe(`R${String(MY_ROUNDS_MAX).padStart(5, '0')}`);
	});

	it('forgets a round (erased or gone), and leaves no key behind when none is left', () => {
		const store = new MemoryStore();
		rememberRound({ code: 'AAAAAA', key: 'a' }, store, 1);
		rememberRound({ code: 'BBBBBB', key: 'b' }, store, 2);
		forgetMyRound('AAAAAA', store);
		expect(rememberedKey('AAAAAA', store)).toBeNull();
		expect(rememberedKey('BBBBBB', store)).toBe('b');
		forgetMyRound('BBBBBB', store);
		expect(store.items.has(MY_ROUNDS_KEY)).toBe(false);
	});

	it('skips what it cannot read instead of failing', () => {
		const store = new MemoryStore();
		store.setItem(MY_ROUNDS_KEY, '{not json');
		expect(myRounds(store)).toEqual([]);
		store.setItem(MY_ROUNDS_KEY, JSON.stringify({ code: 'AAAAAA' }));
		expect(myRounds(store)).toEqual([]);
		store.setItem(
			MY_ROUNDS_KEY,
			JSON.stringify([{ code: 'AAAAAA' }, null, { code: 'BBBBBB', key: 'b', title: '', at: 5 }])
		);
		expect(myRounds(store).map((r) => r.code)).toEqual(['BBBBBB']);
		// Remembering over a broken list mends it.
		rememberRound({ code: 'CCCCCC', key: 'c' }, store, 6);
		expect(myRounds(store).map((r) => r.code)).toEqual(['CCCCCC', 'BBBBBB']);
	});

	it('does not remember a round without a code or key', () => {
		const store = new MemoryStore();
		rememberRound({ code: '', key: 'k' }, store);
		rememberRound({ code: 'AAAAAA', key: '' }, store);
		expect(myRounds(store)).toEqual([]);
	});

	it('keeps working where storage is forbidden or missing (it only forgets)', () => {
		expect(() => rememberRound({ code: 'AAAAAA', key: 'a' }, forbidden)).not.toThrow();
		expect(myRounds(forbidden)).toEqual([]);
		expect(() => forgetMyRound('AAAAAA', forbidden)).not.toThrow();
		expect(rememberedKey('AAAAAA', null)).toBeNull();
		// No window at all (Node): the default store is none.
		expect(myRounds()).toEqual([]);
	});
});
