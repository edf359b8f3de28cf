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
