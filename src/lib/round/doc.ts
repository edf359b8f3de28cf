/**
 * What a round's Y.Doc holds, and how to read it. One implementation for server and browser: the
 * server's intent handlers and every page read the doc through the readers below, so "the vote",
 * "the chosen story", "who leads" and "the hand queue" mean the same thing everywhere.
 *
 * The server is the doc's only writer (see `apply.ts`); it validates what it writes. The readers
 * still check every value, so a half-understood value (a newer server) never breaks a page. They
 * take anything with `get` and `entries` (a `Y.Map`, or the browser's reactive wrapper of one)
 * and import nothing but the protocol's constants (the practice rounds' among them): this module is in the
 * participant's bundle.
 *
 * docs/protocol.md ("Y.Doc schema") describes the same; keep the two in step.
 */
import {
	PRACTICE_LANGUAGES,
	PRACTICE_NEIGHBOURS,
	PRACTICE_SPEEDS,
	PRESENCES,
	STEPS,
	type PracticeGuest,
	type PracticeMeta,
	type Presence,
	type Step
} from '../protocol.ts';

/* ------------------------------------------------------------------------------------------------
 * The schema. Every value is plain JSON, replaced whole, never mutated in place.
 *
 *   meta          MetaFields
 *   participants  participantId -> ParticipantEntry
 *   happy         itemId -> HappyEvent          (Opening: good news cards)
 *   kleed         itemId -> KleedObject         (Opening: objects laid on the cloth)
 *   stories       storyId -> Story              (Verhaalkeuze)
 *   vote          VoteFields                    (Verhaalkeuze; ballots are NOT in the doc)
 *   choice        ChoiceFields                  (Verhaalkeuze: the chosen story and consent)
 *   recognize     participantId -> true         (Verbreding: "Ik herken dit")
 *   takeaways     participantId -> Note         (Afsluiting: "wat neem ik mee")
 *   kindWords     participantId -> Note         (Afsluiting: a kind word for the one who shared)
 *   timers        step -> TimerState
 *   waiting       participantId -> WaitingEntry (a locked round: people at the door)
 *   hands         participantId -> RaisedHand   (the ordered hand queue; order set by the server)
 *   floor         FloorFields                   (who has the word)
 *   practice      PracticeRecapFields           (practice rounds only: counts for the recap)
 * ---------------------------------------------------------------------------------------------- */

export const DOC_MAP = {
	meta: 'meta',
	participants: 'participants',
	happy: 'happy',
	kleed: 'kleed',
	stories: 'stories',
	vote: 'vote',
	choice: 'choice',
	recognize: 'recognize',
	takeaways: 'takeaways',
	kindWords: 'kindWords',
	timers: 'timers',
	hands: 'hands',
	floor: 'floor',
	waiting: 'waiting',
	practice: 'practice'
} as const;
export type DocMapName = keyof typeof DOC_MAP;

