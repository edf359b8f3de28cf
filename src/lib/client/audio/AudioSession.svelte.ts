import type { AudioGrant, AwarenessAudio } from '$lib/protocol';
import { microphoneProblem, type AudioProblem, type AudioRoom } from './room';

export type AudioStatus = 'off' | 'connecting' | 'connected' | 'reconnecting' | 'lost';

export interface AudioSessionOptions {
	/** Asks our server for a LiveKit grant. Resolves `{problem}` when there is none to have. */
	fetchGrant: () => Promise<AudioGrant | { problem: AudioProblem }>;
	/** Makes the room; the default loads livekit-client only now, on first use. */
	createRoom?: () => Promise<AudioRoom>;
	/** Whether this page may use a microphone at all (https or localhost). */
	secureContext?: boolean;
	/** Listen only: the observer and the projector. */
	listenOnly?: boolean;
	/** This device carries the room's microphone and speaker. */
	roomDevice?: boolean;
	/** Waits before reconnecting after the connection is lost (tests make it instant). */
	retryDelayMs?: (attempt: number) => number;
}

const defaultRoom = async () => (await import('./liveKitRoom')).createLiveKitRoom();

/**
 * One device's sound: join, mute, who speaks, and recovering by itself. Reactive ($state) for
 * the buttons and indicators; everything that talks to LiveKit goes through AudioRoom.
 */
export class AudioSession {
	status = $state<AudioStatus>('off');
	problem = $state<AudioProblem | null>(null);
	/** Our microphone is off (by choice, by a facilitator, or because it could not start). */
	muted = $state(true);
	/** The browser blocks sound until someone taps: show a "Geluid aan" button. */
	needsTap = $state(false);
	/** LiveKit identities of whoever speaks now. */
	speakers = $state<string[]>([]);

	readonly #options: AudioSessionOptions;
	#room: AudioRoom | null = null;
	#wanted = false;
	#attempt = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Our own LiveKit identity, from the grant. */
	#identity: string | null = null;

	constructor(options: AudioSessionOptions) {
		this.#options = options;
	}

	/** What this device tells the others in awareness (`audio`), or null when not in audio. */
	get awareness(): AwarenessAudio | null {
		if (this.status === 'off') return null;
		const speaking =
			!this.muted && this.#identity !== null && this.speakers.includes(this.#identity);
		return {
			state: this.status,
			muted: this.muted,
			speaking,
			...(this.#options.roomDevice ? { room: true } : {})
		};
	}

	/** "Meedoen met geluid": call from a tap (so the browser allows sound). */
	async join(): Promise<void> {
		this.#wanted = true;
		this.problem = null;
		await this.#connect();
	}

	async leave(): Promise<void> {
		this.#wanted = false;
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		const room = this.#room;
		this.#room = null;
		this.status = 'off';
		this.speakers = [];
		this.muted = true;
		await room?.disconnect();
	}

	async setMuted(muted: boolean): Promise<void> {
		if (!this.#room || this.#options.listenOnly) return;
		try {
			await this.#room.setMicrophone(!muted);
			this.muted = muted;
			if (!muted) this.problem = null;
		} catch (err) {
			this.problem = microphoneProblem(err);
			this.muted = true;
		}
	}

	/** "Geluid aan": the browser plays sound only after a tap. */
	async allowSound(): Promise<void> {
		await this.#room?.startAudio();
		this.needsTap = !(this.#room?.canPlaybackAudio ?? true);
	}

	async #connect(): Promise<void> {
		if (!this.#wanted) return;
		this.status = this.#attempt === 0 ? 'connecting' : 'reconnecting';
		let grant: AudioGrant | { problem: AudioProblem };
		try {
			grant = await this.#options.fetchGrant();
		} catch {
			grant = { problem: 'network' };
		}
		if ('problem' in grant) {
			this.problem = grant.problem;
			if (grant.problem === 'network') return this.#retry();
			this.#wanted = false;
			this.status = 'off';
			return;
		}
		this.#identity = grant.identity;
		const room = this.#room ?? (await (this.#options.createRoom ?? defaultRoom)());
		if (!this.#room) this.#listen(room);
		this.#room = room;
		try {
			await room.connect(grant.url, grant.token);
		} catch {
			this.problem = 'network';
			return this.#retry();
		}
		this.#attempt = 0;
		this.status = 'connected';
		this.needsTap = !room.canPlaybackAudio;
		if (this.#options.listenOnly) return;
		if (this.#options.secureContext === false) {
			this.problem = 'insecure';
			return;
		}
		await this.setMuted(false);
	}

	#listen(room: AudioRoom): void {
		room.on('state', (state) => {
			if (this.#room !== room || !this.#wanted) return;
			if (state === 'disconnected' && this.status !== 'connecting') {
				// LiveKit gave up reconnecting: start again with a fresh token.
				this.status = 'lost';
				this.#retry();
				return;
			}
			if (state === 'reconnecting') this.status = 'reconnecting';
			if (state === 'connected') this.status = 'connected';
		});
		room.on('speakers', (identities) => (this.speakers = identities));
		room.on('playback', (allowed) => (this.needsTap = !allowed));
		room.on('micMuted', (muted) => (this.muted = muted));
	}

	#retry(): void {
		if (!this.#wanted) return;
		this.status = this.#attempt === 0 && this.status === 'connecting' ? 'connecting' : 'lost';
		const delay = (this.#options.retryDelayMs ?? backoff)(this.#attempt++);
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => void this.#connect(), delay);
	}
}

/** 1 s, 2 s, 4 s … up to 30 s. */
function backoff(attempt: number): number {
	return Math.min(30_000, 1000 * 2 ** attempt);
}
