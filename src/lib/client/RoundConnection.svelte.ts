import { getContext, setContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import {
	CloseCode,
	MessageType,
	PRESENCES,
	PROTOCOL_VERSION,
	STEPS,
	SYNC_PATH,
	type AwarenessState,
	type FACILITATOR_META_FIELDS,
	type Presence,
	type Role,
	type ServerTime,
	type Step
} from '$lib/protocol';
import {
	CONSENT_STATES,
	DOC_MAP,
	HAPPY_ICONS,
	KLEED_ICONS,
	VOTE_STATUSES,
	type ChoiceFields,
	type ConsentState,
	type HappyEvent,
	type HappyIcon,
	type KleedIcon,
	type KleedObject,
	type MetaFields,
	type Note,
	type ParticipantEntry,
	type Story,
	type TimerState,
	type VoteFields,
	type VoteStatus,
	type WaitingEntry
} from '$lib/round/doc';
import {
	type Intent,
	type IntentRequest,
	type IntentResult,
	type MyVote
} from '$lib/round/intents';
import { audioPresence, type AudioPresence } from './audio/awareness';
import { handQueue, placeIn, type QueuedHand } from './hands';
import { newItemId } from './ids';
import { SyncProvider } from './SyncProvider';

/** Why the server ended the connection for good (close codes 4400–4499). */
export type ClosedReason = 'version' | 'unauthorized' | 'notFound' | 'removed' | 'error';

export type ConnectionStatus =
	| { state: 'connecting' }
	| { state: 'connected' }
	/** Lost or never reached; the provider keeps trying with back-off. */
	| { state: 'offline' }
	/** The server said reconnecting cannot help; the provider has stopped. */
	| { state: 'closed'; reason: ClosedReason; code: number };

/** One person on the kleed, as the pages show them. */
export interface RoundParticipant {
	id: string;
	name: string;
	presence: Presence;
	joinedAt: number;
	/** Added by a facilitator for someone without a device of their own. */
	noDevice: boolean;
	/** Has a live connection right now (from awareness, so it drops within seconds). */
	online: boolean;
	/** Ticked by a facilitator: first time in a round (only facilitators look at it). */
	newcomer: boolean;
}

/** A doc item with the key it is stored under. */
export type WithId<T> = T & { id: string };

/** A takeaway or kind word, with whose it is (the map key). */
export interface PersonNote extends Note {
	by: string;
}

export interface RoundConnectionOptions {
	code: string;
	/** Facilitator key, projector/observer/tablet token or participant token: decides the role. */
	token: string;
	role: Role;
	/** Set for participants: lets the list mark "you" and count yourself online while connected. */
	participantId?: string;
}

type FacilitatorMetaField = (typeof FACILITATOR_META_FIELDS)[number];

// Stable objects, so `$derived(round.status)` does not change when nothing changed.
const CONNECTING: ConnectionStatus = { state: 'connecting' };
const CONNECTED: ConnectionStatus = { state: 'connected' };
const OFFLINE: ConnectionStatus = { state: 'offline' };

interface PendingIntent {
	request: IntentRequest;
	resolve: (result: IntentResult) => void;
	reject: (error: Error) => void;
}

/** Reads of one Y.Map; each read subscribes the reader (template, `$derived`) to the map. */
interface MapReader<T> {
	get(key: string): T | undefined;
	entries(): [string, T][];
}

/**
 * Wraps a Y.Map so reads go through `createSubscriber`: the map is observed only while something
 * reactive reads it, and every change re-runs exactly those readers. Nothing is copied.
 */
function mapReader<T>(map: Y.Map<T>): MapReader<T> {
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
			return [...map.entries()];
		}
	};
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOwner = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Oldest first; equal times by id, so every device shows the same order. */
const byTime = <T extends { at: number; id: string }>(a: T, b: T) =>
	a.at - b.at || a.id.localeCompare(b.id);

/**
 * Every item of a map that passes `valid`, with its key, oldest first. The server validates what
 * it writes; this only keeps a half-understood value (a newer server) from breaking a page.
 */
function items<T extends { at: number }>(
	reader: MapReader<unknown>,
	valid: (v: Record<string, unknown>) => boolean
): WithId<T>[] {
	const list: WithId<T>[] = [];
	for (const [id, value] of reader.entries()) {
		if (isRecord(value) && isNumber(value.at) && valid(value)) {
			list.push({ ...(value as unknown as T), id });
		}
	}
	return list.sort(byTime);
}

