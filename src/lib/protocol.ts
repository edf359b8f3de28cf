/**
 * The wire protocol between the Kleed browser app and the Kleed server: one module, imported by
 * both sides. It must import nothing (no Svelte, no DOM, no Node, no validation library) so that
 * it stays tiny in the participant bundle and can never drift between client and server.
 *
 * Runtime validation of everything that arrives from a client lives in `./schemas.ts` (server side).
 * The human-readable description of all of this is `docs/protocol.md`; keep the two in step.
 */

/** Bumped on any incompatible change to frames, intents or the Y.Doc schema. */
export const PROTOCOL_VERSION = 2;

/* ------------------------------------------------------------------------------------------------
 * Round codes
 * ---------------------------------------------------------------------------------------------- */

/** Round code alphabet: no 0/O and no 1/I, so a code read off a projector is typed right. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 6;

/**
 * Turns what a person typed ("abc-234 ", "abc 234") into a canonical round code, or `null` when it
 * cannot be one. Lower case is accepted; separators are ignored.
 */
export function normalizeCode(input: string): string | null {
	const code = input.toUpperCase().replace(/[\s-]/g, '');
	if (code.length !== CODE_LENGTH) return null;
	for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
	return code;
}

/* ------------------------------------------------------------------------------------------------
 * Roles, steps, presence
 * ---------------------------------------------------------------------------------------------- */

/**
 * Who a connection is. Facilitators write the Y.Doc; everyone else reads it and acts only through
 * intents. The role always comes from the token, never from anything the client says.
 */
export const ROLES = ['facilitator', 'participant', 'projector', 'observer', 'tablet'] as const;
/**
 * - facilitator: writes the doc; steers the round (the co-facilitator has the same key)
 * - participant: one person, on their own device
 * - projector: the room's screen; read-only
 * - observer: a trainer watching; read-only, sees the guide and timings; everyone sees them
 * - tablet: a shared tablet passed around the room; votes for whoever picks their name
 */
export type Role = (typeof ROLES)[number];

/** The five steps of a luisterronde, in order. */
export const STEPS = ['opening', 'choice', 'deepening', 'broadening', 'closing'] as const;
export type Step = (typeof STEPS)[number];

/** Where a participant sits: in the room, or at home ("op afstand"). */
export const PRESENCES = ['room', 'remote'] as const;
export type Presence = (typeof PRESENCES)[number];

export const NAME_MAX_LENGTH = 40;
export const TITLE_MAX_LENGTH = 80;

/* ------------------------------------------------------------------------------------------------
 * Y.Doc schema (version PROTOCOL_VERSION). Every value is plain JSON, replaced whole, never
 * mutated in place. `meta` is written by facilitators directly (step, texts, settings); every
 * other map is written by the server only, from intents (facilitators use intents there too, so
 * every change to people's content is validated the same way).
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
	waiting: 'waiting'
} as const;

export interface MetaFields {
	/** PROTOCOL_VERSION of the server that created the doc. */
	protocol: number;
	title: string;
	/** BCP 47 tag of the round's language (the UI language each person sees is their own choice). */
	language: string;
	step: Step;
	/** Server time (ms since epoch) at creation. */
	createdAt: number;
	/** Facilitator: the warm-up prompt for the Opening (empty: none). */
	warmup?: string;
	/** Facilitator: the key question of the day; empty or absent: the default text. */
	mote?: string;
	/** Facilitator: the closing-ritual text; empty or absent: the default text. */
	closingText?: string;
	/** Facilitator: hide names on the projector. */
	hideNames?: boolean;
	/** Server: when the facilitator ended the round (ms since epoch). */
	endedAt?: number;
	/** Facilitator: how people join by sound when Kleed has no audio server (e.g. a phone number). */
	audioHelp?: string;
	/** Server (from `round.lock`): new people wait at the door until a facilitator lets them in. */
	locked?: boolean;
}

/** Fields of `meta` a facilitator writes directly; the server sets the rest. */
export const FACILITATOR_META_FIELDS = [
	'step',
	'warmup',
	'mote',
	'closingText',
	'hideNames',
	'audioHelp'
] as const;

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

