import * as decoding from 'lib0/decoding';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from '../../src/lib/protocol.ts';
import { applyIntent, type IntentServices, type RoundControl } from '../../src/lib/round/apply.ts';
import {
	parseIntentRequest,
	type IntentOutcome,
	type IntentResult
} from '../../src/lib/round/intents.ts';
import type { Connection } from './Connection.ts';
import {
	BadFrame,
	intentResultFrame,
	isEmptyUpdate,
	permissionDeniedFrame,
	syncStep2Frame
} from './frames.ts';
import type { RelayLimits } from './limits.ts';
import type { RoundAwareness } from './RoundAwareness.ts';

/** What a frame handler is handed by its live round. */
export interface FrameHandlerOptions {
	code: string;
	doc: Y.Doc;
	awareness: RoundAwareness;
	/** Sends every awareness state to `conn` (at its awareness pace). */
	sendAllAwareness(conn: Connection): void;
	/** Runs `fn` once everything already applied is durable (the relay's Flusher). */
	whenDurable(fn: () => void): void;
	services: IntentServices;
	/** What an intent may do to the round beyond its doc. */
	control: RoundControl;
	limits: Pick<RelayLimits, 'maxIntentChars' | 'maxStateVectorBytes'>;
	log: Logger;
}

/**
 * What a client's frame does in a live round: a sync request is answered with the round's state,
 * a doc write is refused (the server is the doc's only writer), awareness goes through the
 * round's RoundAwareness, an intent is checked and applied by the round's rules (src/lib/round).
 * Answers wait until what came before them is durable. A malformed frame closes its connection.
 */
export class FrameHandler {
	readonly #code: string;
	readonly #doc: Y.Doc;
	readonly #awareness: RoundAwareness;
	readonly #sendAllAwareness: (conn: Connection) => void;
	readonly #whenDurable: (fn: () => void) => void;
	readonly #services: IntentServices;
	readonly #control: RoundControl;
	readonly #limits: FrameHandlerOptions['limits'];
	readonly #log: Logger;

	constructor(options: FrameHandlerOptions) {
		this.#code = options.code;
		this.#doc = options.doc;
		this.#awareness = options.awareness;
		this.#sendAllAwareness = options.sendAllAwareness;
		this.#whenDurable = options.whenDurable;
		this.#services = options.services;
		this.#control = options.control;
		this.#limits = options.limits;
		this.#log = options.log;
	}

	/** Decodes and handles one frame of `conn`; the round is live. */
	handle(conn: Connection, data: Uint8Array): void {
		if (conn.closed) return;
		try {
			const decoder = decoding.createDecoder(data);
			const type = decoding.readVarUint(decoder);
			switch (type) {
				case MessageType.sync:
					return this.#onSync(conn, decoder);
				case MessageType.awareness: {
					const update = decoding.readVarUint8Array(decoder);
					expectEnd(decoder);
					// Each state's size is checked on its own, after others' entries are dropped
					// (RoundAwareness): a stock client echoes everyone's states in one frame.
					return this.#awareness.receive(conn, update);
				}
				case MessageType.queryAwareness:
					expectEnd(decoder);
					return this.#sendAllAwareness(conn);
				case MessageType.intent:
					return this.#onIntent(conn, decoder);
				default:
					// auth (2) and intentResult (11) only flow server -> client.
					throw new BadFrame(`message type ${type} not accepted from clients`);
			}
		} catch (err) {
			// Decoders (lib0, yjs, JSON) throw plain errors on malformed input: whatever a frame
			// makes them throw, only this connection pays for it.
			this.#log.info({ conn: conn.id, reason: errorMessage(err) }, 'bad frame');
			return conn.close('badFrame');
		}
	}

	#onSync(conn: Connection, decoder: decoding.Decoder): void {
		const kind = decoding.readVarUint(decoder);
		const payload = decoding.readVarUint8Array(decoder);
		expectEnd(decoder);
		switch (kind) {
			case SyncMessageType.step1: {
				// Answer once everything already applied is durable: a client never sees state a
				// crash could take back. An honest state vector is small (only the server writes the
				// doc); a huge one is refused before it is decoded at all.
				if (payload.length > this.#limits.maxStateVectorBytes) {
					throw new BadFrame('state vector too large');
				}
				Y.decodeStateVector(payload);
				this.#whenDurable(() =>
					conn.send(syncStep2Frame(Y.encodeStateAsUpdate(this.#doc, payload)))
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
					conn.send(permissionDeniedFrame('read-only connection: changes go through intents'));
				}
				return;
			}
			default:
				throw new BadFrame(`unknown sync message ${kind}`);
		}
	}

	#onIntent(conn: Connection, decoder: decoding.Decoder): void {
		const text = decoding.readVarString(decoder);
		expectEnd(decoder);
		if (text.length > this.#limits.maxIntentChars) throw new BadFrame('intent too large');
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			return this.#answer(conn, {
				id: 0,
				ok: false,
				error: 'invalid',
				message: 'intent is not JSON'
			});
		}
		const parsed = parseIntentRequest(json);
		if (!parsed.ok) {
			return this.#answer(conn, {
				id: parsed.id,
				ok: false,
				error: 'invalid',
				message: parsed.message
			});
		}
		const { id, intent } = parsed.request;
		if (!conn.takeIntent()) {
			return this.#answer(conn, {
				id,
				ok: false,
				error: 'rate_limited',
				message: 'slow down a little'
			});
		}
		let outcome: IntentOutcome;
		try {
			outcome = applyIntent(
				{
					code: this.#code,
					doc: this.#doc,
					actor: conn.identity,
					now: Date.now,
					services: this.#services,
					round: this.#control
				},
				intent
			);
		} catch (err) {
			this.#log.error({ conn: conn.id, intent: intent.type, err }, 'intent failed');
			outcome = { ok: false, error: 'server_error', message: 'the server could not do this' };
		}
		this.#answer(conn, { id, ...outcome });
	}

	/** Intent answers wait until the change they made is durable and sent. */
	#answer(conn: Connection, result: IntentResult): void {
		this.#whenDurable(() => conn.send(intentResultFrame(result)));
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
