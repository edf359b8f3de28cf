/**
 * How long simulated neighbours take, like people do: each delay is drawn between a minimum and a
 * maximum (at 'normal' speed), then multiplied by the round's speed factor. At 'fast' a trainee
 * (or an automated browser test) runs a whole round with 5–6 neighbours in about two minutes.
 */
import type { PracticeSpeed } from '../../src/lib/practice/types.ts';
import type { Random } from './random.ts';

export const SPEED_FACTOR: Record<PracticeSpeed, number> = { calm: 1.8, normal: 1, fast: 0.2 };

/** [min, max] in ms at 'normal' speed. */
export const PACE = {
	/** Walking in: joining the round after it was created. */
	join: [1_000, 12_000],
	/** Noticing something and acting on it (taking a place on the kleed, coming back online). */
	react: [1_000, 4_000],
	/** Laying an object on the kleed, sharing good news. */
	opening: [3_000, 20_000],
	/** Telling a story in Verhaalkeuze. */
	story: [4_000, 25_000],
	/** Giving a heart once the vote is open. */
	vote: [4_000, 15_000],
	/** The chosen person answers whether they want to go on. */
	consent: [3_000, 8_000],
	/** Raising a hand in Verdieping or Verbreding, now and then. */
	hand: [10_000, 45_000],
	/** A raised hand nobody gave the word is lowered after this long. */
	handPatience: [40_000, 90_000],
	/** After "Alle handen omlaag" nobody raises a hand for this long. */
	quiet: [30_000, 40_000],
	/** "Ik herken dit", a takeaway, a kind word. */
	note: [5_000, 25_000],
	/** Someone who leaves is away this long. */
	away: [20_000, 45_000]
} as const satisfies Record<string, readonly [number, number]>;
export type PaceKind = keyof typeof PACE;

export function delay(kind: PaceKind, speed: PracticeSpeed, random: Random): number {
	const [min, max] = PACE[kind];
	return Math.round(random.between(min, max) * SPEED_FACTOR[speed]);
}