/** The facilitator's texts in `meta`, set with the `text.set` intent. Empty: the UI's default. */
export const TEXT_FIELDS = ['warmup', 'mote', 'closingText', 'audioHelp'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export interface MetaFields {
	/** PROTOCOL_VERSION of the server that created the doc. */
	protocol: number;
	title: string;
	/** BCP 47 tag of the round's language (the UI language each person sees is their own choice). */
	language: string;
	/** `step.set`. */
	step: Step;
	/** Server time (ms since epoch) at creation. */
	createdAt: number;
	/** `text.set`: the warm-up prompt for the Opening (empty: none). */
	warmup?: string;
	/** `text.set`: the key question of the day; empty or absent: the default text. */
	mote?: string;
	/** `text.set`: the closing-ritual text; empty or absent: the default text. */
	closingText?: string;
	/** `text.set`: how people join by sound when Kleed has no audio server (e.g. a phone number). */
	audioHelp?: string;
	/** `names.hide`: hide names on the projector. */
	hideNames?: boolean;
	/** A group's own rules (#17), shown after the method's; set when a prepared round starts. */
	extraRules?: string[];
	/** `round.end`: when the facilitator ended the round (ms since epoch). */
	endedAt?: number;
	/** `round.lock`: new people wait at the door until a facilitator lets them in. */
	locked?: boolean;
	/** A practice round with simulated neighbours (#16), set at creation; `practice.speed`. */
	practice?: PracticeMeta;
}

export interface ParticipantEntry {
	name: string;
	presence: Presence;
	/** Server time (ms since epoch) of the first join. */
	joinedAt: number;
	/** Added by a facilitator for someone without a device of their own. */
	noDevice?: boolean;
	/** Ticked by a facilitator: first time in a round (only counted, for the annual report). */
	newcomer?: boolean;
}

/** Someone who asked to join a locked round. */
export interface WaitingEntry {
	name: string;
	presence: Presence;
	at: number;
}

export const TEXT_MAX = { happy: 80, story: 120, note: 120, prompt: 300 } as const;
/** Per person: at most this many happy events and kleed objects at a time. */
export const PER_PERSON_MAX = { happy: 3, kleed: 3, stories: 1 } as const;

/** Pictograms for happy events (Opening). */
export const HAPPY_ICONS = [
	'cake',
	'baby',
	'heart',
	'sun',
	'party',
	'music',
	'home',
	'star'
] as const;
export type HappyIcon = (typeof HAPPY_ICONS)[number];

/** Pictograms for objects on the kleed (Opening). */
export const KLEED_ICONS = [
	'bread',
	'fruit',
	'tea',
	'candle',
	'flower',
	'stone',
	'photo',
	'cookie',
	'book',
	'music'
] as const;
export type KleedIcon = (typeof KLEED_ICONS)[number];

export interface HappyEvent {
	icon: HappyIcon;
	/** Optional few words; what people type is shown as typed. */
	text: string;
	/** Who added it: a participant id, or null when the facilitator added it. */
	by: string | null;
	at: number;
}

export interface KleedObject {
	icon: KleedIcon;
	/** Whose object: a participant id, or null when the facilitator laid it. */
	by: string | null;
	at: number;
}

export interface Story {
	/** As the person said it (or as the facilitator typed it for them). */
	text: string;
	/** The owner's participant id, or null for "zonder naam". */
	by: string | null;
	/** The facilitator's short retelling ("repeat it back"), if any. */
	retold?: string;
	at: number;
}

export const VOTE_STATUSES = ['idle', 'open', 'revealed'] as const;
export type VoteStatus = (typeof VOTE_STATUSES)[number];

/**
 * The vote as everyone may see it. Ballots are kept by the server, outside the doc: while a vote
 * is open, the doc tells only how many people have voted.
 */
export interface VoteFields {
	status: VoteStatus;
	/** Counts up with every vote opened (a re-vote among tied stories is a new round). */
	round: number;
	/** The stories in this vote. */
	candidates: string[];
	/** How many people have voted so far. */
	voted: number;
	/** After the reveal: hearts per story id. */
	totals?: Record<string, number>;
	/** The totals were counted by hand (a room without tablets). */
	byHand?: boolean;
}

export const CONSENT_STATES = ['asked', 'yes', 'no'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** The chosen story, and whether its owner wants to go on with it. */
export interface ChoiceFields {
	storyId: string | null;
	consent: ConsentState | null;
	/** Who answered: the owner on their own device, or a facilitator for them. */
	answeredBy?: 'owner' | 'facilitator';
	/** Stories whose owner said no in this round: not proposed again. */
	declined: string[];
}

export interface Note {
	text: string;
	at: number;
}

/**
 * A step's timer, in server time. Running: `endsAt` is set. Paused or not started: `remainingMs`.
 * Clients show `endsAt - serverNow()`; it never moves the step on by itself.
 */
export interface TimerState {
	durationMs: number;
	endsAt: number | null;
	remainingMs: number;
}

export const TIMER_MAX_SECONDS = 3 * 60 * 60;

/** A raised hand. The queue is the hands sorted by `order`, which only the server hands out. */
export interface RaisedHand {
	order: number;
	raisedAt: number;
}

/** Who has the word. `nextOrder` is the server's counter for the hand queue. */
export interface FloorFields {
	speaker: string | null;
	since?: number;
	nextOrder: number;
}

/* ------------------------------------------------------------------------------------------------
 * Readers
 * ---------------------------------------------------------------------------------------------- */

/** What the readers need of a map: a `Y.Map`, or a reactive wrapper around one. */
export interface MapLike<T = unknown> {
	get(key: string): T | undefined;
	entries(): Iterable<[string, T]>;
}

/** A doc item with the key it is stored under. */
export type WithId<T> = T & { id: string };

/** A takeaway or kind word, with whose it is (the map key). */
export interface PersonNote extends Note {
	by: string;
}

/** A raised hand, with whose it is (the participant id it is stored under). */
export interface QueuedHand extends RaisedHand {
	id: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOwner = (v: unknown): v is string | null => v === null || typeof v === 'string';
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);

/** `meta` as pages and handlers read it: every field checked, texts '' when absent. */
export interface MetaView {
	/** null until the first sync brought the doc in. */
	step: Step | null;
	title: string;
	language: string;
	warmup: string;
	mote: string;
	closingText: string;
	audioHelp: string;
	hideNames: boolean;
	/** A group's own rules (#17), after the method's. */
	extraRules: string[];
	locked: boolean;
	createdAt: number | null;
	endedAt: number | null;
	/** A practice round with simulated neighbours; null in a real round. */
	practice: PracticeMeta | null;
}

/** `meta.practice`, checked: null when absent or not understood. */
function readPracticeMeta(value: unknown): PracticeMeta | null {
	if (!isRecord(value)) return null;
	const { language, speed, neighbours } = value;
	if (!oneOf(PRACTICE_LANGUAGES, language) || !oneOf(PRACTICE_SPEEDS, speed)) return null;
	if (!Number.isInteger(neighbours)) return null;
	const n = neighbours as number;
	if (n < PRACTICE_NEIGHBOURS.min || n > PRACTICE_NEIGHBOURS.max) return null;
	const guest = readPracticeGuest(value.withoutDevice);
	return { language, speed, neighbours: n, ...(guest ? { withoutDevice: guest } : {}) };
}

/** `meta.practice.withoutDevice`, checked: undefined when absent or not understood. */
function readPracticeGuest(value: unknown): PracticeGuest | undefined {
	if (!isRecord(value)) return undefined;
	const { name, object, story, takeaway } = value;
	const fits = (text: unknown, max: number): text is string =>
		isString(text) && text.length > 0 && text.length <= max;
	if (!fits(name, 40) || !oneOf(KLEED_ICONS, object)) return undefined;
	if (!fits(story, TEXT_MAX.story) || !fits(takeaway, TEXT_MAX.note)) return undefined;
	return { name, object, story, takeaway };
}

export function readMeta(meta: MapLike): MetaView {
	const text = (field: keyof MetaFields) => {
		const value = meta.get(field);
		return isString(value) ? value : '';
	};
	const time = (field: keyof MetaFields) => {
		const value = meta.get(field);
		return isNumber(value) ? value : null;
	};
	const step = meta.get('step');
	return {
		step: oneOf(STEPS, step) ? step : null,
		title: text('title'),
		language: text('language'),
		warmup: text('warmup'),
		mote: text('mote'),
		closingText: text('closingText'),
		audioHelp: text('audioHelp'),
		hideNames: meta.get('hideNames') === true,
		extraRules: readStrings(meta.get('extraRules')),
		locked: meta.get('locked') === true,
		createdAt: time('createdAt'),
		endedAt: time('endedAt'),
		practice: readPracticeMeta(meta.get('practice'))
	};
}

/** A list of strings (a group's own rules), at most 8 of at most 120 characters each. */
function readStrings(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	return value.filter((v): v is string => isString(v) && v.length <= 120).slice(0, 8);
}

/** Oldest first; equal times by id, so every device shows the same order. */
const byTime = <T extends { at: number; id: string }>(a: T, b: T) =>
	a.at - b.at || a.id.localeCompare(b.id);

/** Every item of a map that passes `valid`, with its key, oldest first. */
function items<T extends { at: number }>(
	map: MapLike,
	valid: (v: Record<string, unknown>) => boolean
): WithId<T>[] {
	const list: WithId<T>[] = [];
	for (const [id, value] of map.entries()) {
		if (isRecord(value) && isNumber(value.at) && valid(value)) {
			list.push({ ...(value as unknown as T), id });
		}
	}
	return list.sort(byTime);
}

export const readHappy = (map: MapLike) =>
	items<HappyEvent>(map, (v) => oneOf(HAPPY_ICONS, v.icon) && isString(v.text) && isOwner(v.by));

export const readKleed = (map: MapLike) =>
	items<KleedObject>(map, (v) => oneOf(KLEED_ICONS, v.icon) && isOwner(v.by));

export const readStories = (map: MapLike) =>
	items<Story>(
		map,
		(v) => isString(v.text) && isOwner(v.by) && (v.retold === undefined || isString(v.retold))
	);

export const readWaiting = (map: MapLike) =>
	items<WaitingEntry>(map, (v) => isString(v.name) && oneOf(PRESENCES, v.presence));

/** Everyone on the kleed, in the order they joined. */
export function readParticipants(map: MapLike): WithId<ParticipantEntry>[] {
	const list: WithId<ParticipantEntry>[] = [];
	for (const [id, value] of map.entries()) {
		if (!isRecord(value) || !isString(value.name) || !oneOf(PRESENCES, value.presence)) continue;
		list.push({
			id,
			name: value.name,
			presence: value.presence,
			joinedAt: isNumber(value.joinedAt) ? value.joinedAt : 0,
			noDevice: value.noDevice === true,
			newcomer: value.newcomer === true
		});
	}
	return list.sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
}

/** Takeaways or kind words, oldest first; empty notes are none. */
export function readNotes(map: MapLike): PersonNote[] {
	const list: PersonNote[] = [];
	for (const [by, value] of map.entries()) {
		if (isRecord(value) && isString(value.text) && value.text !== '' && isNumber(value.at)) {
			list.push({ by, text: value.text, at: value.at });
		}
	}
	return list.sort((a, b) => a.at - b.at || a.by.localeCompare(b.by));
}

/** Participant ids of everyone who tapped "Ik herken dit". */
export function readRecognizers(map: MapLike): string[] {
	const list: string[] = [];
	for (const [id, on] of map.entries()) if (on === true) list.push(id);
	return list;
}

const NO_VOTE: VoteFields = { status: 'idle', round: 0, candidates: [], voted: 0 };
const NO_CHOICE: ChoiceFields = { storyId: null, consent: null, declined: [] };

export function readVote(map: MapLike): VoteFields {
	const status = map.get('status');
	if (!oneOf(VOTE_STATUSES, status)) return NO_VOTE;
	const round = map.get('round');
	const candidates = map.get('candidates');
	const voted = map.get('voted');
	const totals = map.get('totals');
	const vote: VoteFields = {
		status,
		round: isNumber(round) ? round : 0,
		candidates: Array.isArray(candidates) ? candidates.filter(isString) : [],
		voted: isNumber(voted) ? voted : 0
	};
	if (isRecord(totals)) vote.totals = totals as Record<string, number>;
	if (map.get('byHand') === true) vote.byHand = true;
	return vote;
}

export function readChoice(map: MapLike): ChoiceFields {
	const storyId = map.get('storyId');
	const consent = map.get('consent');
	const declined = map.get('declined');
	const answeredBy = map.get('answeredBy');
	if (storyId === undefined && declined === undefined) return NO_CHOICE;
	const choice: ChoiceFields = {
		storyId: isString(storyId) ? storyId : null,
		consent: oneOf(CONSENT_STATES, consent) ? consent : null,
		declined: Array.isArray(declined) ? declined.filter(isString) : []
	};
	if (answeredBy === 'owner' || answeredBy === 'facilitator') choice.answeredBy = answeredBy;
	return choice;
}

/** The timer of `step`, or null when the facilitator has not set one. */
export function readTimer(map: MapLike, step: Step): TimerState | null {
	const value = map.get(step);
	if (!isRecord(value) || !isNumber(value.durationMs) || !isNumber(value.remainingMs)) return null;
	const endsAt = isNumber(value.endsAt) ? value.endsAt : null;
	return { durationMs: value.durationMs, remainingMs: value.remainingMs, endsAt };
}

export function readFloor(map: MapLike): FloorFields {
	const speaker = map.get('speaker');
	const since = map.get('since');
	const nextOrder = map.get('nextOrder');
	const floor: FloorFields = {
		speaker: isString(speaker) ? speaker : null,
		nextOrder: isNumber(nextOrder) ? nextOrder : 0
	};
	if (isNumber(since)) floor.since = since;
	return floor;
}

/**
 * The hand queue: first up first, by the order only the server hands out (never by clock:
 * devices disagree about the time). Equal orders, which the server never writes, fall back to
 * the id so every device still shows the same queue.
 */
export function readHands(map: MapLike): QueuedHand[] {
	const queue: QueuedHand[] = [];
	for (const [id, value] of map.entries()) {
		if (!isRecord(value) || !isNumber(value.order)) continue;
		queue.push({ id, order: value.order, raisedAt: isNumber(value.raisedAt) ? value.raisedAt : 0 });
	}
	return queue.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** Someone's place in the queue: 1 for the first; null without a raised hand. */
export function placeIn(
	queue: readonly QueuedHand[],
	id: string | null | undefined
): number | null {
	if (!id) return null;
	const index = queue.findIndex((hand) => hand.id === id);
	return index < 0 ? null : index + 1;
}

/* ------------------------------------------------------------------------------------------------
 * The vote's arithmetic: one implementation for the server's proposal and every result on screen.
 * ---------------------------------------------------------------------------------------------- */

/** Story ids by hearts, most first; equal totals keep the candidates' order. */
export function ranked(totals: Record<string, number>, candidates: readonly string[]): string[] {
	return [...candidates].sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0));
}

/** The stories that share the highest total (none when nobody voted). */
export function leaders(totals: Record<string, number>, candidates: readonly string[]): string[] {
	const top = Math.max(0, ...candidates.map((c) => totals[c] ?? 0));
	if (top === 0) return [];
	return candidates.filter((c) => (totals[c] ?? 0) === top);
}

/** The one winner, or null on a tie or when nobody voted. */
export function winner(
	totals: Record<string, number>,
	candidates: readonly string[]
): string | null {
	const top = leaders(totals, candidates);
	return top.length === 1 ? (top[0] ?? null) : null;
}

/**
 * After an owner said no: the next story to propose, by hearts, skipping declined ones and
 * stories nobody chose. Null on a tie for that place (the facilitator decides) or when none is left.
 */
export function nextProposal(
	totals: Record<string, number>,
	candidates: readonly string[],
	declined: readonly string[]
): string | null {
	return winner(
		totals,
		candidates.filter((c) => !declined.includes(c))
	);
}

/** A revealed vote as every view shows it. */
export interface VoteResult {
	/** Hearts per story id (absent: 0). */
	totals: Record<string, number>;
	/** The highest number of hearts (0 when nobody voted). */
	top: number;
	/** The stories with `top` hearts. */
	leaders: string[];
	/** More than one story leads: the facilitator decides (a re-vote or a pick). */
	tie: boolean;
}

/** The result of a revealed vote, or null while the vote is not revealed. */
export function voteResult(vote: VoteFields): VoteResult | null {
	if (vote.status !== 'revealed' || !vote.totals) return null;
	const totals = vote.totals;
	const top = leaders(totals, vote.candidates);
	return {
		totals,
		top: top.length > 0 ? (totals[top[0]!] ?? 0) : 0,
		leaders: top,
		tie: top.length > 1
	};
}

/* ------------------------------------------------------------------------------------------------
 * Practice rounds (#16): what the recap shows. Counts and times only, never content; written by
 * the server's handlers only in a practice round, erased with the round.
 * ---------------------------------------------------------------------------------------------- */

/** The `practice` map, key by key. */
export interface PracticeRecapFields {
	/** Server time (ms) when each step began, the first time (the Opening: at creation). */
	stepStartedAt: Partial<Record<Step, number>>;
	/** Server time of `round.end`, or null. */
	endedAt: number | null;
	/** How often a facilitator gave someone the word (`hand.give`). */
	handsGiven: number;
	/** How many votes were opened (a re-vote among tied stories is one more). */
	votesOpened: number;
	/** How many revealed votes ended in a tie. */
	ties: number;
	/** The chosen people's answers to "do you want to go on with it?". */
	consent: { yes: number; no: number };
}
export type PracticeRecap = PracticeRecapFields;

/** The recap of a practice round, or null in a real round (no `practice` map). */
export function readPracticeRecap(map: MapLike): PracticeRecap | null {
	const started = map.get('stepStartedAt');
	if (!isRecord(started)) return null;
	const count = (key: string) => {
		const value = map.get(key);
		return isNumber(value) && value >= 0 ? Math.floor(value) : 0;
	};
	const stepStartedAt: Partial<Record<Step, number>> = {};
	for (const step of STEPS) {
		const at = started[step];
		if (isNumber(at)) stepStartedAt[step] = at;
	}
	const endedAt = map.get('endedAt');
	const consent = map.get('consent');
	const answers = (key: 'yes' | 'no') => {
		const value = isRecord(consent) ? consent[key] : undefined;
		return isNumber(value) && value >= 0 ? Math.floor(value) : 0;
	};
	return {
		stepStartedAt,
		endedAt: isNumber(endedAt) ? endedAt : null,
		handsGiven: count('handsGiven'),
		votesOpened: count('votesOpened'),
		ties: count('ties'),
		consent: { yes: answers('yes'), no: answers('no') }
	};
}
