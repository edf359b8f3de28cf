import { getContext, setContext } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
	CloseCode,
	DOC_MAP,
	MessageType,
	PRESENCES,
	PROTOCOL_VERSION,
	STEPS,
	SYNC_PATH,
	type AwarenessState,
	type Intent,
	type IntentRequest,
	type IntentResult,
	type ParticipantEntry,
	type Presence,
	type Role,
	type Step
} from '$lib/protocol';

/** Why the server ended the connection for good (close codes 4400–4499). */
export type ClosedReason = 'version' | 'unauthorized' | 'notFound' | 'error';

export type ConnectionStatus =
	| { state: 'connecting' }
	| { state: 'connected' }
	/** Lost or never reached; the provider keeps trying with back-off. */
	| { state: 'offline' }
	/** The server said reconnecting cannot help; the provider has stopped. */
	| { state: 'closed'; reason: ClosedReason; code: number };

/** One person on the kleed, as the pages show them. */
export interface RoundParticipant {
	id: string;
	name: string;
	presence: Presence;
	joinedAt: number;
	/** Has a live connection right now (from awareness, so it drops within seconds). */
	online: boolean;
}

export interface RoundConnectionOptions {
	code: string;
	/** Facilitator key, projector token or participant token: decides the role on the server. */
	token: string;
	role: Role;
	/** Set for participants: lets the list mark "you" and count yourself online while connected. */
	participantId?: string;
}

// Stable objects, so `$derived(round.status)` does not change when nothing changed.
const CONNECTING: ConnectionStatus = { state: 'connecting' };
const CONNECTED: ConnectionStatus = { state: 'connected' };
const OFFLINE: ConnectionStatus = { state: 'offline' };

interface PendingIntent {
	request: IntentRequest;
	resolve: (result: IntentResult) => void;
	reject: (error: Error) => void;
}

/**
 * The live connection to one round: owns the Y.Doc and the WebsocketProvider. Reactive getters
 * subscribe to Yjs, awareness and the provider only while something (a template, a `$derived`)
 * reads them, through `createSubscriber`; nothing is copied into `$state`.
 *
 * Life cycle: construct (nothing happens on the network) -> `connect()` -> `destroy()`.
 */
export class RoundConnection {
	readonly code: string;
	readonly role: Role;
	readonly participantId: string | undefined;

	readonly #doc = new Y.Doc();
	readonly #meta: Y.Map<unknown>;
	readonly #participants: Y.Map<ParticipantEntry>;
	readonly #provider: WebsocketProvider;

	readonly #subscribeMeta: () => void;
	readonly #subscribeParticipants: () => void;
	readonly #subscribeAwareness: () => void;
	readonly #subscribeProvider: () => void;

	/** Set once by the provider's 'closed' event; never cleared (the provider has stopped). */
	#closed: Extract<ConnectionStatus, { state: 'closed' }> | null = null;
	#everSynced = false;
	#destroyed = false;
	#nextIntentId = 1;
	/** Sent-but-unanswered and not-yet-sent intents, by id. Resent after every reconnect. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	readonly #pending = new Map<number, PendingIntent>();
	/** Where this participant sits; when set, a join intent follows every (re)connect. */
	#joinPresence: Presence | null = null;

	/** Sorted once per change rather than once per read. */
	readonly #participantList = $derived.by(() => this.#readParticipants());

