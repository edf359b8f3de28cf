/**
 * The light load generator's client (relay.bench.ts): one raw WebSocket (a TCP socket that does
 * the handshake and the framing itself) that speaks just enough of a relay's protocol to join a round, sends frames encoded before the run (only a send time is
 * written into a copy of each), and reads only what it times: it looks for the send-time marker in
 * the doc updates it receives, without decoding Yjs or awareness. A stock provider decodes every
 * frame into a Y.Doc and runs awareness timers; 4,500 of them took the CPU the server needed.
 *
 * Three dialects: Kleed (y-websocket protocol, writes as intents), the reference y-websocket
 * server (writes as doc updates) and Hocuspocus (every frame starts with the document's name, an
 * Auth message with the token comes first).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export type Kind = 'kleed' | 'reference' | 'hocuspocus';

/** A send time travels as this marker and 12 digits: microseconds of the sender's performance.now(). */
export const MARKER = '@@t=';
const MARKER_BYTES = Buffer.from(MARKER);
const DIGITS = 12;
export const STAMP_PLACEHOLDER = MARKER + '0'.repeat(DIGITS);

const SYNC = 0;
const AWARENESS = 1;
const AUTH = 2;
const SYNC_REPLY = 4; // Hocuspocus: the answer to a SyncStep1
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const INTENT = 10;

/** A frame in a relay's dialect: Hocuspocus puts the document's name first. */
export function frame(kind: Kind, room: string, write: (e: encoding.Encoder) => void): Buffer {
	const e = encoding.createEncoder();
	if (kind === 'hocuspocus') encoding.writeVarString(e, room);
	write(e);
	return Buffer.from(encoding.toUint8Array(e));
}

export function intentFrame(room: string, id: number, intent: Record<string, unknown>): Buffer {
	return frame('kleed', room, (e) => {
		encoding.writeVarUint(e, INTENT);
		encoding.writeVarString(e, JSON.stringify({ id, intent }));
	});
}

export function updateFrame(kind: Kind, room: string, update: Uint8Array): Buffer {
	return frame(kind, room, (e) => {
		encoding.writeVarUint(e, SYNC);
		encoding.writeVarUint(e, UPDATE);
		encoding.writeVarUint8Array(e, update);
	});
}

