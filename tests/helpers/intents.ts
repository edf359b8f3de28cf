import * as encoding from 'lib0/encoding';
import { MessageType, type IntentRequest } from '../../src/lib/protocol.ts';

/** The binary intent frame a client sends. */
export function encodeIntent(request: IntentRequest): Uint8Array<ArrayBuffer> {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.intent);
	encoding.writeVarString(e, JSON.stringify(request));
	return encoding.toUint8Array(e) as Uint8Array<ArrayBuffer>;
}
