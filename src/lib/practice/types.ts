/** The shape of practice rounds' training content (#16); the content itself is in content/. */
import type { HappyIcon, KleedIcon } from '../round/doc.ts';

export {
	PRACTICE_LANGUAGES,
	PRACTICE_NEIGHBOURS,
	PRACTICE_SITUATIONS,
	PRACTICE_SPEEDS,
	type PracticeLanguage,
	type PracticeMeta,
	type PracticeRequest,
	type PracticeSituation,
	type PracticeSpeed
} from '../protocol.ts';

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
