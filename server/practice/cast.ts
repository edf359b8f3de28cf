/**
 * Who the simulated neighbours of a practice round are, and what will happen: a pure function of
 * the round's settings, its training content and its seed (the same seed, the same round: a
 * restarted server finds the same cast again, a test the same situations).
 */
import {
	PRACTICE_SITUATIONS,
	type PracticeSituation,
	type TrainingContent
} from '../../src/lib/practice/types.ts';
import type { Presence, Step } from '../../src/lib/protocol.ts';
import {
	HAPPY_ICONS,
	KLEED_ICONS,
	TEXT_MAX,
	type HappyIcon,
	type KleedIcon
} from '../../src/lib/round/doc.ts';
import { Random } from './random.ts';

export interface NeighbourProfile {
	name: string;
	presence: Presence;
	/** What they tell in Verhaalkeuze, or null (not everyone tells one). */
	story: string | null;
	/** What they lay on the kleed in the Opening (repeats welcome). */
	objects: KleedIcon[];
	/** Good news they share in the Opening, or null. */
	happy: { icon: HappyIcon; text: string } | null;
	/** How many times at most they raise a hand in Verdieping and in Verbreding (each). */
	raises: number;
	/** Says "Ik herken dit" in Verbreding. */
	recognizes: boolean;
	takeaway: string;
	kindWord: string | null;
	/** The step in which this neighbour leaves for a while and comes back ('leave'), or null. */
	leavesIn: Step | null;
	/**
	 * Has no phone or tablet: never joins by themselves. The trainee adds them ("Iemand zonder
	 * tablet toevoegen"), writes down what they say, and the shared tablet takes their heart.
	 */
	noDevice: boolean;
}

export interface PracticePlan {
	/** What happens for sure in this round. */
	situations: PracticeSituation[];
	cast: NeighbourProfile[];
}

/** Neighbours who raise a hand at least once in Verdieping and in Verbreding (see planRound). */
export const MIN_RAISERS = 2;

/** Used while a language's training content is still empty (never in a finished release). */
const FALLBACK: TrainingContent = {
	names: ['Anna', 'Bram', 'Cem', 'Dewi', 'Esra', 'Fatima', 'Gerrit', 'Hanna', 'Ilse', 'Jamal'],
	stories: [
		'Mijn buren maken veel lawaai.',
		'Ik voel me vaak alleen.',
		'Mijn fiets is gestolen.',
		'Ik slaap slecht.',
		'Mijn moeder is ziek.'
	],
	happy: [{ icon: 'sun', text: '' }],
	objects: ['bread', 'tea', 'fruit'],
	takeaways: ['Ik ben niet de enige.'],
	kindWords: ['Dank je wel.']
};

const fits = (max: number) => (text: string) => text.trim().length > 0 && text.length <= max;

/** Resolves which situations happen: listed ones for sure; without a list, each at random. */
export function resolveSituations(
	listed: readonly PracticeSituation[] | undefined,
	random: Random
): PracticeSituation[] {
	if (listed) return PRACTICE_SITUATIONS.filter((s) => listed.includes(s));
	return PRACTICE_SITUATIONS.filter(() => random.chance(0.5));
}

export function planRound(
	settings: { neighbours: number; situations: readonly PracticeSituation[] },
	content: TrainingContent,
	seed: number
): PracticePlan {
	const random = new Random(seed).fork('cast');
	const n = settings.neighbours;
	const list = <T>(own: T[], fallback: T[]) => (own.length > 0 ? own : fallback);
	const names = list(content.names.filter(fits(40)), FALLBACK.names);
	const stories = list(content.stories.filter(fits(TEXT_MAX.story)), FALLBACK.stories);
	const happy = list(
		content.happy.filter((h) => HAPPY_ICONS.includes(h.icon) && h.text.length <= TEXT_MAX.happy),
		FALLBACK.happy
	);
	const objects = list(
		content.objects.filter((o) => KLEED_ICONS.includes(o)),
		FALLBACK.objects
	);
	const takeaways = list(content.takeaways.filter(fits(TEXT_MAX.note)), FALLBACK.takeaways);
	const kindWords = list(content.kindWords.filter(fits(TEXT_MAX.note)), FALLBACK.kindWords);

	// Names: one long name always, two the same from 8 neighbours on.
	const distinct = [...new Set(names)];
	const longest = distinct.reduce((a, b) => (b.length > a.length ? b : a));
	const others = random.shuffle(distinct.filter((name) => name !== longest));
	const chosen = [longest, ...others].slice(0, n);
	for (let i = chosen.length; i < n; i++)
		chosen.push(`${others[i % others.length] ?? longest} ${i}`);
	if (n >= 8) chosen[n - 1] = chosen[1]!;
	const order = random.shuffle(chosen.map((_, i) => i));

	// Stories: at least three (a tie and a "no" need choices), never everyone.
	// One more with room for the story of the person without a device (below).
	const tellerCount = Math.min(n - 1, Math.max(4, Math.ceil(n * 0.6)));
	const tellers = new Set(random.shuffle(order).slice(0, tellerCount));
	const storyTexts = random.shuffle(stories);
	const situations = [...settings.situations];
	const nonTellers = order.filter((i) => !tellers.has(i));
	const leaver = situations.includes('leave')
		? (random.pick(nonTellers) ?? random.pick(order) ?? null)
		: null;
	const leaveStep = random.pick<Step>(['opening', 'deepening', 'broadening']) ?? 'deepening';

	let storyIndex = 0;
	const cast = order.map((i, place): NeighbourProfile => {
		const name = chosen[i]!;
		return {
			name,
			// About a third at home.
			presence: place % 3 === 2 ? 'remote' : 'room',
			story: tellers.has(i) ? storyTexts[storyIndex++ % storyTexts.length]! : null,
			objects: Array.from({ length: random.int(1, 2) }, () => random.pick(objects)!),
			happy: random.chance(0.4) ? random.pick(happy)! : null,
			raises: random.int(0, 2),
			recognizes: random.chance(0.6),
			takeaway: random.pick(takeaways)!,
			kindWord: random.chance(0.7) ? random.pick(kindWords)! : null,
			leavesIn: i === leaver ? leaveStep : null,
			noDevice: false
		};
	});
	// One person in the room without a device, who tells a story (the trainee writes it down for
	// them): not the long name or a name twice (screens must show those), not the one who leaves.
	const once = (name: string) => cast.filter((c) => c.name === name).length === 1;
	const withoutDevice = random.pick(
		cast.filter(
			(c) =>
				c.presence === 'room' &&
				c.story !== null &&
				c.name !== longest &&
				once(c.name) &&
				c.leavesIn === null
		)
	);
	if (withoutDevice) withoutDevice.noDevice = true;
	// Hands for the trainee to give the word to, in Verdieping and Verbreding, for sure: at least
	// MIN_RAISERS neighbours with a device who stay raise one (the one whose story is chosen does
	// not in Verdieping, so one is not enough). At random, a round had none a time in a hundred.
	const stay = cast.filter((c) => !c.noDevice && c.leavesIn === null);
	const missing = MIN_RAISERS - stay.filter((c) => c.raises > 0).length;
	if (missing > 0) {
		for (const c of random.shuffle(stay.filter((c) => c.raises === 0)).slice(0, missing)) {
			c.raises = 1;
		}
	}
	return { situations, cast };
}
