/**
 * A protocol-speaking client over the relay's in-memory socket: a Y.Doc and an Awareness that
 * answer sync frames like the stock y-websocket provider does, and record everything else.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '../../src/lib/protocol.ts';
import { type Intent, type IntentResult } from '../../src/lib/round/intents.ts';
import type { Relay } from '../../server/relay/Relay.ts';
import { connectMemory, type MemoryClientEnd } from '../../server/relay/memorySocket.ts';
import type { Identity } from '../../server/rounds.ts';

export class MemoryYClient {
	static readonly #all = new Set<MemoryYClient>();
	/** Stops every client's awareness timer; call in afterEach. */
	static destroyAll(): void {
		for (const client of MemoryYClient.#all) {
			client.awareness.destroy();
			client.doc.destroy();
		}
		MemoryYClient.#all.clear();
	}
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly socket: MemoryClientEnd;
	readonly denied: string[] = [];
	readonly results: IntentResult[] = [];
	/** Every update frame received, in order. */
	readonly updates: Uint8Array[] = [];
	#nextIntent = 1;

	constructor(relay: Relay, code: string, identity: Identity) {
		MemoryYClient.#all.add(this);
		this.awareness.setLocalState(null);
		this.socket = connectMemory(relay, code, identity);
		// Frames the relay sent while connecting arrived before we listened: replay them.
		const early = [...this.socket.received];
		this.socket.onFrame((frame) => this.#onFrame(frame));
		for (const frame of early) this.#onFrame(frame);
	}

	get closed() {
		return this.socket.closed;
	}

	/** The first frame of the stock provider: SyncStep1 with our state vector. */
	syncStep1(): void {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MessageType.sync);
		syncProtocol.writeSyncStep1(e, this.doc);
		this.socket.send(encoding.toUint8Array(e));
	}

	/** Sends local doc changes as an Update frame, as the provider does on doc 'update'. */
	sendUpdates(): void {
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this) return;
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, MessageType.sync);
			syncProtocol.writeUpdate(e, update);
			this.socket.send(encoding.toUint8Array(e));
		});
	}

	setAwareness(state: Record<string, unknown> | null): void {
		this.awareness.setLocalState(state);
		this.sendAwareness([this.doc.clientID]);
	}

	/** Sends every awareness change it hears back to the server, as the stock provider does. */
	echoAwareness(): void {
		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
				this.sendAwareness(added.concat(updated, removed))
		);
	}

	sendAwareness(clients: number[]): void {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MessageType.awareness);
		encoding.writeVarUint8Array(
			e,
			awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)
		);
		this.socket.send(encoding.toUint8Array(e));
	}

	sendIntent(intent: Intent | Record<string, unknown>): number {
		const id = this.#nextIntent++;
		this.sendRawIntent(JSON.stringify({ id, intent }));
		return id;
	}

	/** Sends an intent and resolves with its answer (the relay answers after its flush). */
	async request(intent: Intent | Record<string, unknown>): Promise<IntentResult> {
		const id = this.sendIntent(intent);
		for (let turn = 0; turn < 100; turn++) {
			const result = this.results.find((r) => r.id === id);
			if (result) return result;
			await tick();
		}
		throw new Error(`no answer to intent ${id}`);
	}

	sendRawIntent(text: string): void {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MessageType.intent);
		encoding.writeVarString(e, text);
		this.socket.send(encoding.toUint8Array(e));
	}

	#onFrame(frame: Uint8Array): void {
		const d = decoding.createDecoder(frame);
		const type = decoding.readVarUint(d);
		switch (type) {
			case MessageType.sync: {
				const peek = decoding.createDecoder(frame);
				decoding.readVarUint(peek);
				if (decoding.peekVarUint(peek) === 2) this.updates.push(frame);
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, MessageType.sync);
				syncProtocol.readSyncMessage(d, e, this.doc, this);
				if (encoding.length(e) > 1) this.socket.send(encoding.toUint8Array(e));
				return;
			}
			case MessageType.awareness:
				awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
				return;
			case MessageType.auth:
				decoding.readVarUint(d);
				this.denied.push(decoding.readVarString(d));
				return;
			case MessageType.intentResult:
				this.results.push(JSON.parse(decoding.readVarString(d)) as IntentResult);
				return;
			default:
				throw new Error(`unexpected frame type ${type}`);
		}
	}
}

/** Lets setImmediate callbacks (the relay's flush) run. */
export function tick(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
