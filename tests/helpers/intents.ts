import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { MessageType } from '../../src/lib/protocol.ts';
import { type Intent, type IntentRequest, type IntentResult } from '../../src/lib/round/intents.ts';

/** The binary intent frame a client sends. */
export function encodeIntent(request: IntentRequest): Uint8Array<ArrayBuffer> {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.intent);
	encoding.writeVarString(e, JSON.stringify(request));
	return encoding.toUint8Array(e) as Uint8Array<ArrayBuffer>;
}

/** Sends intents over a stock provider's socket and resolves with the server's answers. */
export function intents(provider: WebsocketProvider) {
	let next = 1;
	const waiting = new Map<number, (result: IntentResult) => void>();
	provider.messageHandlers[MessageType.intentResult] = (_encoder, decoder) => {
		const result = JSON.parse(decoding.readVarString(decoder)) as IntentResult;
		waiting.get(result.id)?.(result);
		waiting.delete(result.id);
	};
	return (intent: Intent): Promise<IntentResult> => {
		const id = next++;
		return new Promise((resolve, reject) => {
			if (!provider.ws || !provider.wsconnected) return reject(new Error('not connected'));
			waiting.set(id, resolve);
			provider.ws.send(encodeIntent({ id, intent }));
		});
	};
}
