/**
 * The relay talks to this small interface instead of `ws`, so tests can drive it with an
 * in-memory socket pair and production can plug in a `ws` WebSocket (see wsSocket.ts).
 */
export interface RelaySocket {
	send(data: Uint8Array): void;
	close(code: number, reason: string): void;
	/** Drop the connection without a closing handshake (dead peer). */
	terminate(): void;
	ping(): void;
	/** Bytes queued for sending but not yet written; used to drop slow consumers. */
	readonly bufferedAmount: number;
	/** Holds writes until `uncork`: the frames sent in between leave in one write (one syscall). */
	cork(): void;
	uncork(): void;
}

/** What the socket adapter calls when something happens on the wire. */
export interface SocketEvents {
	message(data: Uint8Array): void;
	pong(): void;
	close(): void;
}