/** A frame that carries STAMP_PLACEHOLDER, and where its digits are: stamped copies are cheap. */
export class StampedFrame {
	readonly #template: Buffer;
	readonly #at: number;
	constructor(template: Buffer) {
		this.#template = template;
		this.#at = template.indexOf(STAMP_PLACEHOLDER) + MARKER.length;
		if (this.#at < MARKER.length) throw new Error('no stamp placeholder in the frame');
	}
	/** A copy with the current time in it; `now` is performance.now(). */
	stamped(now: number): Buffer {
		const copy = Buffer.from(this.#template);
		copy.write(String(Math.round(now * 1000)).padStart(DIGITS, '0'), this.#at, 'latin1');
		return copy;
	}
}

/**
 * The doc updates a writer without intents (reference, Hocuspocus) sends, encoded before the run
 * from a scratch doc: `count` sets of meta.warmup to a stamp placeholder.
 */
export function stampUpdates(kind: Kind, room: string, count: number): StampedFrame[] {
	const doc = new Y.Doc();
	const frames: StampedFrame[] = [];
	doc.on('update', (update: Uint8Array) =>
		frames.push(new StampedFrame(updateFrame(kind, room, update)))
	);
	for (let i = 0; i < count; i++) doc.getMap('meta').set('warmup', STAMP_PLACEHOLDER);
	doc.destroy();
	return frames;
}

/**
 * A participant's hand changes for a relay without intents: the same change Kleed's `hand.raise` /
 * `hand.lower` makes (the floor's order counter and the hand), written by the participant into the
 * doc, alternately raise and lower, encoded before the run.
 */
export function handUpdates(kind: Kind, room: string, count: number): Buffer[] {
	const doc = new Y.Doc();
	const frames: Buffer[] = [];
	doc.on('update', (update: Uint8Array) => frames.push(updateFrame(kind, room, update)));
	const me = String(doc.clientID);
	for (let i = 0; i < count; i++) {
		doc.transact(() => {
			const floor = doc.getMap('floor');
			if (i % 2 === 0) {
				const order = ((floor.get('nextOrder') as number | undefined) ?? 0) + 1;
				floor.set('nextOrder', order);
				doc.getMap('hands').set(me, { order, raisedAt: Date.now() });
			} else {
				doc.getMap('hands').delete(me);
			}
		});
	}
	doc.destroy();
	return frames;
}

/** Where each stamp in `data` (from `offset`) says it was sent: performance.now() in ms. */
export function readStamps(data: Buffer, offset: number, each: (sentAt: number) => void): void {
	let at = data.indexOf(MARKER_BYTES, offset);
	while (at >= 0) {
		const digits = data.toString('latin1', at + MARKER.length, at + MARKER.length + DIGITS);
		const micros = Number(digits);
		if (digits.length === DIGITS && Number.isFinite(micros)) each(micros / 1000);
		at = data.indexOf(MARKER_BYTES, at + MARKER.length);
	}
}

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

export interface RawClientOptions {
	kind: Kind;
	/** ws://127.0.0.1:PORT/path?query */
	url: string;
	room: string;
	token: string;
	/** The local address to connect from (the round's venue). */
	localAddress?: string;
	/** Called with the send time (performance.now() ms) of every stamp a doc update brings. */
	onStamp?: (sentAt: number) => void;
	/**
	 * A device that is not timed reads its socket only now and then (`drain()`): what the relay
	 * sent waits in the kernel's socket buffer (a few KB a second, far below its size), so the
	 * relay's work is the same, while the load process reads many frames in one go.
	 */
	drains?: boolean;
}

/**
 * Every socket reads into this one buffer (net's `onread`): no Buffer per read, and a paused socket
 * really stops reading (the kernel keeps the bytes). Reads are handled at once, so one is enough.
 */
const READ_BUFFER = Buffer.alloc(256 * 1024);

/** A client's WebSocket frame: binary, final, masked with a zero key (so the payload goes as is). */
export function wsFrame(payload: Uint8Array, opcode = 0x2): Buffer {
	const length = payload.length;
	const extra = length < 126 ? 0 : length < 65536 ? 2 : 8;
	const header = Buffer.alloc(2 + extra + 4); // the mask key: four zero bytes
	header[0] = 0x80 | opcode;
	if (extra === 0) header[1] = 0x80 | length;
	else if (extra === 2) {
		header[1] = 0x80 | 126;
		header.writeUInt16BE(length, 2);
	} else {
		header[1] = 0x80 | 127;
		header.writeBigUInt64BE(BigInt(length), 2);
	}
	return Buffer.concat([header, payload]);
}

/**
 * One device on a raw TCP socket speaking WebSocket itself: the handshake, then frames parsed
 * just enough to find their ends, answer pings and look at the few bytes that say what a frame
 * is. `ws` (events, a Buffer and a callback per frame) cost the load generator about as much CPU
 * as the server spent sending the frames. `ready` resolves once the relay has sent the round's
 * state (SyncStep2); `closedEarly` marks a socket closed by the server before `stop()`.
 */
export class RawClient {
	readonly ready: Promise<void>;
	closedEarly = false;
	readonly #socket: Socket;
	readonly #kind: Kind;
	readonly #room: string;
	readonly #token: string;
	readonly #onStamp?: (sentAt: number) => void;
	readonly #clientId = Math.floor(Math.random() * 0xffffffff);
	#clock = 0;
	#open = false;
	#synced = false;
	/** Why the socket closed, for the error when it closed before it was synced. */
	#why = 'closed';
	#stopping = false;
	/** Bytes of a frame (or of the handshake answer) not complete yet. */
	#pending: Buffer | null = null;
	readonly #step2: Buffer;
	#resolveReady!: () => void;
	readonly #drains: boolean;

	constructor(options: RawClientOptions) {
		const { kind, room } = options;
		this.#kind = kind;
		this.#room = room;
		this.#token = options.token;
		this.#onStamp = options.onStamp;
		this.#drains = options.drains ?? false;
		this.#step2 = wsFrame(
			frame(kind, room, (e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, STEP2);
				encoding.writeVarUint8Array(e, EMPTY_UPDATE);
			})
		);
		let rejectReady!: (err: Error) => void;
		this.ready = new Promise((resolve, reject) => {
			this.#resolveReady = resolve;
			rejectReady = reject;
		});
		const url = new URL(options.url);
		this.#socket = connect({
			host: url.hostname,
			port: Number(url.port),
			localAddress: options.localAddress,
			onread: {
				buffer: READ_BUFFER,
				callback: (bytes: number, buffer: Uint8Array) => {
					this.#read(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
					// A draining device stops reading again once it has read what was there.
					if (this.#drains && this.#synced && bytes < READ_BUFFER.length) this.#socket.pause();
					return true;
				}
			}
		});
		this.#socket.setNoDelay(true);
		this.#socket.on('connect', () => {
			this.#socket.write(
				`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
					`Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
					'Sec-WebSocket-Version: 13\r\n\r\n'
			);
		});
		this.#socket.on('close', () => {
			this.#open = false;
			if (!this.#stopping) this.closedEarly = true;
			rejectReady(new Error(`${this.#why} before it was synced`));
		});
		this.#socket.on('error', (err: NodeJS.ErrnoException) => (this.#why = err.code ?? err.message));
	}

	#hello(): void {
		this.#open = true;
		const kind = this.#kind;
		if (kind === 'hocuspocus') {
			this.send(
				frame(kind, this.#room, (e) => {
					encoding.writeVarUint(e, AUTH);
					encoding.writeVarUint(e, 0); // a token follows
					encoding.writeVarString(e, this.#token);
				})
			);
		}
		this.send(
			frame(kind, this.#room, (e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, STEP1);
				encoding.writeVarUint8Array(e, EMPTY_STATE_VECTOR);
			})
		);
		this.sendAwareness();
	}

	#read(chunk: Buffer): void {
		const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
		this.#pending = null;
		let pos = 0;
		if (!this.#open) {
			const end = buf.indexOf('\r\n\r\n');
			if (end < 0) {
				this.#pending = buf;
				return;
			}
			if (!buf.toString('latin1', 0, 12).endsWith(' 101')) {
				this.#why = `refused: ${buf.toString('latin1', 0, buf.indexOf('\r\n'))}`;
				this.#socket.destroy();
				return;
			}
			pos = end + 4;
			this.#hello();
		}
		while (buf.length - pos >= 2) {
			const opcode = buf[pos]! & 0x0f;
			let length = buf[pos + 1]! & 0x7f;
			let header = 2;
			if (length === 126) {
				if (buf.length - pos < 4) break;
				length = buf.readUInt16BE(pos + 2);
				header = 4;
			} else if (length === 127) {
				if (buf.length - pos < 10) break;
				length = Number(buf.readBigUInt64BE(pos + 2));
				header = 10;
			}
			const start = pos + header;
			const end = start + length;
			if (end > buf.length) break;
			if (opcode === 0x2) this.#message(buf, start, end);
			else if (opcode === 0x9) this.#socket.write(wsFrame(buf.subarray(start, end), 0xa));
			else if (opcode === 0x8) {
				const code = length >= 2 ? buf.readUInt16BE(start) : 0;
				this.#why = `closed by the server (${code} ${buf.toString('utf8', start + 2, end)})`;
				this.#socket.end();
			}
			pos = end;
		}
		if (pos < buf.length) this.#pending = Buffer.from(buf.subarray(pos));
	}

	/** One binary message: the relay's frame in bytes start..end of buf. */
	#message(buf: Buffer, start: number, end: number): void {
		let at = start;
		if (this.#kind === 'hocuspocus') {
			// Skip the document's name (a varString: its length, then its bytes).
			const d = decoding.createDecoder(buf.subarray(start, end));
			const length = decoding.readVarUint(d);
			at = start + d.pos + length;
		}
		const type = buf[at];
		if (type !== SYNC && type !== SYNC_REPLY) return;
		const sub = buf[at + 1];
		if (sub === UPDATE) {
			if (this.#onStamp) readStamps(buf.subarray(at + 2, end), 0, this.#onStamp);
		} else if (sub === STEP2) {
			this.#synced = true;
			this.#resolveReady();
		} else if (sub === STEP1) this.#socket.write(this.#step2);
	}

	/** A draining device reads what waits for it (and pauses again when it has). */
	drain(): void {
		if (this.#open) this.#socket.resume();
	}

	/** Sends one message of the relay's protocol (its payload; the WebSocket frame is added). */
	send(payload: Uint8Array): void {
		if (this.#open) this.#socket.write(wsFrame(payload));
	}

	/** A presence renewal: this client's own awareness entry, a new clock and a new tick. */
	sendAwareness(): void {
		const clock = ++this.#clock;
		const entry = encoding.createEncoder();
		encoding.writeVarUint(entry, 1);
		encoding.writeVarUint(entry, this.#clientId);
		encoding.writeVarUint(entry, clock);
		encoding.writeVarString(entry, `{"ui":{"tick":${clock}}}`);
		this.send(
			frame(this.#kind, this.#room, (e) => {
				encoding.writeVarUint(e, AWARENESS);
				encoding.writeVarUint8Array(e, encoding.toUint8Array(entry));
			})
		);
	}

	stop(): void {
		this.#stopping = true;
		if (this.#open) this.#socket.end(wsFrame(new Uint8Array([0x03, 0xe8]), 0x8));
		else this.#socket.destroy();
	}
}
