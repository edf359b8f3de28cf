import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
	CLOSE_REASON,
	CloseCode,
	MessageType,
	SyncMessageType,
	type AwarenessUser,
	type CloseCodeName
} from '../../src/lib/protocol.ts';
import { applyIntent } from '../../src/lib/round/apply.ts';
import {
	parseIntentRequest,
	type IntentOutcome,
	type IntentResult
} from '../../src/lib/round/intents.ts';
import type { Identity } from '../rounds.ts';
import {
	allAwarenessFrame,
	decodeAwarenessUpdate,
	encodeAwarenessUpdate,
	intentResultFrame,
	isEmptyUpdate,
	isRemoval,
	parseAwarenessState,
	permissionDeniedFrame,
	syncStep2Frame,
	type AwarenessEntry
} from './frames.ts';
import { RateLimiter } from './RateLimiter.ts';
import type { RelayLimits } from './Relay.ts';
import type { Room } from './Room.ts';
import type { RelaySocket } from './socket.ts';

/** Thrown by a handler when a frame is malformed; closes that connection with `badFrame`. */
class BadFrame extends Error {}

let nextConnectionId = 1;

/**
 * One socket in one room. Every frame passes, in order: rate limit -> (queue while the room
 * loads) -> guarded decode -> role policy -> handler. Any exception closes only this connection.
 */
export class Connection {
	readonly id = nextConnectionId++;
	readonly identity: Identity;
	readonly room: Room;
	/** Set by the heartbeat before each ping; a pong or any frame sets it again. */
	alive = true;
	#closed = false;
	readonly #socket: RelaySocket;
	readonly #limiter: RateLimiter;
	readonly #intentLimiter: RateLimiter;
	readonly #limits: RelayLimits;
	/** The one awareness client id this connection may set and remove. */
	#awarenessClientId: number | null = null;
	/** The socket is corked until the relay's flush ends (`release`). */
	#held = false;

	constructor(socket: RelaySocket, room: Room, identity: Identity, limits: RelayLimits) {
		this.#socket = socket;
		this.room = room;
		this.identity = identity;
		this.#limits = limits;
		this.#limiter = new RateLimiter(limits.rateBurst, limits.ratePerSecond);
		this.#intentLimiter = new RateLimiter(limits.intentBurst, limits.intentsPerSecond);
	}

	get closed(): boolean {
		return this.#closed;
	}

	get awarenessClientId(): number | null {
		return this.#awarenessClientId;
	}

	/**
	 * Called once the room is live: the first frames of the y-websocket handshake. The server never
	 * asks a client for its state (SyncStep1): nobody but the server writes the doc, so a client
	 * has nothing the round needs.
	 */
	start(): void {
		if (this.room.awareness.getStates().size > 0) this.send(allAwarenessFrame(this.room.awareness));
	}