/**
 * What a client tells about its sound, in its awareness state under `audio` (not identity, so
 * the client may set it). The board shows it beside the person.
 */
export interface AwarenessAudio {
	state: 'connecting' | 'connected' | 'reconnecting' | 'lost';
	muted: boolean;
	speaking: boolean;
	/** This device carries the room's microphone and speaker. */
	room?: boolean;
}

/* ------------------------------------------------------------------------------------------------
 * Frames on WS /sync/{code}?token=…&v=PROTOCOL_VERSION
 *
 * Every binary frame starts with a varUint message type. 0–3 are the standard y-websocket types,
 * so the stock `WebsocketProvider` works unchanged; 10 and 11 are Kleed's own, handled on the
 * client through `SyncProvider.handle` (or the stock provider's `messageHandlers`).
 * ---------------------------------------------------------------------------------------------- */

export const MessageType = {
	/** y-protocols/sync: SyncStep1 (0), SyncStep2 (1), Update (2). */
	sync: 0,
	/** y-protocols/awareness update. */
	awareness: 1,
	/** y-protocols/auth: the server answers a refused write with permission-denied. */
	auth: 2,
	/** Ask the other side for all awareness states. */
	queryAwareness: 3,
	/** client -> server: varString(JSON IntentRequest). */
	intent: 10,
	/** server -> client: varString(JSON IntentResult). */
	intentResult: 11
} as const;
export type MessageTypeId = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types of MessageType.sync (as in y-protocols/sync). */
export const SyncMessageType = { step1: 0, step2: 1, update: 2 } as const;

/* ------------------------------------------------------------------------------------------------
 * Intents: the only way a non-facilitator changes the round. The server validates each (schema,
 * role, step, ownership, size, rate) and applies it in a transaction with origin 'server'.
 * ---------------------------------------------------------------------------------------------- */

/**
 * Every intent, by type. Who may send it and when is in the table in docs/protocol.md and in
 * server/relay/intents.ts. Items that a client creates carry an id the client chose, so an intent
 * that is sent again after a reconnect does not create a second item.
 */
export type Intent =
	// Everyone on the kleed
	| { type: 'join'; presence: Presence }
	| { type: 'happy.add'; id: string; icon: HappyIcon; text: string; by?: string | null }
	| { type: 'happy.remove'; id: string }
	| { type: 'kleed.place'; id: string; icon: KleedIcon; by?: string | null }
	| { type: 'kleed.remove'; id: string }
	// Verhaalkeuze
	| { type: 'story.post'; id: string; text: string; by?: string | null }
	| { type: 'story.withdraw'; id: string }
	| { type: 'story.retell'; id: string; text: string }
	| { type: 'vote.open'; round: number; candidates?: string[] }
	| { type: 'vote.cast'; storyId: string; as?: string }
	| { type: 'vote.clear'; as?: string }
	| { type: 'vote.mine'; as?: string }
	| { type: 'vote.reveal' }
	| { type: 'vote.byHand'; totals: Record<string, number> }
	| { type: 'vote.reset' }
	| { type: 'choice.pick'; storyId: string }
	| { type: 'consent.answer'; answer: 'yes' | 'no' }
	// Verbreding, Afsluiting
	/** `by`: a facilitator records it for someone without a device of their own. */
	| { type: 'recognize.set'; on: boolean; by?: string }
	| { type: 'takeaway.set'; text: string; by?: string }
	| { type: 'kindword.set'; text: string; by?: string }
	// The hand queue (any step)
	| { type: 'hand.raise' }
	/** A participant lowers their own hand; a facilitator may name whose (`who`). */
	| { type: 'hand.lower'; who?: string }
	/** Gives the word to `who`, or to the first in the queue. */
	| { type: 'hand.give'; who?: string }
	| { type: 'hands.clear' }
	// Facilitator housekeeping
	/** `id` becomes the new person's participant id (chosen by the client: a resend adds no one). */
	| { type: 'person.add'; id: string; name: string; presence: Presence }
	| { type: 'timer.set'; step: Step; seconds: number }
	| { type: 'timer.start'; step: Step }
	| { type: 'timer.pause'; step: Step }
	| { type: 'round.end' }
	// The closed room (#5)
	| { type: 'round.lock'; locked: boolean }
	| { type: 'door.admit'; who: string }
	| { type: 'door.refuse'; who: string }
	/** Takes someone out of the round: their token stops working, their device is told kindly. */
	| { type: 'person.remove'; who: string }
	| { type: 'person.newcomer'; who: string; on: boolean }
	/** Ends the round and erases everything but the counts. */
	| { type: 'round.erase' };
