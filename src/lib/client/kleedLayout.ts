/**
 * Where things go on the kleed, as pure geometry (fractions of a square figure, 0..1), so any
 * size draws the same picture: objects of one kind grouped into one chip with a count, the
 * chips packed in rows inside the cloth, and everyone's name in a box on a ring around it.
 * Nothing covers anything else, nothing leaves the square: kleedLayout.test.ts checks it for
 * every count a round can have. KleedCircle.svelte draws it (the projector's stage too).
 */

/** Objects of the same kind, in the order the first of each kind was laid. */
export interface ObjectGroup<T> {
	icon: T extends { icon: infer I } ? I : never;
	items: T[];
}

export function groupObjects<T extends { icon: string }>(objects: readonly T[]): ObjectGroup<T>[] {
	const groups = new Map<string, ObjectGroup<T>>();
	for (const object of objects) {
		const group = groups.get(object.icon);
		if (group) group.items.push(object);
		else groups.set(object.icon, { icon: object.icon as ObjectGroup<T>['icon'], items: [object] });
	}
	return [...groups.values()];
}

/** An axis-aligned box, in fractions of the figure. */
export interface Box {
	left: number;
	top: number;
	width: number;
	height: number;
}

/** The cloth's centre. */
const C = 0.5;

/** Chips (one per group) in rows inside a circle of `radius` around the centre. */
export interface ChipLayout {
	/** One box per chip, in the order given. */
	chips: Box[];
	/** The chips' height (all chips are the same size). */
	size: number;
}

/** Free room between two boxes, so their borders and shadows do not touch. */
const GAP = 0.008;

function rowsFor(n: number, h: number, w: number, radius: number): number[] | null {
	const rows = Math.floor((2 * radius) / h);
	if (rows < 1) return null;
	const capacity: number[] = [];
	for (let k = 0; k < rows; k++) {
		const top = C - (rows * h) / 2 + k * h;
		const far = Math.max(Math.abs(top - C), Math.abs(top + h - C));
		const half = far >= radius ? 0 : Math.sqrt(radius * radius - far * far);
		capacity.push(Math.floor((2 * half) / w));
	}
	const total = capacity.reduce((a, b) => a + b, 0);
	return total >= n ? capacity : null;
}

/**
 * Packs `n` chips of width `aspect` × height in rows inside the circle, as large as fits (at
 * most `maxSize`). The middle rows fill first, so a few chips sit in the centre of the cloth.
 */
export function chipLayout(
	n: number,
	{
		radius = 0.3,
		aspect = 1.5,
		maxSize = 0.2
	}: { radius?: number; aspect?: number; maxSize?: number } = {}
): ChipLayout {
	if (n <= 0) return { chips: [], size: 0 };
	let low = 0.005;
	let high = maxSize;
	if (rowsFor(n, high, high * aspect, radius)) low = high;
	else {
		for (let i = 0; i < 30; i++) {
			const mid = (low + high) / 2;
			if (rowsFor(n, mid, mid * aspect, radius)) low = mid;
			else high = mid;
		}
	}
	const h = low;
	const w = h * aspect;
	const capacity = rowsFor(n, h, w, radius) ?? [n];
	const rows = capacity.length;
	// Fill from the middle row outwards.
	const order = capacity
		.map((_, k) => k)
		.sort((a, b) => Math.abs(a - (rows - 1) / 2) - Math.abs(b - (rows - 1) / 2) || a - b);
	const counts = capacity.map(() => 0);
	let left = n;
	for (const k of order) {
		const take = Math.min(left, capacity[k]!);
		counts[k] = take;
		left -= take;
	}
	const used = counts.map((c, k) => [c, k] as const).filter(([c]) => c > 0);
	const chips: Box[] = [];
	for (const [count, k] of used) {
		const top = C - (rows * h) / 2 + k * h;
		for (let j = 0; j < count; j++) {
			const x = C + (j - (count - 1) / 2) * w;
			chips.push({
				left: x - w / 2 + GAP / 2,
				top: top + GAP / 2,
				width: w - GAP,
				height: h - GAP
			});
		}
	}
	return { chips, size: h - GAP };
}

/** Whether two boxes cover each other (touching is fine). */
export function overlap(a: Box, b: Box): boolean {
	return (
		a.left < b.left + b.width &&
		b.left < a.left + a.width &&
		a.top < b.top + b.height &&
		b.top < a.top + a.height
	);
}

/** How far a box is from the centre (0 when it covers it). */
export function distanceFromCentre(box: Box): number {
	const dx = Math.max(box.left - C, 0, C - (box.left + box.width));
	const dy = Math.max(box.top - C, 0, C - (box.top + box.height));
	return Math.hypot(dx, dy);
}

/**
 * A box for each of `n` names on a ring around the cloth: as wide as the neighbours and the
 * chips inside (`keepOut`: the radius they use) allow, between `minWidth` and `maxWidth`.
 */
