/**
 * A hostile client: a raw websocket that sends whatever bytes it likes and records what happens.
 */
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType, PROTOCOL_VERSION } from '../../src/lib/protocol.ts';
import { type Intent } from '../../src/lib/round/intents.ts';

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

/** A sync Update frame carrying `change` made to a fresh doc. */
export function updateFrame(change: (doc: Y.Doc) => void): Uint8Array {
	const doc = new Y.Doc();
	let update: Uint8Array = new Uint8Array();
	doc.on('update', (u: Uint8Array) => (update = u));
	change(doc);
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.sync);
	syncProtocol.writeUpdate(e, update);
	return encoding.toUint8Array(e);
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

export { awarenessProtocol };
