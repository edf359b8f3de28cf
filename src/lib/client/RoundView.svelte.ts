import type { PracticeMeta } from '$lib/practice/types';
import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';
import type { Step } from '$lib/protocol';
import { distinguishNames } from '$lib/names';
import {
	DOC_MAP,
	placeIn,
	readChoice,
	readFloor,
	readHands,
	readHappy,
	readKleed,
	readMeta,
	readPracticeRecap,
	type PracticeRecap,
	readNotes,
	readParticipants,
	readRecognizers,
	readStories,
	readTimer,
	readVote,
	readWaiting,
	voteResult,
	type DocMapName,
	type MapLike,
	type ParticipantEntry,
	type Story,
	type WithId
} from '$lib/round/doc';

/** One person on the kleed, as the pages show them: with whether they are connected right now. */
export type RoundParticipant = WithId<ParticipantEntry> & { online: boolean };

type DocMaps = Record<DocMapName, Y.Map<unknown>>;

/**
 * A Y.Map whose reads go through `createSubscriber`: the map is observed only while something
 * reactive (a template, a `$derived`) reads it, and a change re-runs exactly those readers.
 */
function reactive(map: Y.Map<unknown>): MapLike {
	const subscribe = createSubscriber((update) => {
		map.observe(update);
		return () => map.unobserve(update);
	});
	return {
		get(key) {
			subscribe();
			return map.get(key);
		},
		entries() {
			subscribe();
			return map.entries();
		}
	};
}

/**
 * The round as the doc has it, for the pages: every value read through the shared readers of
 * `$lib/round/doc` (the server's handlers use the same ones), computed once per change. Nothing
 * is copied into `$state`. Only the server writes the doc; this only reads it.
 *
 * Event handlers read `maps` directly: a `$derived` read outside any effect may be stale.
 */
export class RoundView {
	readonly participantId: string | undefined;
	protected readonly maps: DocMaps;
	readonly #read: Record<DocMapName, MapLike>;

