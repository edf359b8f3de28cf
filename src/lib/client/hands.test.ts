import { describe, expect, it } from 'vitest';
import { handQueue, placeIn } from './hands';

describe('handQueue', () => {
	it('puts hands in the order the server handed out, not by time or by id', () => {
		const queue = handQueue([
			['zoe', { order: 3, raisedAt: 100 }],
			['anna', { order: 7, raisedAt: 50 }],
			['bram', { order: 1, raisedAt: 900 }]
		]);
		expect(queue.map((h) => h.id)).toEqual(['bram', 'zoe', 'anna']);
	});

	it('skips what it does not understand, so a newer server cannot break the page', () => {
		const queue = handQueue([
			['a', null],
			['b', { raisedAt: 1 }],
			['c', { order: 'first' }],
			['d', { order: 2 }],
			['e', 'up']
		]);
		expect(queue).toEqual([{ id: 'd', order: 2, raisedAt: 0 }]);
	});

	it('shows the same queue on every device even for equal orders', () => {
		const a = handQueue([
			['y', { order: 1, raisedAt: 1 }],
			['x', { order: 1, raisedAt: 2 }]
		]);
		const b = handQueue([
			['x', { order: 1, raisedAt: 2 }],
			['y', { order: 1, raisedAt: 1 }]
		]);
		expect(a.map((h) => h.id)).toEqual(['x', 'y']);
		expect(b).toEqual(a);
	});
});

describe('placeIn', () => {
	const queue = handQueue([
		['anna', { order: 4, raisedAt: 0 }],
		['bram', { order: 2, raisedAt: 0 }]
	]);

	it('counts from 1', () => {
		expect(placeIn(queue, 'bram')).toBe(1);
		expect(placeIn(queue, 'anna')).toBe(2);
	});

	it('is null without a raised hand, or without knowing who we are', () => {
		expect(placeIn(queue, 'cem')).toBeNull();
		expect(placeIn(queue, undefined)).toBeNull();
		expect(placeIn([], 'anna')).toBeNull();
	});
});