const NO_VOTE: VoteFields = { status: 'idle', round: 0, candidates: [], voted: 0 };
const NO_CHOICE: ChoiceFields = { storyId: null, consent: null, declined: [] };

/**
 * The live connection to one round: owns the Y.Doc and its SyncProvider. Reactive getters
 * subscribe to Yjs, awareness and the provider only while something (a template, a `$derived`)
 * reads them, through `createSubscriber`; nothing from the doc is copied into `$state`.
 * Everything but `meta` changes through intents (small typed methods below).
 *
 * Life cycle: construct (nothing happens on the network) -> `connect()` -> `destroy()`.
 */
export class RoundConnection {
	readonly code: string;
	readonly role: Role;
	readonly participantId: string | undefined;

	readonly #doc = new Y.Doc();
	readonly #metaMap: Y.Map<unknown>;
	readonly #voteMap: Y.Map<unknown>;
	readonly #provider: SyncProvider;

	readonly #meta: MapReader<unknown>;
	readonly #participants: MapReader<unknown>;
	readonly #happy: MapReader<unknown>;
	readonly #kleed: MapReader<unknown>;
	readonly #stories: MapReader<unknown>;
	readonly #vote: MapReader<unknown>;
	readonly #choice: MapReader<unknown>;
	readonly #recognize: MapReader<unknown>;
	readonly #takeaways: MapReader<unknown>;
	readonly #kindWords: MapReader<unknown>;
	readonly #timers: MapReader<unknown>;
	readonly #waiting: MapReader<unknown>;

	readonly #subscribeAwareness: () => void;
	readonly #subscribeProvider: () => void;
	readonly #subscribeClock: () => void;

	/** Set once by the provider's 'closed' event; never cleared (the provider has stopped). */
	#closed: Extract<ConnectionStatus, { state: 'closed' }> | null = null;
	#everSynced = false;
	#destroyed = false;
	#nextIntentId = 1;
	/** Sent-but-unanswered and not-yet-sent intents, by id. Resent after every reconnect. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	readonly #pending = new Map<number, PendingIntent>();
	/** Where this participant sits; when set, a join intent follows every (re)connect. */
	#joinPresence: Presence | null = null;

	/** Server clock minus ours, from GET /api/time; refreshed on every (re)connect. */
	#clockOffset = $state(0);
	/**
	 * This participant's own heart in vote round `round`, as the server last told us (ballots are
	 * not in the doc). Server state, not doc state, hence `$state`.
	 */
	#mine = $state<{ round: number; storyId: string | null } | null>(null);
	/** Answers to vote.mine can cross; only the latest question counts. */
	#mineAsked = 0;
	#lastVoteRound = -1;

