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
	heartbeatMs: 30_000
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
