import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { MessageType } from '../../src/lib/protocol.ts';
import { type Intent, type IntentRequest, type IntentResult } from '../../src/lib/round/intents.ts';

/** The binary intent frame a client sends. */
export function encodeIntent(
	request: IntentRequest | { id: number; intent: Record<string, unknown> }
): Uint8Array<ArrayBuffer> {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.intent);
	encoding.writeVarString(e, JSON.stringify(request));
	return encoding.toUint8Array(e) as Uint8Array<ArrayBuffer>;
}

/**
 * An intent no table knows: the server answers it `invalid` and changes nothing. Its answer is an
 * ordering signal (see `IntentSender.fence`).
 */
export const FENCE = { type: 'fence' } as const;

export interface IntentSender {
	(intent: Intent): Promise<IntentResult>;
	/** Sends anything as an intent, for what the table refuses. */
	raw(intent: Record<string, unknown>): Promise<IntentResult>;
	/**
	 * Resolves once the server has answered a frame sent now. The server reads a socket's frames in
	 * order and answers an intent only after what it already did is stored and sent out, so when
	 * this resolves, every frame sent before on this socket has been handled, and every change the
	 * server made before reading it (from any socket) has reached this client.
	 */
	fence(): Promise<void>;
	/** Intents sent and not answered yet (queued while offline, or on their way). */
	readonly pending: number;
}

/**
 * Sends intents over a stock provider's socket and resolves with the server's answers, as the
 * browser's client does: while the provider is offline an intent waits in a queue, and every
 * intent not answered when a socket closes is sent again, in order, on the next one. One per
 * provider: it takes over the provider's handler of intent results.
 */
export function intents(provider: WebsocketProvider): IntentSender {
	let next = 1;
	const waiting = new Map<
		number,
		{ frame: Uint8Array<ArrayBuffer>; resolve: (r: IntentResult) => void }
	>();
	const sendFrame = (frame: Uint8Array<ArrayBuffer>) => {
		const ws = provider.ws;
		if (provider.wsconnected && ws && ws.readyState === ws.OPEN) ws.send(frame);
	};
	provider.messageHandlers[MessageType.intentResult] = (_encoder, decoder) => {
		const result = JSON.parse(decoding.readVarString(decoder)) as IntentResult;
		waiting.get(result.id)?.resolve(result);
		waiting.delete(result.id);
	};
	provider.on('status', ({ status }) => {
		// Map iteration follows insertion order: intents reach the server in the order made.
		if (status === 'connected') for (const { frame } of waiting.values()) sendFrame(frame);
	});
	const raw = (intent: Intent | Record<string, unknown>): Promise<IntentResult> => {
		const id = next++;
		const frame = encodeIntent({ id, intent: intent as Record<string, unknown> });
		return new Promise((resolve) => {
			waiting.set(id, { frame, resolve });
			sendFrame(frame);
		});
	};
	const send = (intent: Intent) => raw(intent);
	const fence = async () => {
		const answer = await raw(FENCE);
		if (answer.ok || answer.error !== 'invalid') throw new Error('the fence was not refused');
	};
	// Object.assign would read `pending` once: define the getter on the function itself.
	return Object.defineProperties(send, {
		raw: { value: raw },
		fence: { value: fence },
		pending: { get: () => waiting.size }
	}) as IntentSender;
}