	// Computed once per change rather than once per read.
	readonly #participantList = $derived.by(() => this.#readParticipants());
	readonly #happyList = $derived.by(() =>
		items<HappyEvent>(
			this.#happy,
			(v) => HAPPY_ICONS.includes(v.icon as HappyIcon) && isString(v.text) && isOwner(v.by)
		)
	);
	readonly #kleedList = $derived.by(() =>
		items<KleedObject>(
			this.#kleed,
			(v) => KLEED_ICONS.includes(v.icon as KleedIcon) && isOwner(v.by)
		)
	);
	readonly #storyList = $derived.by(() =>
		items<Story>(
			this.#stories,
			(v) => isString(v.text) && isOwner(v.by) && (v.retold === undefined || isString(v.retold))
		)
	);
	readonly #voteFields = $derived.by(() => this.#readVote());
	readonly #choiceFields = $derived.by(() => this.#readChoice());
	readonly #recognizers = $derived.by(() =>
		this.#recognize
			.entries()
			.filter(([, on]) => on === true)
			.map(([id]) => id)
	);
	readonly #takeawayList = $derived.by(() => notes(this.#takeaways));
	readonly #kindWordList = $derived.by(() => notes(this.#kindWords));
	readonly #waitingList = $derived.by(() =>
		items<WaitingEntry>(
			this.#waiting,
			(v) => isString(v.name) && PRESENCES.includes(v.presence as Presence)
		)
	);

	constructor(options: RoundConnectionOptions) {
		this.code = options.code;
		this.role = options.role;
		this.participantId = options.participantId;
		const map = (name: keyof typeof DOC_MAP) => this.#doc.getMap<unknown>(DOC_MAP[name]);
		this.#metaMap = map('meta');
		this.#voteMap = map('vote');
		this.#meta = mapReader(this.#metaMap);
		this.#participants = mapReader(map('participants'));
		this.#happy = mapReader(map('happy'));
		this.#kleed = mapReader(map('kleed'));
		this.#stories = mapReader(map('stories'));
		this.#vote = mapReader(this.#voteMap);
		this.#choice = mapReader(map('choice'));
		this.#recognize = mapReader(map('recognize'));
		this.#takeaways = mapReader(map('takeaways'));
		this.#kindWords = mapReader(map('kindWords'));
		this.#timers = mapReader(map('timers'));
		this.#waiting = mapReader(map('waiting'));

		const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
		this.#provider = new SyncProvider(this.#doc, {
			url: `${scheme}://${window.location.host}${SYNC_PATH}`,
			room: options.code,
			params: { token: options.token, v: String(PROTOCOL_VERSION) }
		});
		this.#provider.handle(MessageType.intentResult, (decoder) => {
			this.#onIntentResult(decoding.readVarString(decoder));
		});
		// Bookkeeping that must happen whether or not anything is on screen.
		this.#provider.on('status', ({ status }) => {
			if (status !== 'connected') return;
			this.#flushIntents();
			void this.#syncClock();
			// Our heart may have changed on another device, or the vote moved on while we slept.
			this.#refreshMine();
		});
		this.#provider.on('sync', (synced) => {
			if (synced) this.#everSynced = true;
		});
		this.#provider.on('closed', ({ code }) => {
			this.#closed = { state: 'closed', code, reason: closedReason(code) };
			this.#rejectAll(new Error(`connection closed (${code})`));
		});
		// A new vote round (a re-vote, a reset) starts without a heart: ask again.
		this.#voteMap.observe(() => {
			const round = this.#voteMap.get('round');
			if (isNumber(round) && round !== this.#lastVoteRound) {
				this.#lastVoteRound = round;
				this.#refreshMine();
			}
		});

		this.#subscribeAwareness = createSubscriber((update) => {
			// 'change' (not 'update'): fires when someone comes or goes, not on the 15 s renewals.
			this.#provider.awareness.on('change', update);
			return () => this.#provider.awareness.off('change', update);
		});
		this.#subscribeProvider = createSubscriber((update) => {
			const events = ['status', 'sync', 'closed', 'connection-close'] as const;
			for (const event of events) this.#provider.on(event, update);
			return () => {
				for (const event of events) this.#provider.off(event, update);
			};
		});
		this.#subscribeClock = createSubscriber((update) => {
			const timer = setInterval(update, 250);
			return () => clearInterval(timer);
		});
	}

	/** Opens the websocket. The provider reconnects by itself after transient failures. */
	connect(): void {
		if (this.#destroyed) return;
		this.#provider.connect();
	}

	/** Closes the websocket for good and frees the doc. The instance cannot be used again. */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#rejectAll(new Error('connection destroyed'));
		// destroy() disconnects first, which tells the server our awareness state is gone.
		this.#provider.destroy();
		this.#doc.destroy();
	}

	/* --- meta ----------------------------------------------------------------------------- */

	/** The round's current step, or null until the first sync brought the doc in. */
	get step(): Step | null {
		const step = this.#meta.get('step');
		return STEPS.includes(step as Step) ? (step as Step) : null;
	}

	get stepIndex(): number {
		const step = this.step;
		return step === null ? -1 : STEPS.indexOf(step);
	}

	get title(): string {
		return this.#metaText('title');
	}

	/** The facilitator's warm-up prompt for the Opening; '' when none. */
	get warmup(): string {
		return this.#metaText('warmup');
	}

	/** The key question of the day as the facilitator wrote it; '' means: show our default. */
	get mote(): string {
		return this.#metaText('mote');
	}

	/** The closing-ritual text as the facilitator wrote it; '' means: show our default. */
	get closingText(): string {
		return this.#metaText('closingText');
	}

	/** Names hidden on the projector. */
	get hideNames(): boolean {
		return this.#meta.get('hideNames') === true;
	}

	get createdAt(): number | null {
		const at = this.#meta.get('createdAt');
		return isNumber(at) ? at : null;
	}

	/** When the facilitator ended the round; after that nobody can change anything. */
	get endedAt(): number | null {
		const at = this.#meta.get('endedAt');
		return isNumber(at) ? at : null;
	}

	get ended(): boolean {
		return this.endedAt !== null;
	}

	#metaText(field: keyof MetaFields): string {
		const value = this.#meta.get(field);
		return isString(value) ? value : '';
	}

	/* --- people --------------------------------------------------------------------------- */

	/** Everyone on the kleed, sorted by name, with whether they are connected right now. */
	get participants(): RoundParticipant[] {
		return this.#participantList;
	}

	/** A participant's name, or null for "zonder naam" and for ids we do not know. */
	nameOf(participantId: string | null): string | null {
		if (participantId === null) return null;
		const entry = this.#participants.get(participantId);
		return isRecord(entry) && isString(entry.name) ? entry.name : null;
	}

	/**
	 * Whether a trainer is watching (an observer's awareness state). The room must always know,
	 * so every page shows it. The observer's own page counts itself: our own awareness entry
	 * never carries `user` locally (the server sets it on its copy).
	 */
	get observed(): boolean {
		if (this.role === 'observer') return true;
		this.#subscribeAwareness();
		const awareness = this.#provider.awareness;
		for (const [clientId, state] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			if ((state as Partial<AwarenessState>).user?.role === 'observer') return true;
		}
		return false;
	}

	/* --- the closed room (#5) -------------------------------------------------------------- */

	/** New people wait at the door until a facilitator lets them in. */
	get locked(): boolean {
		return this.#meta.get('locked') === true;
	}

	/** People who asked to join while the round was locked, first come first. */
	get waiting(): WithId<WaitingEntry>[] {
		return this.#waitingList;
	}

	/* --- Opening -------------------------------------------------------------------------- */

	get happy(): WithId<HappyEvent>[] {
		return this.#happyList;
	}

	get kleed(): WithId<KleedObject>[] {
		return this.#kleedList;
	}

	/* --- Verhaalkeuze ----------------------------------------------------------------------- */

	get stories(): WithId<Story>[] {
		return this.#storyList;
	}

	story(id: string | null): WithId<Story> | null {
		return id === null ? null : (this.#storyList.find((s) => s.id === id) ?? null);
	}

	get vote(): VoteFields {
		return this.#voteFields;
	}

	get choice(): ChoiceFields {
		return this.#choiceFields;
	}

	/** The chosen story, once its owner (or a facilitator for them) said yes. */
	get chosenStory(): WithId<Story> | null {
		const choice = this.choice;
		return choice.consent === 'yes' ? this.story(choice.storyId) : null;
	}

	/**
	 * This participant's own heart in the open (or revealed) vote, as the server last told us:
	 * only the voter is ever told, and only when they ask (after a reconnect, after a cast).
	 */
	get myVote(): string | null {
		const mine = this.#mine;
		return mine !== null && mine.round === this.vote.round ? mine.storyId : null;
	}

	/* --- Verbreding, Afsluiting ------------------------------------------------------------- */

	/** Participant ids of everyone who tapped "Ik herken dit". */
	get recognizers(): string[] {
		return this.#recognizers;
	}

	get takeaways(): PersonNote[] {
		return this.#takeawayList;
	}

	get kindWords(): PersonNote[] {
		return this.#kindWordList;
	}

	/* --- Timers --------------------------------------------------------------------------- */

	/** The timer of `step`, or null when the facilitator has not set one. */
	timer(step: Step): TimerState | null {
		const value = this.#timers.get(step);
		if (!isRecord(value) || !isNumber(value.durationMs) || !isNumber(value.remainingMs)) {
			return null;
		}
		const endsAt = isNumber(value.endsAt) ? value.endsAt : null;
		return { durationMs: value.durationMs, remainingMs: value.remainingMs, endsAt };
	}

	/** Milliseconds left on a timer, by the server's clock. */
	remainingMs(timer: TimerState, now = this.serverNow()): number {
		return timer.endsAt === null ? Math.max(0, timer.remainingMs) : Math.max(0, timer.endsAt - now);
	}

	/** The server's clock now (ours plus the offset measured on the last connect). */
	serverNow(): number {
		return Date.now() + this.#clockOffset;
	}

	/** `serverNow()` that ticks four times a second while something reads it (timer displays). */
	get now(): number {
		this.#subscribeClock();
		return this.serverNow();
	}

	/**
	 * Every device shows the same time left, so we measure the server's clock rather than trust
	 * the tablet's (cheap tablets are often minutes off). Half the round trip is the usual guess
	 * for when the server read its clock.
	 */
	async #syncClock(): Promise<void> {
		const sent = Date.now();
		try {
			const response = await fetch('/api/time', { cache: 'no-store' });
			if (!response.ok) return;
			const body = (await response.json()) as Partial<ServerTime>;
			const received = Date.now();
			if (!isNumber(body.now)) return;
			this.#clockOffset = body.now + (received - sent) / 2 - received;
		} catch {
			// Keep the last offset (or none): a timer a little off is better than no timer.
		}
	}

	/* --- the hand queue and sound (#4) ----------------------------------------------------- */

	// Declared after #doc, so field initialisation finds it.
	readonly #hands = mapReader(this.#doc.getMap<unknown>(DOC_MAP.hands));
	readonly #floor = mapReader(this.#doc.getMap<unknown>(DOC_MAP.floor));
	readonly #handQueue = $derived.by(() => handQueue(this.#hands.entries()));
	readonly #audio = $derived.by(() => this.#readAudio());

	/** Raised hands, first up first (the order the server handed out). Works in every step. */
	get hands(): QueuedHand[] {
		return this.#handQueue;
	}

	/** This participant's place in the hand queue (1 = next), or null without a raised hand. */
	get myPlace(): number | null {
		return placeIn(this.#handQueue, this.participantId);
	}

	/** Who has the word now (a participant id), or null. */
	get speaker(): string | null {
		const speaker = this.#floor.get('speaker');
		return isString(speaker) ? speaker : null;
	}

	/** The facilitator's own words on how to join by sound without Kleed's audio (a number). */
	get audioHelp(): string {
		return this.#metaText('audioHelp');
	}

	/** Everyone's sound, from awareness: by participant id, and the room device. Ours included. */
	get audio(): AudioPresence {
		return this.#audio;
	}

	raiseHand(): Promise<IntentResult> {
		return this.sendIntent({ type: 'hand.raise' });
	}

	/** Lowers our own hand; a facilitator names whose. */
	lowerHand(who?: string): Promise<IntentResult> {
		return this.sendIntent(who ? { type: 'hand.lower', who } : { type: 'hand.lower' });
	}

	/** Gives the word to `who`, or to the first in the queue (facilitators). */
	giveWord(who?: string): Promise<IntentResult> {
		return this.sendIntent(who ? { type: 'hand.give', who } : { type: 'hand.give' });
	}

	/** Lowers every hand and ends whoever had the word (facilitators). */
	clearHands(): Promise<IntentResult> {
		return this.sendIntent({ type: 'hands.clear' });
	}

	/**
	 * Sets one field of this device's own awareness state (e.g. `audio`), keeping the others.
	 * The server overwrites `user` whatever we say, so that one is not ours to set.
	 */
	setLocalAwareness(field: string, value: unknown): void {
		if (this.#destroyed || field === 'user') return;
		const awareness = this.#provider.awareness;
		// Skip unchanged values: every change is a frame to the server and to every device.
		const current = (awareness.getLocalState() as Record<string, unknown> | null)?.[field];
		if (JSON.stringify(current) === JSON.stringify(value)) return;
		awareness.setLocalStateField(field, value);
	}

	#readAudio(): AudioPresence {
		this.#subscribeAwareness();
		const awareness = this.#provider.awareness;
		return audioPresence(awareness.getStates(), {
			clientId: awareness.clientID,
			participantId: this.participantId
		});
	}

	/* --- connection ----------------------------------------------------------------------- */

	get status(): ConnectionStatus {
		this.#subscribeProvider();
		if (this.#closed) return this.#closed;
		if (this.#provider.wsconnected) return CONNECTED;
		// The counter goes up on every failed or dropped connection and back to 0 once synced:
		// above 0 means we have been cut off (or never got through), not just starting up.
		return this.#provider.wsUnsuccessfulReconnects > 0 ? OFFLINE : CONNECTING;
	}

	/** True while connected and the doc has caught up with the server. */
	get synced(): boolean {
		this.#subscribeProvider();
		return this.#provider.synced;
	}

	/** The facilitator may steer once the doc has synced at least once (see setStep). */
	get canSteer(): boolean {
		this.#subscribeProvider();
		return this.role === 'facilitator' && (this.#everSynced || this.#provider.synced);
	}

	/* --- facilitator: direct writes to meta ------------------------------------------------- */

	/**
	 * Writes one of the facilitator's own `meta` fields (the server refuses others' writes anyway).
	 * Refused before the first sync: a write made before we have seen the server's state would be
	 * concurrent with everything since, and could undo a co-facilitator's newer change.
	 * After that, writes while offline are fine: they are causally after what we saw, and the
	 * provider sends them on reconnect.
	 */
	setMeta<K extends FacilitatorMetaField>(field: K, value: NonNullable<MetaFields[K]>): boolean {
		if (!this.canSteer || this.#destroyed) return false;
		if (this.#metaMap.get(field) === value) return true;
		this.#doc.transact(() => this.#metaMap.set(field, value));
		return true;
	}

	/** Moves the round to `step` (facilitators only). */
	setStep(step: Step): boolean {
		return this.setMeta('step', step);
	}

	/** One step forward (+1) or back (-1); stays put at the ends. */
	moveStep(delta: 1 | -1): boolean {
		const index = this.stepIndex;
		const next = STEPS[index + delta];
		if (index < 0 || next === undefined) return false;
		return this.setStep(next);
	}

	/* --- intents ------------------------------------------------------------------------- */

	/**
	 * Puts this participant on the kleed now and after every reconnect (join is idempotent on the
	 * server), so a tablet that slept or lost wifi reappears without anyone doing anything.
	 */
	join(presence: Presence): Promise<IntentResult> {
		this.#joinPresence = presence;
		return this.sendIntent({ type: 'join', presence });
	}

	/** `by` is sent only by facilitators (for someone, or null: "zonder naam" / the facilitator). */
	#by(by: string | null | undefined): { by?: string | null } {
		return this.role === 'facilitator' ? { by: by ?? null } : {};
	}

	addHappy(icon: HappyIcon, text: string, by?: string | null): Promise<IntentResult> {
		return this.sendIntent({ type: 'happy.add', id: newItemId(), icon, text, ...this.#by(by) });
	}

	removeHappy(id: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'happy.remove', id });
	}

	placeObject(icon: KleedIcon, by?: string | null): Promise<IntentResult> {
		return this.sendIntent({ type: 'kleed.place', id: newItemId(), icon, ...this.#by(by) });
	}

	removeObject(id: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'kleed.remove', id });
	}

	postStory(text: string, by?: string | null): Promise<IntentResult> {
		return this.sendIntent({ type: 'story.post', id: newItemId(), text, ...this.#by(by) });
	}

	/** The owner takes their story back; a facilitator removes any story. */
	withdrawStory(id: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'story.withdraw', id });
	}

	retellStory(id: string, text: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'story.retell', id, text });
	}

	/**
	 * The vote round as the doc has it now. Imperative code (event handlers, Yjs observers) reads
	 * the map itself: a `$derived` read outside any effect is not tracked and may be stale.
	 */
	#voteRound(): number {
		const round = this.#voteMap.get('round');
		return isNumber(round) ? round : 0;
	}

	/** Opens the next vote round: among `candidates`, or among all stories. */
	openVote(candidates?: string[]): Promise<IntentResult> {
		const round = this.#voteRound() + 1;
		return this.sendIntent(
			candidates ? { type: 'vote.open', round, candidates } : { type: 'vote.open', round }
		);
	}

	/**
	 * Gives this participant's heart (or, on the shared tablet, the heart of participant `as`).
	 * Shown at once, then confirmed by asking the server, which alone knows the ballots.
	 */
	async castVote(storyId: string, as?: string): Promise<IntentResult> {
		if (as !== undefined) return this.sendIntent({ type: 'vote.cast', storyId, as });
		this.#mine = { round: this.#voteRound(), storyId };
		const result = await this.sendIntent({ type: 'vote.cast', storyId });
		this.#refreshMine();
		return result;
	}

	/** Takes the heart back. */
	async clearVote(as?: string): Promise<IntentResult> {
		if (as !== undefined) return this.sendIntent({ type: 'vote.clear', as });
		this.#mine = { round: this.#voteRound(), storyId: null };
		const result = await this.sendIntent({ type: 'vote.clear' });
		this.#refreshMine();
		return result;
	}

	/** Asks the server whose story `as` (on the shared tablet) or this participant has a heart on. */
	async voteOf(as?: string): Promise<string | null> {
		const result = await this.sendIntent(as ? { type: 'vote.mine', as } : { type: 'vote.mine' });
		if (!result.ok || !isRecord(result.data)) return null;
		const storyId = (result.data as Partial<MyVote>).storyId;
		return isString(storyId) ? storyId : null;
	}

	#refreshMine(): void {
		if (this.role !== 'participant' || this.#destroyed || this.#closed) return;
		const asked = ++this.#mineAsked;
		const round = this.#voteRound();
		this.voteOf().then(
			(storyId) => {
				if (asked === this.#mineAsked) this.#mine = { round, storyId };
			},
			() => {}
		);
	}

	revealVote(): Promise<IntentResult> {
		return this.sendIntent({ type: 'vote.reveal' });
	}

	/** For a room without tablets: the hands counted per story. */
	voteByHand(totals: Record<string, number>): Promise<IntentResult> {
		return this.sendIntent({ type: 'vote.byHand', totals });
	}

	resetVote(): Promise<IntentResult> {
		return this.sendIntent({ type: 'vote.reset' });
	}

	pickStory(storyId: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'choice.pick', storyId });
	}

	/** The owner's answer, or a facilitator recording it for them. */
	answerConsent(answer: 'yes' | 'no'): Promise<IntentResult> {
		return this.sendIntent({ type: 'consent.answer', answer });
	}

	setRecognize(on: boolean): Promise<IntentResult> {
		return this.sendIntent({ type: 'recognize.set', on });
	}

	/** Empty text removes the note. */
	setTakeaway(text: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'takeaway.set', text });
	}

	/** Empty text removes the kind word. */
	setKindWord(text: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'kindword.set', text });
	}

	/** Someone without a device of their own; our id becomes theirs, so a resend adds no one. */
	addPerson(name: string, presence: Presence): Promise<IntentResult> {
		return this.sendIntent({ type: 'person.add', id: newItemId(), name, presence });
	}

	setTimer(step: Step, seconds: number): Promise<IntentResult> {
		return this.sendIntent({ type: 'timer.set', step, seconds });
	}

	startTimer(step: Step): Promise<IntentResult> {
		return this.sendIntent({ type: 'timer.start', step });
	}

	pauseTimer(step: Step): Promise<IntentResult> {
		return this.sendIntent({ type: 'timer.pause', step });
	}

	endRound(): Promise<IntentResult> {
		return this.sendIntent({ type: 'round.end' });
	}

	/** Locks the round (new people wait at the door) or opens it again. */
	setLocked(locked: boolean): Promise<IntentResult> {
		return this.sendIntent({ type: 'round.lock', locked });
	}

	/** Lets someone who waits at the door in. */
	admit(who: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'door.admit', who });
	}

	/** Sends someone who waits at the door away; their token stops working. */
	refuse(who: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'door.refuse', who });
	}

	/** Takes someone out of the round; their device is closed with 4410 and told kindly. */
	removePerson(who: string): Promise<IntentResult> {
		return this.sendIntent({ type: 'person.remove', who });
	}

	/** Ticks (or unticks) someone as new: only counted, for the annual report. */
	setNewcomer(who: string, on: boolean): Promise<IntentResult> {
		return this.sendIntent({ type: 'person.newcomer', who, on });
	}

	/**
	 * Erases the round for everyone: the answer comes first, then the server closes every socket
	 * of the round (ours too) with 4404. Read whatever should be kept before calling this.
	 */
	eraseRound(): Promise<IntentResult> {
		return this.sendIntent({ type: 'round.erase' });
	}

	/**
	 * Sends an intent and resolves with the server's answer. Sent at once when connected, else
	 * queued; anything unanswered when a connection drops is sent again on the next one, so intents
	 * must be idempotent on the server. Rejects when the connection is closed for good or destroyed.
	 */
	sendIntent(intent: Intent): Promise<IntentResult> {
		if (this.#destroyed || this.#closed) {
			return Promise.reject(new Error('connection is closed'));
		}
		const request: IntentRequest = { id: this.#nextIntentId++, intent };
		return new Promise<IntentResult>((resolve, reject) => {
			this.#pending.set(request.id, { request, resolve, reject });
			this.#sendFrame(request);
		});
	}

	#flushIntents(): void {
		const joinQueued = [...this.#pending.values()].some((p) => p.request.intent.type === 'join');
		if (this.#joinPresence && !joinQueued) {
			// Fire and forget: the answer only matters to whoever called join() first.
			this.sendIntent({ type: 'join', presence: this.#joinPresence }).catch(() => {});
		}
		// Map iteration follows insertion order, so intents reach the server in the order made.
		for (const { request } of this.#pending.values()) this.#sendFrame(request);
	}

	#sendFrame(request: IntentRequest): void {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MessageType.intent);
		encoding.writeVarString(encoder, JSON.stringify(request));
		// Not connected: the intent stays pending and goes out with the next connect.
		this.#provider.send(encoding.toUint8Array(encoder));
	}

	#onIntentResult(text: string): void {
		let result: IntentResult;
		try {
			result = JSON.parse(text) as IntentResult;
		} catch {
			return;
		}
		const pending = this.#pending.get(result.id);
		if (!pending) return;
		this.#pending.delete(result.id);
		pending.resolve(result);
	}

	#rejectAll(error: Error): void {
		const all = [...this.#pending.values()];
		this.#pending.clear();
		for (const pending of all) pending.reject(error);
	}

	#readVote(): VoteFields {
		const status = this.#vote.get('status');
		const round = this.#vote.get('round');
		const candidates = this.#vote.get('candidates');
		const voted = this.#vote.get('voted');
		const totals = this.#vote.get('totals');
		if (!VOTE_STATUSES.includes(status as VoteStatus)) return NO_VOTE;
		return {
			status: status as VoteStatus,
			round: isNumber(round) ? round : 0,
			candidates: Array.isArray(candidates) ? candidates.filter(isString) : [],
			voted: isNumber(voted) ? voted : 0,
			totals: isRecord(totals) ? (totals as Record<string, number>) : undefined,
			byHand: this.#vote.get('byHand') === true
		};
	}

	#readChoice(): ChoiceFields {
		const storyId = this.#choice.get('storyId');
		const consent = this.#choice.get('consent');
		const declined = this.#choice.get('declined');
		const answeredBy = this.#choice.get('answeredBy');
		if (storyId === undefined && declined === undefined) return NO_CHOICE;
		return {
			storyId: isString(storyId) ? storyId : null,
			consent: CONSENT_STATES.includes(consent as ConsentState) ? (consent as ConsentState) : null,
			declined: Array.isArray(declined) ? declined.filter(isString) : [],
			answeredBy: answeredBy === 'owner' || answeredBy === 'facilitator' ? answeredBy : undefined
		};
	}

	#readParticipants(): RoundParticipant[] {
		const entries = this.#participants.entries();
		this.#subscribeAwareness();
		this.#subscribeProvider();
		const awareness = this.#provider.awareness;
		const online: string[] = [];
		for (const [clientId, state] of awareness.getStates()) {
			// Our own entry never carries `user` locally (the server sets it on its copy).
			if (clientId === awareness.clientID) continue;
			const id = (state as Partial<AwarenessState>).user?.participantId;
			if (typeof id === 'string') online.push(id);
		}
		if (this.participantId && this.#provider.wsconnected) online.push(this.participantId);

		const list: RoundParticipant[] = [];
		for (const [id, value] of entries) {
			const entry = value as Partial<ParticipantEntry> | null;
			if (!isString(entry?.name) || !PRESENCES.includes(entry.presence as Presence)) continue;
			list.push({
				id,
				name: entry.name,
				presence: entry.presence as Presence,
				joinedAt: isNumber(entry.joinedAt) ? entry.joinedAt : 0,
				noDevice: entry.noDevice === true,
				online: online.includes(id),
				newcomer: entry.newcomer === true
			});
		}
		return list.sort(
			(a, b) =>
				a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
				a.joinedAt - b.joinedAt ||
				a.id.localeCompare(b.id)
		);
	}
}

function notes(reader: MapReader<unknown>): PersonNote[] {
	const list: PersonNote[] = [];
	for (const [by, value] of reader.entries()) {
		if (isRecord(value) && isString(value.text) && value.text !== '' && isNumber(value.at)) {
			list.push({ by, text: value.text, at: value.at });
		}
	}
	return list.sort((a, b) => a.at - b.at || a.by.localeCompare(b.by));
}

function closedReason(code: number): ClosedReason {
	switch (code) {
		case CloseCode.versionMismatch:
			return 'version';
		case CloseCode.unauthorized:
			return 'unauthorized';
		case CloseCode.roundNotFound:
			return 'notFound';
		case CloseCode.removed:
			return 'removed';
		default:
			return 'error';
	}
}

const ROUND_KEY = Symbol('kleed-round');

/** Makes `round` available to every component below the caller. Call during component init. */
export function setRound(round: RoundConnection): RoundConnection {
	return setContext(ROUND_KEY, round);
}

/** The RoundConnection set by an ancestor with `setRound`. */
export function useRound(): RoundConnection {
	const round = getContext<RoundConnection | undefined>(ROUND_KEY);
	if (!round) throw new Error('useRound() needs a setRound() in a parent component');
	return round;
}
