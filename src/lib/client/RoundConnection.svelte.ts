import { getContext, setContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import {
	CloseCode,
	MessageType,
	PROTOCOL_VERSION,
	STEPS,
	SYNC_PATH,
	type AwarenessState,
	type Presence,
	type Role
} from '$lib/protocol';
import { readMeta, readVote, type TimerState } from '$lib/round/doc';
import type { DataOf, IntentOf, IntentResult, IntentType } from '$lib/round/intents';
import { audioPresence, type AudioPresence } from './audio/awareness';
import { IntentChannel } from './IntentChannel';
import { OwnVote } from './OwnVote.svelte';
import { RoundView } from './RoundView.svelte';
import { ServerClock } from './ServerClock';
import { SyncProvider, syncUrl } from './SyncProvider';

/** Why the server ended the connection for good (close codes 4400–4499). */
export type ClosedReason = 'version' | 'notFound' | 'removed' | 'error';

export type ConnectionStatus =
	| { state: 'connecting' }
	| { state: 'connected' }
	/** Lost or never reached; the provider keeps trying with back-off. */
	| { state: 'offline' }
	/** The server said reconnecting cannot help; the provider has stopped. */
	| { state: 'closed'; reason: ClosedReason; code: number };

export interface RoundConnectionOptions {
	code: string;
	/** Facilitator key, projector/observer/tablet token or participant token: decides the role. */
	token: string;
	role: Role;
	/** Set for participants: lets the list mark "you" and count yourself online while connected. */
	participantId?: string;
	/** A socket from `openRoundSocket`, opened in this same task (SyncProvider's `socket`). */
	socket?: WebSocket;
}

// Stable objects, so `$derived(round.status)` does not change when nothing changed.
const CONNECTING: ConnectionStatus = { state: 'connecting' };
const CONNECTED: ConnectionStatus = { state: 'connected' };
const OFFLINE: ConnectionStatus = { state: 'offline' };

const CLOSED_REASONS: Record<number, ClosedReason> = {
	[CloseCode.versionMismatch]: 'version',
	[CloseCode.roundNotFound]: 'notFound',
	[CloseCode.removed]: 'removed'
};

/** Where a device's socket to the round goes, and with what (SyncProvider's options). */
function socketAddress(code: string, token: string) {
	const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
	return {
		url: `${scheme}://${window.location.host}${SYNC_PATH}`,
		room: code,
		params: { token, v: String(PROTOCOL_VERSION) }
	};
}

/**
 * Opens the round's socket ahead of its RoundConnection, to be handed to it (`socket`) in the
 * same task: the join page does so as soon as the join is answered, so the handshake runs
 * while the participant's view is built (#18).
 */
export function openRoundSocket(code: string, token: string): WebSocket {
	return new WebSocket(syncUrl(socketAddress(code, token)));
}

/**
 * The live connection to one round: the doc as the pages read it (`RoundView`), the socket's
 * life cycle, and `send(intent)`, the one way anything changes (only the server writes the doc).
 * Reactive getters subscribe to Yjs, awareness and the provider only while something reads them.
 *
 * Life cycle: construct (nothing happens on the network) -> `connect()` -> `destroy()`.
 */
export class RoundConnection extends RoundView {
	readonly code: string;
	readonly role: Role;

	readonly #doc: Y.Doc;
	readonly #provider: SyncProvider;
	readonly #intents: IntentChannel;
	readonly #clock = new ServerClock();
	readonly #own: OwnVote;

	readonly #subscribeAwareness: () => void;
	readonly #subscribeProvider: () => void;
	readonly #subscribeClock: () => void;
	readonly #subscribePending: () => void;

	/** Set once by the provider's 'closed' event; never cleared (the provider has stopped). */
	#closed: Extract<ConnectionStatus, { state: 'closed' }> | null = null;
	#everSynced = false;
	#destroyed = false;
	/** A facilitator's change was refused because the round had moved on; shown until dismissed. */
	#movedOn = $state(false);

	readonly #audio = $derived.by(() => {
		this.#subscribeAwareness();
		const awareness = this.#provider.awareness;
		return audioPresence(awareness.getStates(), {
			clientId: awareness.clientID,
			participantId: this.participantId
		});
	});

	constructor(options: RoundConnectionOptions, doc = new Y.Doc()) {
		super(doc, options.participantId);
		this.code = options.code;
		this.role = options.role;
		this.#doc = doc;

		const provider = (this.#provider = new SyncProvider(doc, {
			...socketAddress(options.code, options.token),
			socket: options.socket
		}));
		this.#intents = new IntentChannel({
			transmit(request) {
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, MessageType.intent);
				encoding.writeVarString(encoder, JSON.stringify(request));
				return provider.send(encoding.toUint8Array(encoder));
			},
			// A step move names the step it moves from; anything else sent late was made before
			// we saw what happened meanwhile. Either way a "conflict" means the round moved on.
			onAnswer: (intent, result, late) => {
				if (!result.ok && result.error === 'conflict' && (late || intent.type === 'step.set')) {
					this.#movedOn = true;
				}
			}
		});
		this.#own = new OwnVote(
			(intent) => this.send(intent),
			() => readVote(this.maps.vote).round
		);

		provider.handle(MessageType.intentResult, (decoder) => {
			this.#intents.receive(decoding.readVarString(decoder));
		});
		// Bookkeeping that must happen whether or not anything is on screen.
		provider.on('status', ({ status }) => {
			if (status !== 'connected') return;
			this.#intents.connected();
			void this.#clock.sync();
			// Our heart may have changed on another device, or the vote moved on while we slept.
			if (this.role === 'participant') this.#own.refresh();
		});
		provider.on('sync', (synced) => {
			if (synced) this.#everSynced = true;
		});
		provider.on('closed', ({ code }) => {
			this.#closed = { state: 'closed', code, reason: CLOSED_REASONS[code] ?? 'error' };
			this.#intents.close(new Error(`connection closed (${code})`));
		});
		// A new vote round (a re-vote, a reset) starts without a heart: ask again.
		if (this.role === 'participant') {
			this.maps.vote.observe(() => this.#own.seen(readVote(this.maps.vote).round));
		}

		this.#subscribeAwareness = createSubscriber((update) => {
			// 'change' (not 'update'): fires when someone comes or goes, not on the 15 s renewals.
			provider.awareness.on('change', update);
			return () => provider.awareness.off('change', update);
		});
		this.#subscribeProvider = createSubscriber((update) => {
			const events = ['status', 'sync', 'closed', 'connection-close'] as const;
			for (const event of events) provider.on(event, update);
			return () => {
				for (const event of events) provider.off(event, update);
			};
		});
		this.#subscribePending = createSubscriber((update) => this.#intents.subscribe(update));
		this.#subscribeClock = createSubscriber((update) => {
			const timer = setInterval(update, 250);
			return () => clearInterval(timer);
		});
	}

	/** Opens the websocket. The provider reconnects by itself after transient failures. */
	connect(): void {
		if (!this.#destroyed) this.#provider.connect();
	}

	/** Closes the websocket for good and frees the doc. The instance cannot be used again. */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#intents.close(new Error('connection destroyed'));
		// destroy() disconnects first, which tells the server our awareness state is gone.
		this.#provider.destroy();
		this.#doc.destroy();
	}

	/* --- intents -------------------------------------------------------------------------- */

	/**
	 * Sends an intent and resolves with the server's answer. Sent at once when connected, else
	 * queued; anything unanswered when a connection drops is sent again on the next one. Rejects
	 * when the connection is closed for good or destroyed.
	 */
	send<K extends IntentType>(intent: IntentOf<K>): Promise<IntentResult<DataOf<K>>> {
		return this.#intents.send(intent);
	}

	/**
	 * Puts this participant on the kleed now and after every reconnect (join is idempotent on the
	 * server), so a tablet that slept or lost wifi reappears without anyone doing anything.
	 */
	join(presence: Presence): Promise<IntentResult> {
		return this.#intents.replay({ type: 'join', presence });
	}

	/**
	 * One step forward (+1) or back (-1), from the step we see now: a double click, or two
	 * facilitators at once, move the round once (the server answers the other "conflict").
	 */
	moveStep(delta: 1 | -1): Promise<IntentResult> | null {
		// The map itself, not `this.step`: a `$derived` read in an event handler may be stale.
		const from = readMeta(this.maps.meta).step;
		const to = from && STEPS[STEPS.indexOf(from) + delta];
		return from && to ? this.send({ type: 'step.set', from, to }) : null;
	}

	/** Opens the next vote round: among `candidates`, or among all stories. */
	openVote(candidates?: string[]): Promise<IntentResult> {
		const round = readVote(this.maps.vote).round + 1;
		return this.send(
			candidates ? { type: 'vote.open', round, candidates } : { type: 'vote.open', round }
		);
	}

	/**
	 * Gives this participant's heart (or, on the shared tablet, the heart of participant `as`).
	 * Our own is shown at once, then confirmed by asking the server, which alone knows the ballots.
	 */
	castVote(storyId: string, as?: string): Promise<IntentResult> {
		return as ? this.send({ type: 'vote.cast', storyId, as }) : this.#own.cast(storyId);
	}

	/** Takes our heart back. */
	clearVote(): Promise<IntentResult> {
		return this.#own.clear();
	}

	/**
	 * This participant's own heart in the open (or revealed) vote, as the server last told us:
	 * only the voter is ever told, and only when they ask (after a reconnect, after a cast).
	 */
	get myVote(): string | null {
		return this.#own.in(this.vote.round);
	}

	/** Intents sent or queued and not answered yet: for a "not confirmed yet" hint. */
	get pending(): number {
		this.#subscribePending();
		return this.#intents.pending;
	}

	/** A change of ours was refused because the round had moved on (see `send`). */
	get movedOn(): boolean {
		return this.#movedOn;
	}

	dismissMovedOn(): void {
		this.#movedOn = false;
	}

	/* --- the clock ------------------------------------------------------------------------ */

	/** Milliseconds left on a timer, by the server's clock. */
	remainingMs(timer: TimerState, now = this.serverNow()): number {
		return Math.max(0, timer.endsAt === null ? timer.remainingMs : timer.endsAt - now);
	}

	/** The server's clock now (ours plus the offset measured on the last connect). */
	serverNow(): number {
		return this.#clock.now();
	}

	/** `serverNow()` that ticks four times a second while something reads it (timer displays). */
	get now(): number {
		this.#subscribeClock();
		return this.serverNow();
	}

	/* --- awareness ------------------------------------------------------------------------ */

	protected override online(): string[] {
		this.#subscribeAwareness();
		this.#subscribeProvider();
		const awareness = this.#provider.awareness;
		const online: string[] = [];
		for (const [clientId, state] of awareness.getStates()) {
			// Our own entry never carries `user` locally (the server sets it on its copy).
			if (clientId === awareness.clientID) continue;
			const id = (state as Partial<AwarenessState>).user?.participantId;
			if (typeof id === 'string') online.push(id);
		}
		if (this.participantId && this.#provider.wsconnected) online.push(this.participantId);
		return online;
	}

	/**
	 * Whether a trainer is watching (an observer's awareness state). The room must always know,
	 * so every page shows it. The observer's own page counts itself: our own awareness entry
	 * never carries `user` locally (the server sets it on its copy).
	 */
	get observed(): boolean {
		if (this.role === 'observer') return true;
		this.#subscribeAwareness();
		const awareness = this.#provider.awareness;
		for (const [clientId, state] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			if ((state as Partial<AwarenessState>).user?.role === 'observer') return true;
		}
		return false;
	}

	/** Everyone's sound, from awareness: by participant id, and the room device. Ours included. */
	get audio(): AudioPresence {
		return this.#audio;
	}

	/**
	 * Sets one field of this device's own awareness state (e.g. `audio`), keeping the others.
	 * The server overwrites `user` whatever we say, so that one is not ours to set.
	 */
	setLocalAwareness(field: string, value: unknown): void {
		if (this.#destroyed || field === 'user') return;
		const awareness = this.#provider.awareness;
		// Skip unchanged values: every change is a frame to the server and to every device.
		const current = (awareness.getLocalState() as Record<string, unknown> | null)?.[field];
		if (JSON.stringify(current) === JSON.stringify(value)) return;
		awareness.setLocalStateField(field, value);
	}

	/* --- connection ----------------------------------------------------------------------- */

	get status(): ConnectionStatus {
		this.#subscribeProvider();
		if (this.#closed) return this.#closed;
		if (this.#provider.wsconnected) return CONNECTED;
		// The counter goes up on every failed or dropped connection and back to 0 once synced:
		// above 0 means we have been cut off (or never got through), not just starting up.
		return this.#provider.wsUnsuccessfulReconnects > 0 ? OFFLINE : CONNECTING;
	}

	/** True while connected and the doc has caught up with the server. */
	get synced(): boolean {
		this.#subscribeProvider();
		return this.#provider.synced;
	}

	/**
	 * The facilitator may steer once the doc has synced at least once: before that, the console
	 * would offer moves from a step it has not seen. After that, changes made offline are queued
	 * and sent on reconnect; if the round moved on meanwhile, `movedOn` says so.
	 */
	get canSteer(): boolean {
		this.#subscribeProvider();
		return this.role === 'facilitator' && (this.#everSynced || this.#provider.synced);
	}
}

const ROUND_KEY = Symbol('kleed-round');

/** Makes `round` available to every component below the caller. Call during component init. */
export function setRound(round: RoundConnection): RoundConnection {
	return setContext(ROUND_KEY, round);
}

/** The RoundConnection set by an ancestor, or null outside a round (a page that shows no round). */
export function maybeRound(): RoundConnection | null {
	return getContext<RoundConnection | undefined>(ROUND_KEY) ?? null;
}

/** The RoundConnection set by an ancestor with `setRound`. */
export function useRound(): RoundConnection {
	const round = getContext<RoundConnection | undefined>(ROUND_KEY);
	if (!round) throw new Error('useRound() needs a setRound() in a parent component');
	return round;
}
