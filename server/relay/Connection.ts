import { CLOSE_REASON, CloseCode, type CloseCodeName } from '../../src/lib/protocol.ts';
import type { Identity } from '../RoundStore.ts';
import type { RelayLimits } from './limits.ts';
import { RateLimiter } from './RateLimiter.ts';
import type { RelaySocket, SocketEvents } from './socket.ts';

/** What a connection is handed by the round it belongs to. One object, shared by its connections. */
export interface ConnectionOptions {
	limits: Pick<
		RelayLimits,
		'rateBurst' | 'ratePerSecond' | 'intentBurst' | 'intentsPerSecond' | 'maxBufferedBytes'
	>;
	/** A frame that passed the rate limit: the round decodes and handles it. */
	onFrame(conn: Connection, data: Uint8Array): void;
	/** The connection ended (closed by us or by the peer, or terminated). Called once. */
	onClose(conn: Connection): void;
	/** Holds the socket's writes until the flush that is running ends; nothing outside a flush. */
	holdWrites(socket: RelaySocket): void;
}

let nextConnectionId = 1;

/**
 * One socket of one round, on the server's side: its identity (from the token), its rate limits,
 * sending with back-pressure, closing with a documented close code, and the heartbeat's ping.
 * It knows nothing of Yjs: every frame that passes the rate limit goes to `onFrame`, in order.
 */
export class Connection {
	readonly id = nextConnectionId++;
	readonly identity: Identity;
	/** Set by the heartbeat before each ping; a pong or any frame sets it again. */
	alive = true;
	#closed = false;
	readonly #socket: RelaySocket;
	readonly #options: ConnectionOptions;
	readonly #limiter: RateLimiter;
	readonly #intentLimiter: RateLimiter;

	constructor(socket: RelaySocket, identity: Identity, options: ConnectionOptions) {
		this.#socket = socket;
		this.identity = identity;
		this.#options = options;
		const { limits } = options;
		this.#limiter = new RateLimiter(limits.rateBurst, limits.ratePerSecond);
		this.#intentLimiter = new RateLimiter(limits.intentBurst, limits.intentsPerSecond);
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** What the socket adapter calls when something happens on the wire. */
	readonly socketEvents: SocketEvents = {
		message: (data) => this.#receive(data),
		pong: () => {
			this.alive = true;
		},
		close: () => this.#peerClosed()
	};

	/** Takes one intent from this connection's intent budget; false when it is used up. */
	takeIntent(): boolean {
		return this.#intentLimiter.take();
	}

	send(frame: Uint8Array): void {
		if (this.#closed) return;
		if (this.#socket.bufferedAmount > this.#options.limits.maxBufferedBytes) {
			return this.close('slowConsumer');
		}
		this.#options.holdWrites(this.#socket);
		this.#socket.send(frame);
	}

	/** Closes with one of the documented close codes. */
	close(name: CloseCodeName): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#socket.close(CloseCode[name], CLOSE_REASON[name]);
		this.#options.onClose(this);
	}

	/** Drops a dead peer without a closing handshake. */
	terminate(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#socket.terminate();
		this.#options.onClose(this);
	}

	ping(): void {
		this.#socket.ping();
	}

	#receive(data: Uint8Array): void {
		if (this.#closed) return;
		this.alive = true;
		if (!this.#limiter.take()) return this.close('rateLimited');
		this.#options.onFrame(this, data);
	}

	/** The socket closed from the other side. */
	#peerClosed(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#options.onClose(this);
	}
}
