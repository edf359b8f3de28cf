/**
 * The thin interface between Kleed and an audio room. The real one (liveKitRoom.ts) wraps
 * livekit-client and is loaded only when someone joins audio; tests use a fake.
 */
export type RoomState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface AudioRoomEvents {
	/** Connection state, as the SFU connection goes. `disconnected` after connect = lost. */
	state: (state: RoomState) => void;
	/** LiveKit identities of whoever speaks now, loudest first. */
	speakers: (identities: string[]) => void;
	/** Whether the browser lets us play sound (autoplay rules); false until someone taps. */
	playback: (allowed: boolean) => void;
	/** Our microphone was muted or unmuted (by us, or by a facilitator through the server). */
	micMuted: (muted: boolean) => void;
}

export interface AudioRoom {
	connect(url: string, token: string): Promise<void>;
	disconnect(): Promise<void>;
	/** Turns the microphone on or off; rejects with the browser's error (e.g. NotAllowedError). */
	setMicrophone(enabled: boolean): Promise<void>;
	/** Call from a tap: lets the browser play the others' sound. */
	startAudio(): Promise<void>;
	readonly canPlaybackAudio: boolean;
	on<E extends keyof AudioRoomEvents>(event: E, listener: AudioRoomEvents[E]): void;
}

/** Why audio does not (fully) work, in terms a person can act on. */
export type AudioProblem =
	/** The server has no LiveKit: show the facilitator's own instructions. */
	| 'not_configured'
	/** Microphones need https (or localhost); a plain http LAN address cannot use one. */
	| 'insecure'
	| 'mic_denied'
	| 'mic_missing'
	| 'mic_busy'
	| 'mic_other'
	/** This device may not join audio (the shared tablet). */
	| 'refused'
	| 'network';

/** Turns a getUserMedia error into an AudioProblem. */
export function microphoneProblem(err: unknown): AudioProblem {
	const name = (err as { name?: string })?.name ?? '';
	if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
		return 'mic_denied';
	}
	if (
		name === 'NotFoundError' ||
		name === 'OverconstrainedError' ||
		name === 'DevicesNotFoundError'
	) {
		return 'mic_missing';
	}
	if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
		return 'mic_busy';
	}
	return 'mic_other';
}
