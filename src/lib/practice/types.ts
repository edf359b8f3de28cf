/** The shape of practice rounds' training content (#16); the content itself is in content/. */
import type { HappyIcon, KleedIcon } from '../round/doc';

export const PRACTICE_LANGUAGES = ['nl', 'en', 'tr', 'ar'] as const;
export type PracticeLanguage = (typeof PRACTICE_LANGUAGES)[number];

/** How fast the simulated neighbours act: calm is slow, fast runs a whole round in minutes. */
export const PRACTICE_SPEEDS = ['calm', 'normal', 'fast'] as const;
export type PracticeSpeed = (typeof PRACTICE_SPEEDS)[number];

/**
 * What a trainer can choose to practise: a tie in the vote, a chosen person who says "no", a
 * neighbour who leaves and comes back. Listed: happens for sure; not listed: does not happen.
 * No list at all: each happens at random.
 */
export const PRACTICE_SITUATIONS = ['tie', 'no', 'leave'] as const;
export type PracticeSituation = (typeof PRACTICE_SITUATIONS)[number];

/** How many simulated neighbours a practice round may have. */
export const PRACTICE_NEIGHBOURS = { min: 4, max: 12 } as const;

/** What every screen knows of a practice round (`meta.practice`; null in a real round). */
export interface PracticeMeta {
	language: PracticeLanguage;
	speed: PracticeSpeed;
	neighbours: number;
}

export interface TrainingContent {
	/**
	 * First names of neighbours, enough for twelve and more: everyday names of the people who
	 * live in the neighbourhood, at least one long name and two the same (the app tells them
	 * apart), in the script people write them in.
	 */
	names: string[];
	/** "A pebble in the shoe": everyday worries, each at most TEXT_MAX.story characters. */
	stories: string[];
	/** Good news for the Opening: a pictogram and a few words (at most TEXT_MAX.happy). */
	happy: { icon: HappyIcon; text: string }[];
	/** What neighbours lay on the kleed. Repeats are welcome: people bring bread twice. */
	objects: KleedIcon[];
	/** What someone takes home from the round (Afsluiting), at most TEXT_MAX.note. */
	takeaways: string[];
	/** Kind words for the chosen person or the group (Afsluiting), at most TEXT_MAX.note. */
	kindWords: string[];
}