	constructor(options: RoundConnectionOptions) {
		this.code = options.code;
		this.role = options.role;
		this.participantId = options.participantId;
		this.#meta = this.#doc.getMap<unknown>(DOC_MAP.meta);
		this.#participants = this.#doc.getMap<ParticipantEntry>(DOC_MAP.participants);

		const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
		this.#provider = new WebsocketProvider(
			`${scheme}://${window.location.host}${SYNC_PATH}`,
			options.code,
			this.#doc,
			{
				connect: false,
				params: { token: options.token, v: String(PROTOCOL_VERSION) },
				// Must stay off: tabs of one browser would otherwise pass doc updates to each other
				// over BroadcastChannel and go around the server's read-only rule.
				disableBc: true
			}
		);
		this.#provider.messageHandlers[MessageType.intentResult] = (_encoder, decoder) => {
			this.#onIntentResult(decoding.readVarString(decoder));
		};
		// Bookkeeping that must happen whether or not anything is on screen.
		this.#provider.on('status', ({ status }) => {
			if (status !== 'connected') return;
			this.#flushIntents();
		});
		this.#provider.on('sync', (synced) => {
			if (synced) this.#everSynced = true;
		});
		this.#provider.on('closed', ({ code }) => {
			this.#closed = { state: 'closed', code, reason: closedReason(code) };
			this.#rejectAll(new Error(`connection closed (${code})`));
		});

		this.#subscribeMeta = createSubscriber((update) => {
			this.#meta.observe(update);
			return () => this.#meta.unobserve(update);
		});
		this.#subscribeParticipants = createSubscriber((update) => {
			this.#participants.observe(update);
			return () => this.#participants.unobserve(update);
		});
		this.#subscribeAwareness = createSubscriber((update) => {
			// 'change' (not 'update'): fires when someone comes or goes, not on the 15 s renewals.
			this.#provider.awareness.on('change', update);
			return () => this.#provider.awareness.off('change', update);
		});
		this.#subscribeProvider = createSubscriber((update) => {
			const events = ['status', 'sync', 'closed', 'connection-close'] as const;
			for (const event of events) this.#provider.on(event, update);
			return () => {
				for (const event of events) this.#provider.off(event, update);
			};
		});
	}

	/** Opens the websocket. The provider reconnects by itself after transient failures. */
	connect(): void {
		if (this.#destroyed) return;
		this.#provider.connect();
	}

	/** Closes the websocket for good and frees the doc. The instance cannot be used again. */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#rejectAll(new Error('connection destroyed'));
		// destroy() disconnects first, which tells the server our awareness state is gone.
		this.#provider.destroy();
		this.#provider.awareness.destroy();
		this.#doc.destroy();
	}

	/** The round's current step, or null until the first sync brought the doc in. */
	get step(): Step | null {
		this.#subscribeMeta();
		const step = this.#meta.get('step');
		return STEPS.includes(step as Step) ? (step as Step) : null;
	}

	get stepIndex(): number {
		const step = this.step;
		return step === null ? -1 : STEPS.indexOf(step);
	}

	get title(): string {
		this.#subscribeMeta();
		const title = this.#meta.get('title');
		return typeof title === 'string' ? title : '';
	}

	/** Everyone on the kleed, sorted by name, with whether they are connected right now. */
	get participants(): RoundParticipant[] {
		return this.#participantList;
	}

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

	/** The facilitator may steer once the doc has synced at least once (see setStep). */
	get canSteer(): boolean {
		this.#subscribeProvider();
		return this.role === 'facilitator' && (this.#everSynced || this.#provider.synced);
	}

	/**
	 * Moves the round to `step` (facilitators only; the server refuses others' writes anyway).
	 * Refused before the first sync: a write made before we have seen the server's state would be
	 * concurrent with everything since, and could undo a co-facilitator's newer step.
	 * After that, writes while offline are fine: they are causally after what we saw, and the
	 * provider sends them on reconnect.
	 */
	setStep(step: Step): boolean {
		if (!this.canSteer || this.#destroyed) return false;
		if (this.#meta.get('step') === step) return true;
		this.#doc.transact(() => this.#meta.set('step', step));
		return true;
	}

	/** One step forward (+1) or back (-1); stays put at the ends. */
	moveStep(delta: 1 | -1): boolean {
		const index = this.stepIndex;
		const next = STEPS[index + delta];
		if (index < 0 || next === undefined) return false;
		return this.setStep(next);
	}

	/**
	 * Puts this participant on the kleed now and after every reconnect (join is idempotent on the
	 * server), so a tablet that slept or lost wifi reappears without anyone doing anything.
	 */
	join(presence: Presence): Promise<IntentResult> {
		this.#joinPresence = presence;
		return this.sendIntent({ type: 'join', presence });
	}

	/**
	 * Sends an intent and resolves with the server's answer. Sent at once when connected, else
	 * queued; anything unanswered when a connection drops is sent again on the next one, so intents
	 * must be idempotent on the server. Rejects when the connection is closed for good or destroyed.
	 */
	sendIntent(intent: Intent): Promise<IntentResult> {
		if (this.#destroyed || this.#closed) {
			return Promise.reject(new Error('connection is closed'));
		}
		const request: IntentRequest = { id: this.#nextIntentId++, intent };
		return new Promise<IntentResult>((resolve, reject) => {
			this.#pending.set(request.id, { request, resolve, reject });
			this.#sendFrame(request);
		});
	}

	#flushIntents(): void {
		const joinQueued = [...this.#pending.values()].some((p) => p.request.intent.type === 'join');
		if (this.#joinPresence && !joinQueued) {
			// Fire and forget: the answer only matters to whoever called join() first.
			this.sendIntent({ type: 'join', presence: this.#joinPresence }).catch(() => {});
		}
		// Map iteration follows insertion order, so intents reach the server in the order made.
		for (const { request } of this.#pending.values()) this.#sendFrame(request);
	}

	#sendFrame(request: IntentRequest): void {
		const ws = this.#provider.ws;
		if (!this.#provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MessageType.intent);
		encoding.writeVarString(encoder, JSON.stringify(request));
		ws.send(encoding.toUint8Array(encoder));
	}

	#onIntentResult(text: string): void {
		let result: IntentResult;
		try {
			result = JSON.parse(text) as IntentResult;
		} catch {
			return;
		}
		const pending = this.#pending.get(result.id);
		if (!pending) return;
		this.#pending.delete(result.id);
		pending.resolve(result);
	}

	#rejectAll(error: Error): void {
		const all = [...this.#pending.values()];
		this.#pending.clear();
		for (const pending of all) pending.reject(error);
	}

	#readParticipants(): RoundParticipant[] {
		this.#subscribeParticipants();
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

		const list: RoundParticipant[] = [];
		for (const [id, entry] of this.#participants.entries()) {
			if (typeof entry?.name !== 'string' || !PRESENCES.includes(entry.presence)) continue;
			list.push({
				id,
				name: entry.name,
				presence: entry.presence,
				joinedAt: typeof entry.joinedAt === 'number' ? entry.joinedAt : 0,
				online: online.includes(id)
			});
		}
		return list.sort(
			(a, b) =>
				a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
				a.joinedAt - b.joinedAt ||
				a.id.localeCompare(b.id)
		);
	}
}

function closedReason(code: number): ClosedReason {
	switch (code) {
		case CloseCode.versionMismatch:
			return 'version';
		case CloseCode.unauthorized:
			return 'unauthorized';
		case CloseCode.roundNotFound:
			return 'notFound';
		default:
			return 'error';
	}
}

const ROUND_KEY = Symbol('kleed-round');

/** Makes `round` available to every component below the caller. Call during component init. */
export function setRound(round: RoundConnection): RoundConnection {
	return setContext(ROUND_KEY, round);
}

/** The RoundConnection set by an ancestor with `setRound`. */
export function useRound(): RoundConnection {
	const round = getContext<RoundConnection | undefined>(ROUND_KEY);
	if (!round) throw new Error('useRound() needs a setRound() in a parent component');
	return round;
}