	readonly #meta = $derived.by(() => readMeta(this.#read.meta));
	// Two people called Anna: the second is "Anna (2)" on every page (names.ts).
	readonly #people = $derived.by(() => distinguishNames(readParticipants(this.#read.participants)));
	readonly #participants = $derived.by(() => {
		const online = this.online();
		return this.#people
			.map((p) => ({ ...p, online: online.includes(p.id) }))
			.sort(
				(a, b) =>
					a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
					a.joinedAt - b.joinedAt ||
					a.id.localeCompare(b.id)
			);
	});
	readonly #waiting = $derived.by(() => readWaiting(this.#read.waiting));
	readonly #happy = $derived.by(() => readHappy(this.#read.happy));
	readonly #recap = $derived.by(() => readPracticeRecap(this.#read.practice));
	readonly #kleed = $derived.by(() => readKleed(this.#read.kleed));
	readonly #stories = $derived.by(() => readStories(this.#read.stories));
	readonly #vote = $derived.by(() => readVote(this.#read.vote));
	readonly #result = $derived(voteResult(this.#vote));
	readonly #choice = $derived.by(() => readChoice(this.#read.choice));
	readonly #recognizers = $derived.by(() => readRecognizers(this.#read.recognize));
	readonly #takeaways = $derived.by(() => readNotes(this.#read.takeaways));
	readonly #kindWords = $derived.by(() => readNotes(this.#read.kindWords));
	readonly #hands = $derived.by(() => readHands(this.#read.hands));
	readonly #floor = $derived.by(() => readFloor(this.#read.floor));

	constructor(doc: Y.Doc, participantId?: string) {
		this.participantId = participantId;
		const names = Object.keys(DOC_MAP) as DocMapName[];
		this.maps = Object.fromEntries(names.map((n) => [n, doc.getMap(DOC_MAP[n])])) as DocMaps;
		this.#read = Object.fromEntries(names.map((n) => [n, reactive(this.maps[n])])) as Record<
			DocMapName,
			MapLike
		>;
	}

	/** Participant ids connected right now; a live connection fills it from awareness. */
	protected online(): string[] {
		return [];
	}

	/* --- meta ----------------------------------------------------------------------------- */

	/** The round's current step, or null until the first sync brought the doc in. */
	get step(): Step | null {
		return this.#meta.step;
	}

	get title(): string {
		return this.#meta.title;
	}

	/** A group's own rules (#17), shown after the method's; [] for none. */
	get extraRules(): string[] {
		return this.#meta.extraRules;
	}

	/** The facilitator's warm-up prompt for the Opening; '' when none. */
	/** A practice round's settings (#16), or null in a real round. */
	get practice(): PracticeMeta | null {
		return this.#meta.practice;
	}

	/** A practice round's counts for the trainee's recap, or null in a real round. */
	get practiceRecap(): PracticeRecap | null {
		return this.#recap;
	}

	get warmup(): string {
		return this.#meta.warmup;
	}

	/** The key question of the day as the facilitator wrote it; '' means: show our default. */
	get mote(): string {
		return this.#meta.mote;
	}

	/** The closing-ritual text as the facilitator wrote it; '' means: show our default. */
	get closingText(): string {
		return this.#meta.closingText;
	}

	/** The facilitator's own words on how to join by sound without Kleed's audio (a number). */
	get audioHelp(): string {
		return this.#meta.audioHelp;
	}

	/** Names hidden on the projector. */
	get hideNames(): boolean {
		return this.#meta.hideNames;
	}

	/** New people wait at the door until a facilitator lets them in. */
	get locked(): boolean {
		return this.#meta.locked;
	}

	get createdAt(): number | null {
		return this.#meta.createdAt;
	}

	/** When the facilitator ended the round; after that nobody can change anything. */
	get endedAt(): number | null {
		return this.#meta.endedAt;
	}

	get ended(): boolean {
		return this.#meta.endedAt !== null;
	}

	/* --- people --------------------------------------------------------------------------- */

	/** Everyone on the kleed, sorted by name, with whether they are connected right now. */
	get participants(): RoundParticipant[] {
		return this.#participants;
	}

	/** A participant's name, or null for "zonder naam" and for ids we do not know. */
	nameOf(participantId: string | null): string | null {
		return this.#people.find((p) => p.id === participantId)?.name ?? null;
	}

	/** People who asked to join while the round was locked, first come first. */
	get waiting() {
		return this.#waiting;
	}

	/* --- Opening, Verhaalkeuze, Verbreding, Afsluiting ------------------------------------- */

	get happy() {
		return this.#happy;
	}

	get kleed() {
		return this.#kleed;
	}

	get stories() {
		return this.#stories;
	}

	story(id: string | null): WithId<Story> | null {
		return this.#stories.find((s) => s.id === id) ?? null;
	}

	get vote() {
		return this.#vote;
	}

	/** The revealed vote's totals, leaders and tie (one arithmetic for every view), or null. */
	get result() {
		return this.#result;
	}

	get choice() {
		return this.#choice;
	}

	/** The chosen story, once its owner (or a facilitator for them) said yes. */
	get chosenStory(): WithId<Story> | null {
		return this.#choice.consent === 'yes' ? this.story(this.#choice.storyId) : null;
	}

	/** Participant ids of everyone who tapped "Ik herken dit". */
	get recognizers() {
		return this.#recognizers;
	}

	get takeaways() {
		return this.#takeaways;
	}

	get kindWords() {
		return this.#kindWords;
	}

	/** The timer of `step`, or null when the facilitator has not set one. */
	timer(step: Step) {
		return readTimer(this.#read.timers, step);
	}

	/* --- the hand queue ------------------------------------------------------------------- */

	/** Raised hands, first up first (the order the server handed out). Works in every step. */
	get hands() {
		return this.#hands;
	}

	/** This participant's place in the hand queue (1 = next), or null without a raised hand. */
	get myPlace(): number | null {
		return placeIn(this.#hands, this.participantId);
	}

	/** Who has the word now (a participant id), or null. */
	get speaker(): string | null {
		return this.#floor.speaker;
	}
}
