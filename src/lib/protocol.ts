/**
 * The wire protocol between the Kleed browser app and the Kleed server: one module, imported by
 * both sides. It must import nothing (no Svelte, no DOM, no Node, no validation library) so that
 * it stays tiny in the participant bundle and can never drift between client and server.
 *
 * Runtime validation of everything that arrives from a client lives in `./schemas.ts` (server side).
 * The human-readable description of all of this is `docs/protocol.md`; keep the two in step.
 */

/** Bumped on any incompatible change to frames, intents or the Y.Doc schema. */
export const PROTOCOL_VERSION = 3;

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
 * Who a connection is. Nobody writes the Y.Doc but the server: every role reads it and acts only
 * through intents (`./round/intents.ts`). The role always comes from the token, never from anything
 * the client says.
 */
export const ROLES = ['facilitator', 'participant', 'projector', 'observer', 'tablet'] as const;
/**
 * - facilitator: steers the round (the co-facilitator has the same key)
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
 * The Y.Doc's schema, the intents and their rules live in `./round/` (doc.ts, intents.ts, apply.ts).
 * ---------------------------------------------------------------------------------------------- */

/**
 * What a client tells about its sound, in its awareness state under `audio` (not identity, so
 * the client may set it). The board shows it beside the person.
 */
export interface AwarenessAudio {
	state: 'connecting' | 'connected' | 'reconnecting' | 'lost';
	muted: boolean;
	speaking: boolean;
	/** This device carries the room's microphone and speaker (only ROOM_DEVICE_ROLES; the relay drops it for others). */
	room?: boolean;
}

/** The roles whose machine may be the room's audio device (grant and awareness alike). */
export const ROOM_DEVICE_ROLES: readonly Role[] = ['facilitator', 'projector'];

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
	/** A practice round with simulated neighbours (#16). */
	practice?: PracticeRequest;
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

/** GET /api/health */
export interface HealthInfo {
	ok: boolean;
	protocol: number;
	/** An audio server (LiveKit) is configured: only then does Kleed offer to join the sound. */
	audio: boolean;
}

