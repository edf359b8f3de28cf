import type { Identity } from '../RoundStore.ts';
import type { Relay } from './Relay.ts';
import type { RelaySocket, SocketEvents } from './socket.ts';

/**
 * An in-memory socket pair: the server end (`serverEnd`) is the RelaySocket the relay sees; this
 * object is the client end, which records what the relay sent and can send frames in. No network,
 * fully synchronous. The relay's tests use it, and so do the simulated neighbours of a practice
 * round (server/practice/MemoryClient.ts), which answer pings like a browser does.
 */
export class MemorySocket {
	readonly received: Uint8Array[] = [];
	closed: { code: number; reason: string } | null = null;
	terminated = false;
	pings = 0;
	bufferedAmount = 0;
	/** Writes to the wire: a frame sent uncorked is one, all frames held by a cork are one. */
	writes = 0;
	/** Answer the relay's pings (a moment later, as a real client would); tests leave it off. */
	answerPings = false;
	/** Keep every frame in `received` (tests read it); a long-lived client turns it off. */
	record = true;
	#corks = 0;
	#held: Uint8Array[] = [];
	#events: SocketEvents | null = null;
	#listeners = new Set<(frame: Uint8Array) => void>();
	#closeListeners = new Set<() => void>();

	/** The RelaySocket the relay sees. */
	readonly serverEnd: RelaySocket;

	constructor() {
		// eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below needs the client, not the object literal
		const client = this;
		this.serverEnd = {
			send: (data) => {
				if (client.closed || client.terminated) throw new Error('send on a closed socket');
				const copy = data.slice();
				if (client.#corks > 0) {
					client.#held.push(copy);
					return;
				}
				client.writes++;
				client.#deliver(copy);
			},
			cork: () => {
				client.#corks++;
			},
			uncork: () => {
				if (client.#corks === 0 || --client.#corks > 0) return;
				const held = client.#held;
				client.#held = [];
				if (held.length > 0) client.writes++;
				for (const frame of held) client.#deliver(frame);
			},
			close: (code, reason) => {
				if (client.closed) return;
				client.closed = { code, reason };
				client.#ended();
			},
			terminate: () => {
				if (client.terminated) return;
				client.terminated = true;
				client.#ended();
			},
			ping: () => {
				client.pings++;
				if (client.answerPings) queueMicrotask(() => client.pong());
			},
			get bufferedAmount() {
				return client.bufferedAmount;
			}
		};
	}

	#deliver(frame: Uint8Array): void {
		if (this.record) this.received.push(frame);
		for (const listener of this.#listeners) listener(frame);
	}

	#ended(): void {
		for (const listener of this.#closeListeners) listener();
		this.#closeListeners.clear();
	}

	attach(events: SocketEvents): void {
		this.#events = events;
	}

	/** Sends a frame to the relay, as a client would. */
	send(frame: Uint8Array): void {
		this.#events?.message(frame);
	}

	pong(): void {
		this.#events?.pong();
	}

	/** The client goes away (tab closed, network gone). */
	disconnect(): void {
		this.#events?.close();
	}

	onFrame(listener: (frame: Uint8Array) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called once when the relay closes or terminates this socket. */
	onClose(listener: () => void): void {
		if (this.closed || this.terminated) return listener();
		this.#closeListeners.add(listener);
	}
}

/** Connects a new in-memory client to `relay` in round `code` as `identity`. */
export function connectMemory(relay: Relay, code: string, identity: Identity): MemorySocket {
	const client = new MemorySocket();
	client.attach(relay.connect(client.serverEnd, code, identity));
	return client;
}
