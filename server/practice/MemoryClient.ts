/**
 * A client of the relay's protocol over an in-memory socket (relay/MemorySocket.ts): a Y.Doc
 * replica and an Awareness that answer sync frames like the stock y-websocket provider does, and
 * intents sent as frames. It goes through `relay.connect` like a browser's socket after the
 * upgrade handler checked its token: the same frame and intent budgets, the same checks, the same
 * answers. The simulated neighbours of a practice round use it; so do the tests
 * (tests/helpers/memoryYClient.ts adds what only tests need).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '../../src/lib/protocol.ts';
import type { Intent, IntentResult } from '../../src/lib/round/intents.ts';
import { connectMemory, type MemorySocket } from '../relay/MemorySocket.ts';
import type { Relay } from '../relay/Relay.ts';
import type { Identity } from '../RoundStore.ts';

export class MemoryClient {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly socket: MemorySocket;
	#nextIntent = 1;
	/** Intents sent with `intent()` that wait for their answer. */
	readonly #waiting = new Map<
		number,
		{ resolve: (result: IntentResult) => void; reject: (err: Error) => void }
	>();
	/** `sync()` calls that wait for the server's SyncStep2. */
	#syncing: (() => void)[] = [];
	#closeListeners = new Set<(code: number) => void>();
	#destroyed = false;

	constructor(relay: Relay, code: string, identity: Identity, { live = false } = {}) {
		this.awareness.setLocalState(null);
		this.socket = connectMemory(relay, code, identity);
		if (live) {
			// A long-lived client: pings answered, frames not kept, awareness renewed like a browser's.
			this.socket.answerPings = true;
			this.socket.record = false;
			this.awareness.on('update', (changes: { updated: number[] }, origin: unknown) => {
				if (origin === 'local' && changes.updated.includes(this.doc.clientID)) {
					this.sendAwareness([this.doc.clientID]);
				}
			});
		}
		// Frames the relay sent while connecting arrived before we listened: replay them.
		const early = [...this.socket.received];
		if (live) this.socket.received.length = 0;
		this.socket.onFrame((frame) => this.onFrame(frame));
		for (const frame of early) this.onFrame(frame);
		this.socket.onClose(() => {
			const { code, reason } = this.socket.closed ?? { code: 0, reason: 'terminated' };
			for (const { reject } of this.#waiting.values()) {
				reject(new Error(`closed ${code} (${reason}) before the answer`));
			}
			this.#waiting.clear();
			for (const listener of this.#closeListeners) listener(code);
			this.#closeListeners.clear();
		});
	}

	get closed() {
		return this.socket.closed;
	}

	/** Called once when the relay closes this client's socket, with the close code (0: terminated). */
	onClose(listener: (code: number) => void): void {
		if (this.socket.closed || this.socket.terminated) {
			listener(this.socket.closed?.code ?? 0);
			return;
		}
		this.#closeListeners.add(listener);
	}

	/** The first frame of the stock provider: SyncStep1 with our state vector. */
	syncStep1(): void {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MessageType.sync);
		syncProtocol.writeSyncStep1(e, this.doc);
		this.socket.send(encoding.toUint8Array(e));
	}

	/** SyncStep1; resolves once the server's SyncStep2 (the round's state) has been applied. */
	sync(): Promise<void> {
		return new Promise((resolve) => {
			this.#syncing.push(resolve);
			this.syncStep1();
		});
	}

	setAwareness(state: Record<string, unknown> | null): void {
		this.awareness.setLocalState(state);
		this.sendAwareness([this.doc.clientID]);
	}

	sendAwareness(clients: number[]): void {
		if (this.socket.closed || this.socket.terminated) return;
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

	/**
	 * Sends an intent; resolves with its answer, which the server sends once everything before it
	 * is stored and sent (so the answer is also a signal that earlier frames were handled).
	 * Rejects if the connection closes first.
	 */
	intent(intent: Intent | Record<string, unknown>): Promise<IntentResult> {
		return new Promise((resolve, reject) => {
			if (this.socket.closed || this.socket.terminated) {
				return reject(new Error('the connection is closed'));
			}
			// Registered before sending: a live round may answer while `send` runs.
			const id = this.#nextIntent++;
			this.#waiting.set(id, { resolve, reject });
			this.sendRawIntent(JSON.stringify({ id, intent }));
		});
	}

	sendRawIntent(text: string): void {
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, MessageType.intent);
		encoding.writeVarString(e, text);
		this.socket.send(encoding.toUint8Array(e));
	}

	/** The client goes away (a tab closed, the network gone), then frees its doc. */
	leave(): void {
		if (!this.socket.closed && !this.socket.terminated) this.socket.disconnect();
		this.destroy();
	}

	/** Frees the replica and the awareness (and its renewal timer). */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.awareness.destroy();
		this.doc.destroy();
	}

	/** Permission-denied reasons from the server (a read-only client never gets one). */
	protected onDenied(_reason: string): void {}

	/** Every intent answer, before it resolves its `intent()` promise. */
	protected onResult(_result: IntentResult): void {}

	/** Every update frame (SyncStep2 excluded). */
	protected onUpdateFrame(_frame: Uint8Array): void {}

	protected onFrame(frame: Uint8Array): void {
		if (this.#destroyed) return;
		const d = decoding.createDecoder(frame);
		const type = decoding.readVarUint(d);
		switch (type) {
			case MessageType.sync: {
				const peek = decoding.createDecoder(frame);
				decoding.readVarUint(peek);
				if (decoding.peekVarUint(peek) === 2) this.onUpdateFrame(frame);
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, MessageType.sync);
				const kind = syncProtocol.readSyncMessage(d, e, this.doc, this);
				if (encoding.length(e) > 1) this.socket.send(encoding.toUint8Array(e));
				if (kind === syncProtocol.messageYjsSyncStep2) {
					const syncing = this.#syncing;
					this.#syncing = [];
					for (const resolve of syncing) resolve();
				}
				return;
			}
			case MessageType.awareness:
				awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
				return;
			case MessageType.auth:
				decoding.readVarUint(d);
				this.onDenied(decoding.readVarString(d));
				return;
			case MessageType.intentResult: {
				const result = JSON.parse(decoding.readVarString(d)) as IntentResult;
				this.onResult(result);
				this.#waiting.get(result.id)?.resolve(result);
				this.#waiting.delete(result.id);
				return;
			}
			default:
				throw new Error(`unexpected frame type ${type}`);
		}
	}
}