/** GET /api/rounds/{code} — public facts needed to show the join page. */
export interface RoundInfo {
	code: string;
	title: string;
	language: string;
	/** A practice round with simulated neighbours (#16). */
	practice?: true;
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
	/**
	 * The step the round is in as you joined (not for `waiting`): the page can load that step's
	 * view while the websocket connects. The synced doc stays the truth.
	 */
	step?: Step;
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

/* ------------------------------------------------------------------------------------------------
 * Practice rounds (#16): simulated neighbours; their content is in src/lib/practice/
 * ---------------------------------------------------------------------------------------------- */

/** The languages simulated neighbours speak: those of the app. */
export const PRACTICE_LANGUAGES = ['nl', 'en', 'tr', 'ar'] as const;
export type PracticeLanguage = (typeof PRACTICE_LANGUAGES)[number];

/** How fast simulated neighbours act; the facilitator changes it during the round. */
export const PRACTICE_SPEEDS = ['calm', 'normal', 'fast'] as const;
export type PracticeSpeed = (typeof PRACTICE_SPEEDS)[number];

/** What a trainer can ask to happen for sure: a tie, a "no" to the consent question, someone leaving. */
export const PRACTICE_SITUATIONS = ['tie', 'no', 'leave'] as const;
export type PracticeSituation = (typeof PRACTICE_SITUATIONS)[number];

/** How many simulated neighbours a practice round may have. */
export const PRACTICE_NEIGHBOURS = { min: 4, max: 12, default: 8 } as const;

/** What every screen knows of a practice round (`meta.practice`; null in a real round). */
export interface PracticeMeta {
	language: PracticeLanguage;
	speed: PracticeSpeed;
	neighbours: number;
	/** The neighbour without a phone or tablet, whom the trainee adds and writes for. */
	withoutDevice?: PracticeGuest;
}

/**
 * What the neighbour without a device says, step by step, for the trainee's guide: training
 * content, never a real person's words. `object` is one of the kleed's icons.
 */
export interface PracticeGuest {
	name: string;
	object: string;
	story: string;
	takeaway: string;
}

/** The `practice` part of a request to create a round (POST /api/rounds). */
export interface PracticeRequest {
	neighbours: number;
	language: PracticeLanguage;
	speed?: PracticeSpeed;
	/** Each listed situation happens for sure; without the list, each happens at random. */
	situations?: PracticeSituation[];
}

/** A simulated neighbour, for the demo view of a practice round (facilitators only). */
export interface PracticeNeighbour {
	id: string;
	name: string;
	/** Their participant token: the demo view opens their tablet with it. */
	token: string;
}

/**
 * GET /api/rounds/{code}/practice with the facilitator key: the round's simulated neighbours who
 * have joined so far, of `total`. A round that is not a practice round answers 409 `not_practice`.
 */
export interface PracticeInfo {
	neighbours: PracticeNeighbour[];
	total: number;
}

/* ------------------------------------------------------------------------------------------------
 * Groups, prepared rounds, the coordinator and the annual report (#17). docs/groups.md.
 * A group holds no participant data: its name, place, language and the template of its rounds.
 * ---------------------------------------------------------------------------------------------- */

// The constants of groups (bounds, page paths, the report's other rows) are in `./groups.ts`: the
// group and coordinator pages import them from there without the rest of this module (#17).

/** The template a group fills its rounds from. */
export interface GroupTemplate {
	/** The rounds' title ('' for none). */
	title: string;
	/** Warm-ups to choose from; a prepared round takes the first unless changed. */
	warmups: string[];
	/** Key questions (motes) to choose from. */
	moteSuggestions: string[];
	/** The closing ritual's text ('' for the default). */
	closingText: string;
	/** The group's own rules, shown after the method's rules (which always stay). */
	extraRules: string[];
	/** Minutes per step (0 or absent: no timer). */
	timers: Partial<Record<Step, number>>;
	/** How people at home join the sound (e.g. a phone number); the round's `audioHelp`. */
	homeInstructions: string;
	/** Whether names show on the room's screen. */
	namesOnProjector: boolean;
}

/** What a prepared round will start with: the template's fields, chosen for one date. */
export interface RoundPlan {
	/** The planned date, YYYY-MM-DD (the server's local date). */
	date: string;
	title: string;
	warmup: string;
	mote: string;
	closingText: string;
	extraRules: string[];
	timers: Partial<Record<Step, number>>;
	homeInstructions: string;
	namesOnProjector: boolean;
}

export interface GroupFields {
	name: string;
	/** Neighbourhood or place ('' for none). */
	location: string;
	/** The group's usual language (its rounds' language). */
	language: string;
}

/** POST /api/groups */
export interface CreateGroupRequest extends GroupFields {
	template?: GroupTemplate;
}

/** PUT /api/groups/{id}: any of the fields. */
export type UpdateGroupRequest = Partial<GroupFields> & { template?: GroupTemplate };

/** POST /api/groups: the group's secret key goes only in the fragment of its link. */
export interface CreateGroupResponse {
	id: string;
	key: string;
	/** `/groep/{id}#key=…` */
	link: string;
}

/** A round of a group that was prepared (not started) or is running now. */
export interface PreparedRound {
	code: string;
	plan: RoundPlan;
	/** Started (ms since epoch), or null: still being prepared. */
	startedAt: number | null;
	/** Carries only the code: can go on a poster ahead of the day. */
	participantLink: string;
}

/** GET /api/groups/{id} (the group's key or the coordinator's). */
export interface GroupInfo extends GroupFields {
	id: string;
	template: GroupTemplate;
	rounds: PreparedRound[];
}

/** POST /api/groups/{id}/rounds: prepare a round for a date (the plan's other fields optional). */
export type PrepareRoundRequest = Pick<RoundPlan, 'date'> & Partial<Omit<RoundPlan, 'date'>>;

/** PUT /api/groups/{id}/rounds/{code}: change the plan before the round starts. */
export type UpdatePlanRequest = Partial<RoundPlan>;

/** POST /api/groups/{id}/rounds/{code}/start: the round is open; the console's key. */
export interface StartRoundResponse {
	code: string;
	facilitatorKey: string;
	links: RoundLinks;
}

/** GET /api/coordinator: the installation's groups. */
export interface CoordinatorOverview {
	groups: (GroupFields & { id: string; prepared: number; heldThisYear: number })[];
	/** Years that have counted rounds, newest first. */
	years: number[];
}

/** Counts of one month (1-12) of one group (or of all groups). */
export interface ReportFigures {
	rounds: number;
	inRoom: number;
	remote: number;
	newcomers: number;
	/** Sum of the rounds' durations, in minutes. */
	minutes: number;
	/** Sum over rounds of people x duration, in minutes (hours: / 60). */
	attentionMinutes: number;
}

export interface ReportRow extends ReportFigures {
	month: number;
	/** A group id, NO_GROUP or REMOVED_GROUP. */
	group: string;
}

/** GET /api/coordinator/report?year= (all groups) and /api/groups/{id}/report?year= (one). */
export interface AnnualReport {
	year: number;
	/** Names of the groups in `rows` (REMOVED_GROUP and NO_GROUP are named by the page). */
	groups: { id: string; name: string; location: string }[];
	/** One row per month and group with at least one round, by month then group. */
	rows: ReportRow[];
	/** Per month (12 entries, January first), all groups together. */
	months: (ReportFigures & { month: number })[];
	total: ReportFigures;
}
