import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { ROOM_DEVICE_ROLES, type AwarenessUser } from '../../src/lib/protocol.ts';
import type { Identity } from '../RoundStore.ts';
import {
	BadFrame,
	awarenessFrame,
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

/** What a round's awareness may cost (see limits.ts). */
export interface AwarenessLimits {
	/** One client's state, in bytes (JSON). Larger: the sender is closed (BadFrame). */
	maxAwarenessBytes: number;
	/** All states of the round together; beyond it a state keeps only `user` (who is here). */
	maxRoundAwarenessBytes: number;
	/** An unchanged state renewed sooner than this after the last one is not applied again. */
	awarenessRenewalMs: number;
}

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
	/** The JSON size of each client's state, and their sum: the round's awareness budget. */
	readonly #sizes = new Map<number, number>();
	#totalBytes = 0;
	/** When each client's state was last applied (for pacing renewals). */
	readonly #appliedAt = new Map<number, number>();
	/** Every state as one awareness frame, built once per change (newcomers, queryAwareness). */
	#allFrame: Uint8Array | null = null;
	readonly #limits: AwarenessLimits;
	readonly #now: () => number;

	/** `onChange` runs after every change (the owner schedules `takeChanges`). */
	constructor(
		doc: Y.Doc,
		onChange: () => void,
		limits: AwarenessLimits,
		now: () => number = () => performance.now()
	) {
		this.#limits = limits;
		this.#now = now;
		this.awareness = new awarenessProtocol.Awareness(doc);
		// The server itself has no presence.
		this.awareness.setLocalState(null);
		this.awareness.on('update', ({ added, updated, removed }: AwarenessChanges) => {
			for (const ids of [added, updated, removed]) {
				for (const id of ids) this.#changed.add(id);
			}
			this.#allFrame = null;
			onChange();
		});
	}

	/** Bytes of all states of the round together (JSON). */
	get totalBytes(): number {
		return this.#totalBytes;
	}

	/**
	 * All states as one awareness frame (null when nobody is here). Built once per change, so a
	 * thousand questions cost one encoding, not a thousand.
	 */
	allStatesFrame(): Uint8Array | null {
		const { states } = this.awareness;
		if (states.size === 0) return null;
		return (this.#allFrame ??= awarenessFrame(
			awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])
		));
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
			// Checked per entry, after the entries of others are dropped: a stock client echoing
			// the relay's batch of everyone's states is not too large, only a state of its own is.
			if (entry.stateJson.length > this.#limits.maxAwarenessBytes) {
				throw new BadFrame('awareness state too large');
			}
			const sent = parseAwarenessState(entry);
			// Identity comes from the token, never from what the client wrote; so do the fields that
			// claim a role (see `withRoles`).
			let state = sent === null ? null : withRoles(sent, sender.identity);
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
			} else if (state !== null && this.#renewedTooSoon(entry.clientId, state)) {
				// The same state again, sooner than the renewal pace: nothing to tell anyone.
				continue;
			}
			if (state !== null) state = this.#withinBudget(entry.clientId, state);
			accepted.push({ clientId: entry.clientId, clock, state });
		}
		if (accepted.length === 0) return;
		const now = this.#now();
		for (const { clientId, state } of accepted) {
			this.#appliedAt.set(clientId, now);
			this.#setSize(clientId, state === null ? 0 : JSON.stringify(state).length);
		}
		awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(accepted), sender);
	}

	#renewedTooSoon(clientId: number, state: Record<string, unknown>): boolean {
		const at = this.#appliedAt.get(clientId);
		if (at === undefined || this.#now() - at >= this.#limits.awarenessRenewalMs) return false;
		const current = this.awareness.states.get(clientId) ?? null;
		return JSON.stringify(current) === JSON.stringify(state);
	}

	/**
	 * The state as it may be kept: whole while the round's states fit its budget, else only `user`
	 * (who is here stays visible; what else a client says waits until there is room again).
	 */
	#withinBudget(clientId: number, state: Record<string, unknown>): Record<string, unknown> {
		const size = JSON.stringify(state).length;
		const others = this.#totalBytes - (this.#sizes.get(clientId) ?? 0);
		if (others + size <= this.#limits.maxRoundAwarenessBytes) return state;
		return { user: state.user };
	}

	#setSize(clientId: number, size: number): void {
		this.#totalBytes += size - (this.#sizes.get(clientId) ?? 0);
		if (size === 0) this.#sizes.delete(clientId);
		else this.#sizes.set(clientId, size);
	}

	/** The sender left: its state is removed (and that change sent to the others). */
	leave(sender: AwarenessSender): void {
		const clientId = this.#clientIdOf.get(sender);
		if (clientId === undefined) return;
		this.#clientIdOf.delete(sender);
		this.#holderOf.delete(clientId);
		this.#setSize(clientId, 0);
		this.#appliedAt.delete(clientId);
		if (this.awareness.getStates().has(clientId)) {
			awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], 'connection closed');
		}
	}

	/**
	 * The changes since the last call as one update, or null. One encoding per turn instead of one
	 * per change, and a client that changed twice in a turn is sent once, with its latest state.
	 */
	takeChanges(): { ids: number[]; update: Uint8Array } | null {
		if (this.#changed.size === 0) return null;
		const { meta } = this.awareness;
		const ids = [...this.#changed].filter((id) => meta.has(id));
		this.#changed.clear();
		if (ids.length === 0) return null;
		return { ids, update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) };
	}

	/** The client ids that have a state now. */
	ids(): number[] {
		return [...this.awareness.states.keys()];
	}

	/** The current entries of `ids` (removed ones as removals) as one update, or null. */
	encode(ids: Iterable<number>): Uint8Array | null {
		const { meta } = this.awareness;
		const known = [...ids].filter((id) => meta.has(id));
		if (known.length === 0) return null;
		return awarenessProtocol.encodeAwarenessUpdate(this.awareness, known);
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

/**
 * A state as the server keeps it: `user` from the token, and the fields that claim a role only
 * for the roles that hold it. `audio.room` (this device is the room's microphone) is kept only for
 * a facilitator's or projector's machine, the roles that may get the room's audio grant.
 */
function withRoles(sent: Record<string, unknown>, identity: Identity): Record<string, unknown> {
	const state: Record<string, unknown> = { ...sent, user: awarenessUser(identity) };
	const audio = sent.audio;
	if (
		typeof audio === 'object' &&
		audio !== null &&
		'room' in audio &&
		!ROOM_DEVICE_ROLES.includes(identity.role)
	) {
		const { room: _claimed, ...rest } = audio as Record<string, unknown>;
		state.audio = rest;
	}
	return state;
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
