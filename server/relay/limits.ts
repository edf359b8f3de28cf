/** The relay's limits: what one connection, one frame and one round may cost the server. */
export interface RelayLimits {
	/** Largest frame accepted, in bytes (enforced by the socket layer, e.g. ws `maxPayload`). */
	maxPayload: number;
	/** Token bucket per connection: burst size and refill rate (frames). */
	rateBurst: number;
	ratePerSecond: number;
	/** A client that lets this much pile up unsent is dropped (slowConsumer). */
	maxBufferedBytes: number;
	maxAwarenessBytes: number;
	maxIntentChars: number;
	/** Token bucket per connection for intents (on top of the frame budget). */
	intentBurst: number;
	intentsPerSecond: number;
	/** How long a round nobody is connected to stays in memory before it is compacted and unloaded. */
	idleUnloadMs: number;
	/** Ping interval; a socket that has not answered the previous ping is dropped. */
	heartbeatMs: number;

	// --- Bounds of issue #15 (relay and roles); each is listed in docs/security.md with its test.
	/** Largest SyncStep1 state vector accepted, in bytes; refused (4400) before it is decoded. */
	maxStateVectorBytes: number;
	/** Open sockets of one identity (a participant, or a role such as the projector) per round. */
	maxSocketsPerPerson: number;
	/** Open sync sockets from one client address, all rounds together. */
	maxSocketsPerAddress: number;
	/** All awareness states of one round together, in bytes; a state that would pass it: 4400. */
	maxRoundAwarenessBytes: number;
	/** A client that renews its unchanged awareness state sooner than this is not rebroadcast. */
	awarenessRenewalMs: number;
	/** Awareness sent to one connection: this many bytes per second, bursts of `awarenessBurstBytes`. */
	awarenessBytesPerSecond: number;
	awarenessBurstBytes: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
	maxPayload: 1024 * 1024,
	rateBurst: 300,
	ratePerSecond: 100,
	maxBufferedBytes: 8 * 1024 * 1024,
	maxAwarenessBytes: 8 * 1024,
	maxIntentChars: 8 * 1024,
	intentBurst: 30,
	intentsPerSecond: 5,
	idleUnloadMs: 30_000,
	heartbeatMs: 30_000,

	// --- Bounds of issue #15 (relay and roles).
	// An honest state vector is 2 varints per client that ever wrote the doc: only the server writes
	// it, so a real round's is a few bytes; 16 KiB leaves room for old rounds and is 50× below the
	// attack (0.8 MB, ~170,000 entries).
	maxStateVectorBytes: 16 * 1024,
	// A phone and a laptop, and a reconnect overlapping the socket it replaces.
	maxSocketsPerPerson: 4,
	// A community centre's wifi puts a whole circle (15 people, 2 facilitators, a projector, a
	// shared tablet, and their reconnects) behind one address, sometimes two rounds at once.
	maxSocketsPerAddress: 60,
	// 30 people (a training round) with a full 8 KiB state each is 240 KiB; honest states are ~200 B.
	maxRoundAwarenessBytes: 256 * 1024,
	// Honest clients renew every 15 s; faster renewals of an unchanged state are not rebroadcast.
	awarenessRenewalMs: 10_000,
	// A whole round's honest awareness (30 × 200 B) fits a burst many times; a flood coalesces.
	awarenessBytesPerSecond: 32 * 1024,
	awarenessBurstBytes: 64 * 1024
};

// ---------------------------------------------------------------------------------------------
// HTTP and storage bounds (#15, findings 4-7): what one address may cost the server over HTTP and
// TCP, and how much one round may hold. Every value is listed in docs/security.md with its test.
// Chosen from the method: a circle is 8-15 people, a training round rarely more than 30, and a
// community centre's wifi puts many honest devices behind one address.
// ---------------------------------------------------------------------------------------------

