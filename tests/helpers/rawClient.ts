/**
 * A hostile client: a raw websocket that sends whatever bytes it likes and records what happens.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, PROTOCOL_VERSION, SyncMessageType } from '../../src/lib/protocol.ts';
import { type Intent, type IntentResult } from '../../src/lib/round/intents.ts';

export interface RawClient {
	ws: WebSocket;
	frames: Uint8Array[];
	closed: Promise<{ code: number; reason: string }>;
	send(frame: Uint8Array): void;
	intent(intent: Intent | Record<string, unknown>, id?: number): void;
}

export function rawClient(
	port: number,
	code: string,
	token: string,
	headers: Record<string, string> = {}
): Promise<RawClient> {
	const ws = new WebSocket(
		`ws://127.0.0.1:${port}/sync/${code}?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`,
		{ headers }
	);
	const frames: Uint8Array[] = [];
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.on('close', (c, r) => resolve({ code: c, reason: r.toString() }))
	);
	ws.on('message', (data) => frames.push(new Uint8Array(data as Buffer)));
	ws.on('error', () => {});
	return new Promise((resolve, reject) => {
		ws.on('open', () =>
			resolve({
				ws,
				frames,
				closed,
				send: (frame) => ws.send(frame),
				intent: (intent, id = 1) => {
					const e = encoding.createEncoder();
					encoding.writeVarUint(e, MessageType.intent);
					encoding.writeVarString(e, JSON.stringify({ id, intent }));
					ws.send(encoding.toUint8Array(e));
				}
			})
		);
		ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
	});
}

/**
 * A sync frame carrying `change` made to a fresh doc: an Update (what a provider sends on each
 * local change) or a SyncStep2 (what it answers to a SyncStep1).
 */
export function updateFrame(
	change: (doc: Y.Doc) => void,
	kind: 'update' | 'step2' = 'update'
): Uint8Array {
	const doc = new Y.Doc();
	let update: Uint8Array = new Uint8Array();
	doc.on('update', (u: Uint8Array) => (update = u));
	change(doc);
	doc.destroy();
	return syncFrame(kind, update);
}

/** A sync frame of this kind around any update bytes. */
export function syncFrame(kind: 'update' | 'step2', update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.sync);
	encoding.writeVarUint(e, SyncMessageType[kind]);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

/** How many permission-denied answers (y-protocols auth) the client has received. */
export function denials(client: RawClient): number {
	return client.frames.filter((frame) => frame[0] === MessageType.auth).length;
}

/** The answer to the intent with this id, once it has come (undefined until then). */
export function answerOf(client: RawClient, id: number): IntentResult | undefined {
	for (const frame of client.frames) {
		if (frame[0] !== MessageType.intentResult) continue;
		const d = decoding.createDecoder(frame);
		decoding.readVarUint(d);
		const result = JSON.parse(decoding.readVarString(d)) as IntentResult;
		if (result.id === id) return result;
	}
	return undefined;
}

/** An awareness frame claiming `state` for `clientId`. */
export function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.awareness);
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}
