import { describe, expect, it } from 'vitest';
import {
	chipLayout,
	distanceFromCentre,
	groupObjects,
	kleedLayout,
	overlap,
	seatLayout,
	seatOrder,
	seatTextEm,
	type Box
} from './kleedLayout';

const inside = (b: Box) =>
	b.left >= -1e-9 && b.top >= -1e-9 && b.left + b.width <= 1 + 1e-9 && b.top + b.height <= 1 + 1e-9;

function pairsOverlapping(boxes: Box[]): [number, number][] {
	const found: [number, number][] = [];
	for (let i = 0; i < boxes.length; i++)
		for (let j = i + 1; j < boxes.length; j++)
			if (overlap(boxes[i]!, boxes[j]!)) found.push([i, j]);
	return found;
}

/** The farthest corner of a box from the centre. */
const reach = (b: Box) =>
	Math.hypot(
		Math.max(Math.abs(b.left - 0.5), Math.abs(b.left + b.width - 0.5)),
		Math.max(Math.abs(b.top - 0.5), Math.abs(b.top + b.height - 0.5))
	);

describe('groupObjects', () => {
	it('puts objects of one kind together, in the order each kind was first laid', () => {
		const objects = ['candle', 'tea', 'candle', 'stone', 'tea', 'candle'].map((icon, i) => ({
			id: String(i),
			icon
		}));
		const groups = groupObjects(objects);
		expect(groups.map((g) => [g.icon, g.items.length])).toEqual([
			['candle', 3],
			['tea', 2],
			['stone', 1]
		]);
		expect(groups[0]!.items.map((o) => o.id)).toEqual(['0', '2', '5']);
	});
});

describe('chipLayout', () => {
	for (let n = 1; n <= 24; n++) {
		it(`packs ${n} chips in the circle without any covering another`, () => {
			const { chips, size } = chipLayout(n, { radius: 0.29 });
			expect(chips).toHaveLength(n);
			expect(size).toBeGreaterThan(0.04);
			expect(pairsOverlapping(chips)).toEqual([]);
			for (const chip of chips) expect(reach(chip)).toBeLessThanOrEqual(0.29 + 1e-9);
		});
	}

	it('makes chips larger when there are fewer kinds', () => {
		expect(chipLayout(3).size).toBeGreaterThan(chipLayout(12).size);
	});
});

describe('seatLayout', () => {
	for (let n = 1; n <= 32; n++) {
		it(`gives ${n} names (a circle has 8-15) a box each: none covers another, the chips or the edge`, () => {
			const { seats, chips } = kleedLayout(12, n);
			expect(seats).toHaveLength(n);
			expect(pairsOverlapping(seats)).toEqual([]);
			for (const seat of seats) {
				expect(inside(seat)).toBe(true);
				expect(seat.width).toBeGreaterThanOrEqual(0.06);
				for (const chip of chips.chips) expect(overlap(seat, chip)).toBe(false);
			}
		});
	}

	it('keeps names out of the middle, where the objects lie', () => {
		for (const seat of seatLayout(15, { keepOut: 0.29 }))
			expect(distanceFromCentre(seat)).toBeGreaterThanOrEqual(0.29 - 1e-9);
	});

	it('gives names more room when fewer people sit around the kleed', () => {
		const width = (n: number) => Math.min(...seatLayout(n).map((s) => s.width));
		expect(width(4)).toBeGreaterThan(width(15));
	});
});

describe('seatTextEm', () => {
	const letters = (n: number) => n * 0.85;

	it('a one-word name: its letters, and the house before it for someone at home', () => {
		expect(seatTextEm('Bram', false)).toBeCloseTo(letters(4));
		expect(seatTextEm('Bram', true)).toBeCloseTo(letters(4) + 1.2);
		expect(seatTextEm('محمد', true)).toBeCloseTo(letters(4) + 1.2);
	});

	it('the house stays with the first word: "🏠 Kees" / "de Vries", the whole name on two lines', () => {
		// Two lines: the first with the house and "Kees", the second "de Vries" (the wider one).
		expect(seatTextEm('Kees de Vries', true)).toBeCloseTo(letters(2) + 0.3 + letters(5));
		// Where the first word with its house is the widest line, it sets the size: the house
		// never sits alone on a line ("🏠" / "Mohammed…").
		expect(seatTextEm('Mohammed Ali', true)).toBeCloseTo(letters(8) + 1.2);
		expect(seatTextEm('Mohammed Ali', false)).toBeCloseTo(letters(8));
	});

	it('a line may end after a hyphen, never inside a word', () => {
		expect(seatTextEm('Jan-Willem', false)).toBeCloseTo(letters(6)); // "Jan-" / "Willem"
		expect(seatTextEm('Anna (2)', false)).toBeCloseTo(letters(4)); // "Anna" / "(2)"
	});

	it('a long name that two lines would shrink below 0.6 of its longest word is cut, not shrunk', () => {
		// "Oosterhout-" is the longest piece; the whole name on two lines needs "Oosterhout-Brinkman".
		expect(seatTextEm('Wilhelmina van Oosterhout-Brinkman', false)).toBeCloseTo(letters(11));
		expect(seatTextEm('Maria Fernanda dos Santos', true)).toBeCloseTo(letters(8));
	});
});

describe('seatOrder', () => {
	const names = [
		['Anna', false],
		['Kees de Vries', true],
		['Bo', false],
		['Maria Fernanda dos Santos', true],
		['Ria', false],
		['Wilhelmina van Oosterhout-Brinkman', false],
		['Jan', false],
		['Ed', false],
		['محمد', true],
		['Tom', false],
		['Els', false],
		['Gülşen', false],
		['Henk', false],
		['Samira', false],
		['Jan-Willem', false]
	] as const;
	const ems = names.map(([name, home]) => seatTextEm(name, home));
	const seats = kleedLayout(10, names.length).seats;
	const smallest = (order: number[]) =>
		Math.min(...order.map((seat, i) => seats[seat]!.width / ems[i]!));

	it('keeps the circle: everyone keeps their neighbours, each seat taken once', () => {
		const order = seatOrder(seats, ems);
		expect(new Set(order).size).toBe(names.length);
		for (let i = 0; i < names.length; i++) {
			expect(order[(i + 1) % names.length]).toBe((order[i]! + 1) % names.length);
		}
	});

	it('turns the circle so the smallest name is larger than without turning', () => {
		const identity = names.map((_, i) => i);
		const order = seatOrder(seats, ems);
		expect(smallest(order)).toBeGreaterThanOrEqual(smallest(identity) * 1.1);
		// No other turn does better.
		for (let turn = 0; turn < names.length; turn++) {
			const turned = identity.map((i) => (i + turn) % names.length);
			expect(smallest(turned)).toBeLessThanOrEqual(smallest(order) + 1e-12);
		}
	});

	it('does not turn for names of one size', () => {
		const same = names.map(() => seatTextEm('Anna', false));
		expect(seatOrder(seats, same)).toEqual(names.map((_, i) => i));
	});
});