export interface HttpLimits {
	/** `POST /api/rounds` per address: a burst, then this many a minute. */
	roundsBurst: number;
	roundsPerMinute: number;
	/** Joins (`POST /api/rounds/{code}/participants`) per address: a burst, then this many a minute. */
	joinsBurst: number;
	joinsPerMinute: number;
	/** `POST /api/groups` per address (#17): a burst, then this many a minute. */
	groupsBurst: number;
	groupsPerMinute: number;
	/**
	 * Writes to a group per address (#17): template edits, preparing, changing, starting and
	 * removing rounds, erasing a group: a burst, then this many a minute.
	 */
	groupWritesBurst: number;
	groupWritesPerMinute: number;
	/** Reads of a group, the coordinator's overview and reports (JSON or CSV) per address (#17). */
	groupReadsBurst: number;
	groupReadsPerMinute: number;
	/** Open TCP connections per address; more are destroyed at once. */
	socketsPerAddress: number;
	/** Time for a request's headers to arrive (Node's `headersTimeout`). */
	headersTimeoutMs: number;
	/** Time for a whole request to arrive (Node's `requestTimeout`). */
	requestTimeoutMs: number;
	/** An HTTP socket that sends nothing for this long is closed (upgraded sockets excepted). */
	idleSocketMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
	roundsBurst: 10,
	roundsPerMinute: 2,
	joinsBurst: 60,
	joinsPerMinute: 30,
	// A coordinator sets up a handful of groups on one evening; a group is made once.
	groupsBurst: 10,
	groupsPerMinute: 2,
	// Preparing a month of rounds, editing each a little: tens in a sitting.
	groupWritesBurst: 60,
	groupWritesPerMinute: 30,
	// Pages read a group once when opened; the report page reads a few years and a CSV.
	groupReadsBurst: 60,
	groupReadsPerMinute: 30,
	socketsPerAddress: 200,
	headersTimeoutMs: 10_000,
	requestTimeoutMs: 20_000,
	idleSocketMs: 30_000
};

export interface RoundLimits {
	/** People in a round (admitted, without a device, or waiting are counted apart). */
	maxParticipants: number;
	/** People waiting at the door of a locked round. */
	maxWaiting: number;
	/** A round's stored doc, in bytes (sum of its stored updates). */
	maxDocBytes: number;
}

export const ROUND_LIMITS: RoundLimits = {
	maxParticipants: 60,
	maxWaiting: 20,
	maxDocBytes: 4 * 1024 * 1024
};

export interface SweepLimits {
	/** The TTL sweep erases for this long, then yields to the event loop. */
	sliceMs: number;
}

export const SWEEP_LIMITS: SweepLimits = { sliceMs: 10 };

// ---------------------------------------------------------------------------------------------
// Practice rounds (#16): simulated neighbours run inside the server process. What they may cost
// it; each value is listed in docs/security.md with its test.
// ---------------------------------------------------------------------------------------------

export interface PracticeLimits {
	/** Practice rounds whose neighbours run at once, on the whole server (more: 503). */
	maxRunning: number;
	/** Practice rounds with running neighbours created from one address (more: 429). */
	maxPerAddress: number;
	/** Simulated neighbours in one round (the request's `neighbours`; PRACTICE_NEIGHBOURS.max). */
	maxNeighbours: number;
	/** Neighbours stop when no facilitator has been connected for this long (they resume when one is). */
	facilitatorGoneMs: number;
	/** How often the runner looks at its rounds (facilitator present, round erased, ended). */
	watchMs: number;
}

export const PRACTICE_LIMITS: PracticeLimits = {
	maxRunning: 20,
	maxPerAddress: 2,
	maxNeighbours: 12,
	facilitatorGoneMs: 10 * 60_000,
	watchMs: 2_000
};

// ---------------------------------------------------------------------------------------------
// Groups and prepared rounds (#17): what one installation and one group may hold. Each value is
// listed in docs/security.md with its test.
// ---------------------------------------------------------------------------------------------

export interface GroupLimits {
	/** Groups on one installation (more: 409 `too_many_groups`). */
	maxGroups: number;
	/** Rounds of one group prepared and not started yet (more: 409 `too_many_prepared`). */
	maxPreparedPerGroup: number;
	/** How far ahead a round can be prepared, in days (a later date: 400 `invalid`). */
	maxDaysAhead: number;
}

export const GROUP_LIMITS: GroupLimits = {
	// A foundation with 8 locations; a city with many. Each is a row and a template (< 16 KiB).
	maxGroups: 200,
	// A year of weekly rounds.
	maxPreparedPerGroup: 60,
	maxDaysAhead: 366
};