	/** A frame from the socket. */
	receive(data: Uint8Array): void {
		if (this.#closed) return;
		this.alive = true;
		if (!this.#limiter.take()) return this.close('rateLimited');
		if (!this.room.live) return this.room.enqueue(this, data);
		this.handle(data);
	}

	/** Decodes and handles one frame; the room must be live. */
	handle(data: Uint8Array): void {
		if (this.#closed) return;
		try {
			const decoder = decoding.createDecoder(data);
			const type = decoding.readVarUint(decoder);
			switch (type) {
				case MessageType.sync:
					return this.#onSync(decoder);
				case MessageType.awareness:
					return this.#onAwareness(decoder);
				case MessageType.queryAwareness:
					expectEnd(decoder);
					return this.send(allAwarenessFrame(this.room.awareness));
				case MessageType.intent:
					return this.#onIntent(decoder);
				default:
					// auth (2) and intentResult (11) only flow server -> client.
					throw new BadFrame(`message type ${type} not accepted from clients`);
			}
		} catch (err) {
			// Decoders (lib0, yjs, JSON) throw plain errors on malformed input: whatever a frame
			// makes them throw, only this connection pays for it.
			this.room.log.info({ conn: this.id, reason: errorMessage(err) }, 'bad frame');
			return this.close('badFrame');
		}
	}

	send(frame: Uint8Array): void {
		if (this.#closed) return;
		if (this.#socket.bufferedAmount > this.#limits.maxBufferedBytes) {
			return this.close('slowConsumer');
		}
		if (!this.#held && this.room.relay.holdWrites(this)) {
			this.#held = true;
			this.#socket.cork();
		}
		this.#socket.send(frame);
	}

	/** Sends what the socket held since the flush began, in one write. */
	release(): void {
		if (!this.#held) return;
		this.#held = false;
		this.#socket.uncork();
	}

	/** Closes with one of the documented close codes and leaves the room. */
	close(name: CloseCodeName): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#socket.close(CloseCode[name], CLOSE_REASON[name]);
		this.room.remove(this);
	}

	/** Drops a dead peer without a closing handshake. */
	terminate(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#socket.terminate();
		this.room.remove(this);
	}

	ping(): void {
		this.#socket.ping();
	}

	/** The socket closed from the other side. */
	socketClosed(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.room.remove(this);
	}

	#onSync(decoder: decoding.Decoder): void {
		const kind = decoding.readVarUint(decoder);
		const payload = decoding.readVarUint8Array(decoder);
		expectEnd(decoder);
		switch (kind) {
			case SyncMessageType.step1: {
				// Answer once everything already applied is durable: a client never sees state a
				// crash could take back.
				Y.decodeStateVector(payload);
				this.room.relay.whenDurable(() =>
					this.send(syncStep2Frame(Y.encodeStateAsUpdate(this.room.doc, payload)))
				);
				return;
			}
			case SyncMessageType.step2:
			case SyncMessageType.update: {
				// The server is the doc's only writer: no client, a facilitator's neither, adds Yjs
				// structs to a round (a crafted update can cost Yjs quadratic time; the doc grows
				// only by what intents allow). The payload is never decoded. A stock provider sends an
				// empty update after syncing; that is no write and gets no answer.
				if (!isEmptyUpdate(payload)) {
					this.send(permissionDeniedFrame('read-only connection: changes go through intents'));
				}
				return;
			}
			default:
				throw new BadFrame(`unknown sync message ${kind}`);
		}
	}

	#onAwareness(decoder: decoding.Decoder): void {
		const update = decoding.readVarUint8Array(decoder);
		expectEnd(decoder);
		if (update.length > this.#limits.maxAwarenessBytes) throw new BadFrame('awareness too large');
		const accepted: AwarenessEntry[] = [];
		const { meta, states } = this.room.awareness;
		// The stock provider echoes every awareness change it hears, other clients' included: those
		// entries are dropped silently, unparsed (they are most of the awareness frames a busy
		// relay receives). Only this connection's own client id is ever applied.
		for (const entry of decodeAwarenessUpdate(update)) {
			if (this.#awarenessClientId === null) {
				if (isRemoval(entry) || !this.room.claimAwareness(entry.clientId, this)) continue;
				this.#awarenessClientId = entry.clientId;
			}
			if (entry.clientId !== this.#awarenessClientId) continue;
			const sent = parseAwarenessState(entry);
			// Identity comes from the token, never from what the client wrote.
			const state = sent === null ? null : { ...sent, user: this.awarenessUser() };
			// Like y-protocols, an unknown client counts as clock 0 (a fresh client starts at 0 too).
			const known = meta.get(entry.clientId)?.clock ?? 0;
			let clock = entry.clock;
			if (clock <= known) {
				// Not newer than what we have. Either the client echoes the state we sent it (drop it,
				// or the two of us would bounce it back and forth forever), or a device reconnected
				// with the same client id and restarted from a clock everyone has seen: then the server
				// moves the clock on, or everyone would ignore the device until its next renewal.
				const current = states.get(entry.clientId) ?? null;
				if (JSON.stringify(current) === JSON.stringify(state)) continue;
				clock = known + 1;
			}
			accepted.push({ clientId: entry.clientId, clock, state });
		}
		if (accepted.length === 0) return;
		awarenessProtocol.applyAwarenessUpdate(
			this.room.awareness,
			encodeAwarenessUpdate(accepted),
			this
		);
	}

	#onIntent(decoder: decoding.Decoder): void {
		const text = decoding.readVarString(decoder);
		expectEnd(decoder);
		if (text.length > this.#limits.maxIntentChars) throw new BadFrame('intent too large');
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			return this.#answer({ id: 0, ok: false, error: 'invalid', message: 'intent is not JSON' });
		}
		const parsed = parseIntentRequest(json);
		if (!parsed.ok) {
			return this.#answer({ id: parsed.id, ok: false, error: 'invalid', message: parsed.message });
		}
		const { id, intent } = parsed.request;
		if (!this.#intentLimiter.take()) {
			return this.#answer({ id, ok: false, error: 'rate_limited', message: 'slow down a little' });
		}
		let outcome: IntentOutcome;
		try {
			outcome = applyIntent(
				{
					code: this.room.code,
					doc: this.room.doc,
					actor: this.identity,
					now: Date.now,
					services: this.room.relay.services,
					round: this.room.relay.control(this.room.code)
				},
				intent
			);
		} catch (err) {
			this.room.log.error({ conn: this.id, intent: intent.type, err }, 'intent failed');
			outcome = { ok: false, error: 'server_error', message: 'the server could not do this' };
		}
		this.#answer({ id, ...outcome });
	}

	/** Intent answers wait until the change they made is durable and broadcast. */
	#answer(result: IntentResult): void {
		this.room.relay.whenDurable(() => this.send(intentResultFrame(result)));
	}

	awarenessUser(): AwarenessUser {
		const { role, participantId, name } = this.identity;
		return participantId ? { role, participantId, name } : { role };
	}
}

function expectEnd(decoder: decoding.Decoder): void {
	if (decoding.hasContent(decoder)) throw new BadFrame('trailing bytes');
}

/** Our own messages are safe to log; a decoder's may quote the input (names, stories): not those. */
function errorMessage(err: unknown): string {
	if (err instanceof BadFrame) return err.message;
	return err instanceof Error ? err.name : typeof err;
}
