import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { AwarenessUser } from '../../src/lib/protocol.ts';
import type { Identity } from '../RoundStore.ts';
import {
	decodeAwarenessUpdate,
	encodeAwarenessUpdate,
	isRemoval,
	parseAwarenessState,
	type AwarenessEntry
} from './frames.ts';

/**
 * Awareness client ids a round remembers (who used them, and their clock). A real round sees a few
 * dozen; the cap keeps a client that invents ids from growing the round's memory without end.
 */
const MAX_REMEMBERED_CLIENT_IDS = 1000;

/** Who sends awareness: one per connection (the connection object itself serves). */
export interface AwarenessSender {
	readonly identity: Identity;
}

/**
 * A round's awareness (who is here, who types), kept by the server: each connection may set and
 * remove one client id only, bound to its identity, with the identity fields taken from its token.
 * Changes are collected and sent once per loop turn (`takeChanges`).
 */
export class RoundAwareness {
	readonly awareness: awarenessProtocol.Awareness;
	/** awareness client id -> who may use it (participant id or role) for the life of the round. */
	readonly #claims = new Map<number, string>();
	/** The one client id each sender holds, and back. */
	readonly #clientIdOf = new Map<AwarenessSender, number>();
	readonly #holderOf = new Map<number, AwarenessSender>();
	/** Client ids changed since the last `takeChanges`. */
	readonly #changed = new Set<number>();

	/** `onChange` runs after every change (the owner schedules `takeChanges`). */
	constructor(doc: Y.Doc, onChange: () => void) {
		this.awareness = new awarenessProtocol.Awareness(doc);
		// The server itself has no presence.
		this.awareness.setLocalState(null);
		this.awareness.on('update', ({ added, updated, removed }: AwarenessChanges) => {
			for (const ids of [added, updated, removed]) {
				for (const id of ids) this.#changed.add(id);
			}
			onChange();
		});
	}

	/**
	 * Applies what `sender` may change of an awareness update: only its own client id, its state
	 * with the identity of its token. Throws on a malformed update or a malformed state of its own.
	 */
	receive(sender: AwarenessSender, update: Uint8Array): void {
		const accepted: AwarenessEntry[] = [];
		const { meta, states } = this.awareness;
		let own = this.#clientIdOf.get(sender);
		// The stock provider echoes every awareness change it hears, other clients' included: those
		// entries are dropped silently, unparsed (they are most of the awareness frames a busy
		// relay receives). Only the sender's own client id is ever applied.
		for (const entry of decodeAwarenessUpdate(update)) {
			if (own === undefined) {
				if (isRemoval(entry) || !this.#claim(entry.clientId, sender)) continue;
				own = entry.clientId;
			}
			if (entry.clientId !== own) continue;
			const sent = parseAwarenessState(entry);
			// Identity comes from the token, never from what the client wrote.
			const state = sent === null ? null : { ...sent, user: awarenessUser(sender.identity) };
			// Like y-protocols, an unknown client counts as clock 0 (a fresh client starts at 0 too).
			const known = meta.get(entry.clientId)?.clock ?? 0;
			let clock = entry.clock;
			if (clock <= known) {
				// Not newer than what we have. Either the client echoes the state we sent it (drop it,
				// or the two of us would bounce it back and forth forever), or a device reconnected
				// with the same client id and restarted from a clock everyone has seen: then the server
				// moves the clock on, or everyone would ignore the device until its next renewal.
				const current = states.get(entry.clientId) ?? null;
				if (JSON.stringify(current) === JSON.stringify(state)) continue;
				clock = known + 1;
			}
			accepted.push({ clientId: entry.clientId, clock, state });
		}
		if (accepted.length === 0) return;
		awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(accepted), sender);
	}

	/** The sender left: its state is removed (and that change sent to the others). */
	leave(sender: AwarenessSender): void {
		const clientId = this.#clientIdOf.get(sender);
		if (clientId === undefined) return;
		this.#clientIdOf.delete(sender);
		this.#holderOf.delete(clientId);
		if (this.awareness.getStates().has(clientId)) {
			awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], 'connection closed');
		}
	}

	/**
	 * The changes since the last call as one update, or null. One encoding per turn instead of one
	 * per change, and a client that changed twice in a turn is sent once, with its latest state.
	 */
	takeChanges(): Uint8Array | null {
		if (this.#changed.size === 0) return null;
		const { meta } = this.awareness;
		const changed = [...this.#changed].filter((id) => meta.has(id));
		this.#changed.clear();
		if (changed.length === 0) return null;
		return awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
	}

	destroy(): void {
		this.awareness.destroy();
	}

	/**
	 * Binds a client id to a sender. An id is bound to the identity that first used it for as
	 * long as the round is loaded, so nobody can take over a reconnecting person's id.
	 */
	#claim(clientId: number, sender: AwarenessSender): boolean {
		const holder = this.#holderOf.get(clientId);
		if (holder !== undefined && holder !== sender) return false;
		const owner = sender.identity.participantId ?? sender.identity.role;
		const claimedBy = this.#claims.get(clientId);
		if (claimedBy !== undefined && claimedBy !== owner) return false;
		this.#claims.set(clientId, owner);
		this.#clientIdOf.set(sender, clientId);
		this.#holderOf.set(clientId, sender);
		this.#forgetOldClaims();
		return true;
	}

	/** Forgets the oldest ids nobody holds now, beyond the cap (their clocks too). */
	#forgetOldClaims(): void {
		if (this.#claims.size <= MAX_REMEMBERED_CLIENT_IDS) return;
		for (const clientId of this.#claims.keys()) {
			if (this.#claims.size <= MAX_REMEMBERED_CLIENT_IDS) break;
			if (this.#holderOf.has(clientId)) continue;
			this.#claims.delete(clientId);
			this.awareness.meta.delete(clientId);
		}
	}
}

/** The `user` field of a connection's awareness state: from its token only. */
function awarenessUser({ role, participantId, name }: Identity): AwarenessUser {
	return participantId ? { role, participantId, name } : { role };
}

interface AwarenessChanges {
	added: number[];
	updated: number[];
	removed: number[];
}