export function seatLayout(
	n: number,
	{
		ring = 0.41,
		height = 0.1,
		maxWidth = 0.3,
		minWidth = 0.06,
		keepOut = 0.3
	}: { ring?: number; height?: number; maxWidth?: number; minWidth?: number; keepOut?: number } = {}
): Box[] {
	if (n <= 0) return [];
	const points = Array.from({ length: n }, (_, i) => {
		const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
		return { x: C + ring * Math.cos(a), y: C + ring * Math.sin(a) };
	});
	const widths = points.map(() => maxWidth);
	const box = (i: number): Box => {
		const w = widths[i]!;
		const p = points[i]!;
		return {
			left: Math.min(Math.max(p.x - w / 2, 0), 1 - w),
			top: Math.min(Math.max(p.y - height / 2, 0), 1 - height),
			width: w,
			height
		};
	};
	const padded = (b: Box): Box => ({
		left: b.left - GAP / 2,
		top: b.top - GAP / 2,
		width: b.width + GAP,
		height: b.height + GAP
	});
	const STEP = 0.005;
	for (let round = 0; round < 200; round++) {
		let changed = false;
		for (let i = 0; i < n; i++) {
			if (widths[i]! > minWidth && distanceFromCentre(box(i)) < keepOut) {
				widths[i] = Math.max(minWidth, widths[i]! - STEP);
				changed = true;
			}
		}
		for (let i = 0; i < n; i++) {
			for (let j = i + 1; j < n; j++) {
				if (!overlap(padded(box(i)), box(j))) continue;
				for (const k of [i, j]) {
					if (widths[k]! > minWidth) {
						widths[k] = Math.max(minWidth, widths[k]! - STEP);
						changed = true;
					}
				}
			}
		}
		if (!changed) break;
	}
	return points.map((_, i) => box(i));
}

/** The layout of one kleed: chips for the groups and boxes for the names. */
export interface KleedLayout {
	chips: ChipLayout;
	seats: Box[];
	/** The cloth's inset from the figure's edge (a fraction). */
	inset: number;
}

/**
 * The whole kleed for `groups` kinds of objects and `people` names around it (0: no names,
 * then the cloth and its chips use the whole figure).
 */
export function kleedLayout(groups: number, people: number): KleedLayout {
	if (people === 0) {
		return { chips: chipLayout(groups, { radius: 0.38, maxSize: 0.22 }), seats: [], inset: 0.04 };
	}
	// More people: a thinner ring of names, so each still gets room.
	const height = people > 24 ? 0.06 : people > 20 ? 0.075 : 0.1;
	const ring = 0.5 - height / 2 - 0.04;
	const keepOut = 0.29;
	return {
		chips: chipLayout(groups, { radius: keepOut, maxSize: 0.18 }),
		seats: seatLayout(people, { ring, height, keepOut }),
		inset: 0.12
	};
}

/** Estimates for a seat's bold name, in em: a letter at most, a space, the house of someone at home. */
const LETTER_EM = 0.85;
const SPACE_EM = 0.3;
const HOUSE_EM = 1.2;
/** A whole name may make a seat's text this much smaller than its longest word would, no more. */
const WHOLE_NAME_MIN_SCALE = 0.6;

/**
 * How wide, in em, a seat's name must be able to get: the text's size is the seat's width divided
 * by this. A line may break at a space or after a hyphen, never inside a word ("Mohamme / d"),
 * and the house of someone at home stays on the line of the first word. The whole name on two
 * lines when that keeps the text at least 0.6 of the size its longest word allows ("🏠 Kees" /
 * "de Vries"); otherwise the longest word sets it and the rest of the name is cut (its title
 * has it whole): "Wilhelmina van" / "Oosterhout-…".
 */
export function seatTextEm(name: string, atHome: boolean): number {
	// Pieces a line may end after, each with the gap before it when it shares a line.
	const pieces: { em: number; gap: number }[] = [];
	for (const [i, spaced] of name.trim().split(/\s+/).entries()) {
		for (const [j, part] of spaced.split(/(?<=-)/).entries()) {
			pieces.push({ em: part.length * LETTER_EM, gap: i > 0 && j === 0 ? SPACE_EM : 0 });
		}
	}
	if (atHome) pieces[0]!.em += HOUSE_EM;
	const word = Math.max(...pieces.map((p) => p.em));
	const line = (from: number, to: number) =>
		pieces.slice(from, to).reduce((sum, p, k) => sum + p.em + (k > 0 ? p.gap : 0), 0);
	let twoLines = line(0, pieces.length);
	for (let k = 1; k < pieces.length; k++) {
		twoLines = Math.min(twoLines, Math.max(line(0, k), line(k, pieces.length)));
	}
	return twoLines * WHOLE_NAME_MIN_SCALE <= word ? twoLines : word;
}

/**
 * Which seat each person gets: the circle's order kept (everyone keeps their neighbours), turned
 * so that the smallest name around the kleed is as large as it can be — long names land on the
 * wide seats at the sides, not on the narrow ones at the top and bottom. `ems[i]` is person i's
 * seatTextEm. Returns the seat of each person. A turn is taken only when it makes the smallest
 * name a tenth larger or more, so the circle does not spin for nothing.
 */
export function seatOrder(seats: Box[], ems: number[]): number[] {
	const n = Math.min(seats.length, ems.length);
	const smallest = (turn: number) => {
		let min = Infinity;
		for (let i = 0; i < n; i++) min = Math.min(min, seats[(i + turn) % n]!.width / ems[i]!);
		return min;
	};
	let best = 0;
	let bestSize = smallest(0);
	for (let turn = 1; turn < n; turn++) {
		const size = smallest(turn);
		if (size > bestSize) {
			best = turn;
			bestSize = size;
		}
	}
	const turn = bestSize >= smallest(0) * 1.1 ? best : 0;
	return Array.from({ length: n }, (_, i) => (i + turn) % n);
}