export type IntentType = Intent['type'];
export const INTENT_TYPES = [
	'join',
	'happy.add',
	'happy.remove',
	'kleed.place',
	'kleed.remove',
	'story.post',
	'story.withdraw',
	'story.retell',
	'vote.open',
	'vote.cast',
	'vote.clear',
	'vote.mine',
	'vote.reveal',
	'vote.byHand',
	'vote.reset',
	'choice.pick',
	'consent.answer',
	'recognize.set',
	'takeaway.set',
	'kindword.set',
	'hand.raise',
	'hand.lower',
	'hand.give',
	'hands.clear',
	'person.add',
	'timer.set',
	'timer.start',
	'timer.pause',
	'round.end',
	'round.lock',
	'door.admit',
	'door.refuse',
	'person.remove',
	'person.newcomer',
	'round.erase'
] as const satisfies readonly IntentType[];

/** What `vote.mine` answers (in `IntentResult.data`): only ever to the voter. */
export interface MyVote {
	storyId: string | null;
}

/** What `person.add` answers. */
export interface AddedPerson {
	participantId: string;
}

export interface IntentRequest {
	/** Chosen by the client, echoed in the result so it can match answers to requests. */
	id: number;
	intent: Intent;
}

export const INTENT_ERRORS = [
	'invalid',
	'forbidden',
	/** Not possible now (wrong step, vote not open, limit reached, …): the message says why. */
	'conflict',
	'not_found',
	'rate_limited',
	'server_error'
] as const;
export type IntentError = (typeof INTENT_ERRORS)[number];

/** server -> client, answers exactly one IntentRequest. */
export type IntentResult =
	| { id: number; ok: true; data?: unknown }
	| { id: number; ok: false; error: IntentError; message: string };

/* ------------------------------------------------------------------------------------------------
 * Awareness: each connection may set and remove only its own awareness client id. The server
 * overwrites `user` with the identity from the connection's token; clients may add `ui` hints.
 * ---------------------------------------------------------------------------------------------- */

export interface AwarenessUser {
	role: Role;
	/** Set for participants only. */
	participantId?: string;
	name?: string;
}

export interface AwarenessState {
	user: AwarenessUser;
	[key: string]: unknown;
}

/* ------------------------------------------------------------------------------------------------
 * Close codes. 4400–4499 are permanent (the providers stop reconnecting, as they should);
 * 4500–4599 are transient (the providers reconnect with back-off). 1001 and 1009 are standard.
 * ---------------------------------------------------------------------------------------------- */

export const CloseCode = {
	/** Server is shutting down or restarting; reconnect. */
	goingAway: 1001,
	/** Frame larger than the relay's maxPayload (sent by `ws` itself). */
	tooLarge: 1009,
	/** A frame could not be decoded, or is not allowed in this protocol. */
	badFrame: 4400,
	/** The token is no longer valid (e.g. revoked). */
	unauthorized: 4401,
	/** The connection tried something its role does not allow (e.g. another client's awareness). */
	forbidden: 4403,
	/** The round no longer exists (erased, or never was). */
	roundNotFound: 4404,
	/** A facilitator took this person out of the round. */
	removed: 4410,
	/** The client speaks another PROTOCOL_VERSION; reload the page. */
	versionMismatch: 4426,
	/** Unexpected server error in this connection; reconnect. */
	serverError: 4500,
	/** The client did not read its messages fast enough; reconnect. */
	slowConsumer: 4508,
	/** Too many messages in too short a time; reconnect after back-off. */
	rateLimited: 4529
} as const;
export type CloseCodeName = keyof typeof CloseCode;

