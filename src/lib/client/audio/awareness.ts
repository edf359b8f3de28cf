import type { AwarenessAudio, AwarenessState } from '$lib/protocol';

const AUDIO_STATES: readonly AwarenessAudio['state'][] = [
	'connecting',
	'connected',
	'reconnecting',
	'lost'
];

/**
 * The `audio` field of someone's awareness state, or null when it is absent or not understood.
 * Awareness is written by every client, so nothing in it is trusted beyond its shape.
 */
export function readAwarenessAudio(value: unknown): AwarenessAudio | null {
	if (typeof value !== 'object' || value === null) return null;
	const { state, muted, speaking, room } = value as Partial<Record<keyof AwarenessAudio, unknown>>;
	if (!AUDIO_STATES.includes(state as AwarenessAudio['state'])) return null;
	const audio: AwarenessAudio = {
		state: state as AwarenessAudio['state'],
		muted: muted !== false,
		// Nobody is shown speaking with their microphone off.
		speaking: speaking === true && muted === false
	};
	if (room === true) audio.room = true;
	return audio;
}

/** Who is in the round's sound, as the board shows it. */
export interface AudioPresence {
	/** By participant id. */
	people: Map<string, AwarenessAudio>;
	/** The device that carries the room's microphone and speaker, if any. */
	room: AwarenessAudio | null;
}

const rank: Record<AwarenessAudio['state'], number> = {
	connected: 3,
	reconnecting: 2,
	connecting: 1,
	lost: 0
};

/** The better of two states for one person (two tabs, or an old one that has not gone yet). */
function better(a: AwarenessAudio | undefined, b: AwarenessAudio): AwarenessAudio {
	if (!a) return b;
	if (rank[b.state] !== rank[a.state]) return rank[b.state] > rank[a.state] ? b : a;
	return b.speaking && !a.speaking ? b : a;
}

/**
 * Sound per person from all awareness states. Our own state never carries `user` locally (the
 * server sets it on its copy), so our own entry is placed by `self.participantId`.
 */
export function audioPresence(
	states: Iterable<[number, unknown]>,
	self: { clientId: number; participantId?: string }
): AudioPresence {
	const people = new Map<string, AwarenessAudio>();
	let room: AwarenessAudio | null = null;
	for (const [clientId, raw] of states) {
		if (typeof raw !== 'object' || raw === null) continue;
		const state = raw as Partial<AwarenessState>;
		const audio = readAwarenessAudio(state.audio);
		if (!audio) continue;
		if (audio.room) {
			room = better(room ?? undefined, audio);
			continue;
		}
		const id = clientId === self.clientId ? self.participantId : state.user?.participantId;
		if (typeof id === 'string') people.set(id, better(people.get(id), audio));
	}
	return { people, room };
}

/** The LiveKit identity of a participant (see the server's audio roles). */
export function participantIdentity(participantId: string): string {
	return `p:${participantId}`;
}
