/**
 * A protocol-speaking client over the relay's in-memory socket, for tests: the production
 * MemoryClient (server/practice/MemoryClient.ts: a Y.Doc and an Awareness that answer sync frames
 * like the stock y-websocket provider does, intents as frames) plus what tests read — every
 * answer, every permission-denied reason, every update frame — and a registry to free them all.
 */
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType } from '../../src/lib/protocol.ts';
import type { IntentResult } from '../../src/lib/round/intents.ts';
import { MemoryClient } from '../../server/practice/MemoryClient.ts';
import type { Relay } from '../../server/relay/Relay.ts';
import type { Identity } from '../../server/RoundStore.ts';

export class MemoryYClient extends MemoryClient {
	static readonly #all = new Set<MemoryYClient>();
	/** Stops every client's awareness timer; call in afterEach. */
	static destroyAll(): void {
		for (const client of MemoryYClient.#all) client.destroy();
		MemoryYClient.#all.clear();
	}
	readonly denied: string[] = [];
	readonly results: IntentResult[] = [];
	/** Every update frame received, in order. */
	readonly updates: Uint8Array[] = [];

	constructor(relay: Relay, code: string, identity: Identity) {
		super(relay, code, identity);
		MemoryYClient.#all.add(this);
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

	/** Sends every awareness change it hears back to the server, as the stock provider does. */
	echoAwareness(): void {
		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
				this.sendAwareness(added.concat(updated, removed))
		);
	}

	protected override onDenied(reason: string): void {
		this.denied.push(reason);
	}

	protected override onResult(result: IntentResult): void {
		this.results.push(result);
	}

	protected override onUpdateFrame(frame: Uint8Array): void {
		this.updates.push(frame);
	}
}

/** Lets setImmediate callbacks (the relay's flush) run. */
export function tick(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