/** The reason string sent with each close code (short: a close reason is at most 123 bytes). */
export const CLOSE_REASON: Record<CloseCodeName, string> = {
	goingAway: 'server going away',
	tooLarge: 'frame too large',
	badFrame: 'bad frame',
	unauthorized: 'token no longer valid',
	forbidden: 'not allowed for this role',
	roundNotFound: 'round not found',
	removed: 'removed from the round',
	versionMismatch: 'protocol version mismatch',
	serverError: 'server error',
	slowConsumer: 'slow consumer',
	rateLimited: 'rate limited'
};

/** Whether the client should try again after this close code. */
export function isPermanentClose(code: number): boolean {
	return code >= 4400 && code < 4500;
}

/* ------------------------------------------------------------------------------------------------
 * HTTP API (JSON). Errors are always `ApiError` with a readable `message`.
 * ---------------------------------------------------------------------------------------------- */

/** POST /api/rounds */
export interface CreateRoundRequest {
	title?: string;
	language?: string;
}

export interface RoundLinks {
	/** Carries the facilitator key in the fragment: never sent to a server, never logged. */
	facilitator: string;
	/** Carries only the code. */
	participant: string;
	/** Carries a read-only projector token in the fragment. */
	projector: string;
	/** For a trainer watching: read-only; everyone in the round sees that someone observes. */
	observer: string;
	/** For one tablet passed around the room to vote on ("Wie stemt nu?"). */
	tablet: string;
}

export interface CreateRoundResponse {
	code: string;
	facilitatorKey: string;
	projectorToken: string;
	links: RoundLinks;
}

/** POST /api/rounds/{code}/audio, with `Authorization: Bearer <round token>`. */
export interface AudioRequest {
	/** Ask for the room device's token (a facilitator or projector machine). */
	device?: 'room';
}

/** A short-lived LiveKit token for this round's audio room. */
export interface AudioGrant {
	/** LiveKit server URL (wss://…). */
	url: string;
	token: string;
	/** The LiveKit identity: `p:{participantId}`, `room`, or `{role}:{random}`. */
	identity: string;
}

/** POST /api/rounds/{code}/audio/mute (facilitators): mute someone's microphone. */
export interface MuteRequest {
	identity: string;
}

/** GET /api/time — the server's clock, for timers (clients keep an offset to their own). */
export interface ServerTime {
	now: number;
}

/** GET /api/rounds/{code} — public facts needed to show the join page. */
export interface RoundInfo {
	code: string;
	title: string;
	language: string;
}

/** POST /api/rounds/{code}/participants */
export interface JoinRequest {
	name: string;
	presence: Presence;
}

export interface JoinResponse {
	participantId: string;
	token: string;
	/** The round is locked: wait (poll the session) until a facilitator lets you in. */
	waiting?: boolean;
}

/** GET /api/rounds/{code}/session with `Authorization: Bearer <token>` — who this token is. */
export interface SessionInfo {
	code: string;
	role: Role;
	participantId?: string;
	name?: string;
	/** Participants in a locked round who have not been let in yet. */
	waiting?: boolean;
	/** Facilitators only: the round's links again, so any facilitator device can show them. */
	links?: RoundLinks;
	/** Facilitators only. */
	projectorToken?: string;
}

export interface ApiError {
	/** Machine-readable: 'invalid', 'not_found', 'unauthorized', 'forbidden', 'too_large', … */
	error: string;
	/** A sentence a person can read. */
	message: string;
	/** For 'invalid': which field, and what is wrong with it. */
	issues?: { path: string; message: string }[];
}

/** Path of the relay; the round code follows as the last path segment. */
export const SYNC_PATH = '/sync';

/** Page paths; the secrets travel in the fragment (`#key=` / `#token=`), never in the path. */
export const pagePaths = {
	participant: (code: string) => `/r/${code}`,
	facilitator: (code: string) => `/r/${code}/begeleider`,
	projector: (code: string) => `/r/${code}/scherm`,
	observer: (code: string) => `/r/${code}/meekijken`,
	tablet: (code: string) => `/r/${code}/tablet`
};
