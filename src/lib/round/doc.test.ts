import { describe, expect, it } from 'vitest';
import { placeIn, readHands, readVote, voteResult } from './doc.ts';

describe('readHands', () => {
	it('puts hands in the order the server handed out, not by time or by id', () => {
		const queue = readHands(
			new Map<string, unknown>([
				['zoe', { order: 3, raisedAt: 100 }],
				['anna', { order: 7, raisedAt: 50 }],
				['bram', { order: 1, raisedAt: 900 }]
			])
		);
		expect(queue.map((h) => h.id)).toEqual(['bram', 'zoe', 'anna']);
	});

	it('skips what it does not understand, so a newer server cannot break the page', () => {
		const queue = readHands(
			new Map<string, unknown>([
				['a', null],
				['b', { raisedAt: 1 }],
				['c', { order: 'first' }],
				['d', { order: 2 }],
				['e', 'up']
			])
		);
		expect(queue).toEqual([{ id: 'd', order: 2, raisedAt: 0 }]);
	});

	it('shows the same queue on every device even for equal orders', () => {
		const a = readHands(
			new Map<string, unknown>([
				['y', { order: 1, raisedAt: 1 }],
				['x', { order: 1, raisedAt: 2 }]
			])
		);
		const b = readHands(
			new Map<string, unknown>([
				['x', { order: 1, raisedAt: 2 }],
				['y', { order: 1, raisedAt: 1 }]
			])
		);
		expect(a.map((h) => h.id)).toEqual(['x', 'y']);
		expect(b).toEqual(a);
	});
});

describe('placeIn', () => {
	const queue = readHands(
		new Map<string, unknown>([
			['anna', { order: 4, raisedAt: 0 }],
			['bram', { order: 2, raisedAt: 0 }]
		])
	);

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

describe('voteResult', () => {
	const vote = (totals: Record<string, number>) =>
		readVote(
			new Map<string, unknown>([
				['status', 'revealed'],
				['round', 1],
				['candidates', ['a', 'b', 'c']],
				['voted', 5],
				['totals', totals]
			])
		);

	it('names the one leader', () => {
		expect(voteResult(vote({ a: 1, b: 3, c: 1 }))).toMatchObject({
			top: 3,
			leaders: ['b'],
			tie: false
		});
	});

	it('calls equal leaders a tie', () => {
		expect(voteResult(vote({ a: 2, b: 2, c: 1 }))).toMatchObject({
			leaders: ['a', 'b'],
			tie: true
		});
	});

	it('has no leader when nobody voted, and no result before the reveal', () => {
		expect(voteResult(vote({}))).toMatchObject({ top: 0, leaders: [], tie: false });
		expect(voteResult(readVote(new Map([['status', 'open']])))).toBeNull();
	});
});
