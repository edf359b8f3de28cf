/**
 * Encoding of the frames the relay sends, and guarded decoding of the parts of client frames the
 * relay must look inside (awareness updates). Everything here is pure.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType, SyncMessageType } from '../../src/lib/protocol.ts';
import { type IntentResult } from '../../src/lib/round/intents.ts';

/** Thrown when a frame is malformed or not allowed; closes that connection with `badFrame`. */
export class BadFrame extends Error {}

export function syncStep2Frame(update: Uint8Array): Uint8Array {
	return frame(MessageType.sync, (e) => {
		encoding.writeVarUint(e, SyncMessageType.step2);
		encoding.writeVarUint8Array(e, update);
	});
}

export function updateFrame(update: Uint8Array): Uint8Array {
	return frame(MessageType.sync, (e) => {
		encoding.writeVarUint(e, SyncMessageType.update);
		encoding.writeVarUint8Array(e, update);
	});
}

export function awarenessFrame(update: Uint8Array): Uint8Array {
	return frame(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, update));
}

/** y-protocols/auth permission-denied: the stock provider logs `reason` and carries on. */
export function permissionDeniedFrame(reason: string): Uint8Array {
	return frame(MessageType.auth, (e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarString(e, reason);
	});
}

export function intentResultFrame(result: IntentResult): Uint8Array {
	return frame(MessageType.intentResult, (e) => encoding.writeVarString(e, JSON.stringify(result)));
}

function frame(type: number, write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, type);
	write(e);
	return encoding.toUint8Array(e);
}

/** One entry of an awareness update, as on the wire. `state` is null for "removed". */
export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: Record<string, unknown> | null;
}

/** An entry as read from a client, its state still unparsed JSON (UTF-8 bytes). */
export interface RawAwarenessEntry {
	clientId: number;
	clock: number;
	stateJson: Uint8Array;
}

/**
 * Reads the structure of an awareness update: entry count, client ids, clocks and the length of
 * each state. Throws on any malformed structure (truncated varints, lengths past the end, trailing
 * bytes). The states stay unparsed: a relay drops most entries (the stock provider echoes every
 * other client's state back) and parses only the ones it keeps, with `parseAwarenessState`.
 */
/**
 * Entries in one awareness update. A stock provider echoes every batch the relay sends it, whole,
 * and a batch can hold every state of a busy round (60 people × 4 sockets, and the roles): the
 * bound is above that, so an honest client's echo is never refused. (It was 64: an honest stock
 * client in a round of 80 sockets was closed with 4400.) The frame's bytes are bounded apart.
 */
export const MAX_AWARENESS_ENTRIES = 512;

export function decodeAwarenessUpdate(update: Uint8Array): RawAwarenessEntry[] {
	const d = decoding.createDecoder(update);
	const count = decoding.readVarUint(d);
	if (count > MAX_AWARENESS_ENTRIES) throw new Error('too many awareness entries');
	const entries: RawAwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(d);
		const clock = decoding.readVarUint(d);
		// A view into `update`, not a copy.
		const stateJson = decoding.readVarUint8Array(d);
		entries.push({ clientId, clock, stateJson });
	}
	if (decoding.hasContent(d)) throw new Error('trailing bytes in awareness update');
	return entries;
}

const NULL_JSON = [0x6e, 0x75, 0x6c, 0x6c]; // "null"
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True when an entry removes its client ("null"), without parsing it. */
export function isRemoval(entry: RawAwarenessEntry): boolean {
	const bytes = entry.stateJson;
	return bytes.length === 4 && NULL_JSON.every((byte, i) => bytes[i] === byte);
}

/** Parses an entry's state. Throws on invalid UTF-8, invalid JSON, or a state that is neither an
 * object nor null. */
export function parseAwarenessState(entry: RawAwarenessEntry): Record<string, unknown> | null {
	const state: unknown = JSON.parse(utf8.decode(entry.stateJson));
	if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
		throw new Error('awareness state must be an object or null');
	}
	return state as Record<string, unknown> | null;
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const { clientId, clock, state } of entries) {
		encoding.writeVarUint(e, clientId);
		encoding.writeVarUint(e, clock);
		encoding.writeVarString(e, JSON.stringify(state));
	}
	return encoding.toUint8Array(e);
}

/** An update that carries nothing (no structs, empty delete set): what a read-only client with
 * nothing new answers to SyncStep1. */
export function isEmptyUpdate(update: Uint8Array): boolean {
	return update.length === 2 && update[0] === 0 && update[1] === 0;
}
