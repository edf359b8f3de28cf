import { createHmac, randomBytes } from 'node:crypto';
import { AccessToken, RoomServiceClient, TrackSource, type VideoGrant } from 'livekit-server-sdk';
import { ROOM_DEVICE_ROLES, type AudioGrant } from '../src/lib/protocol.ts';
import type { Identity } from './RoundStore.ts';

export interface LiveKitConfig {
	url: string;
	apiKey: string;
	apiSecret: string;
}

/** The part of LiveKit's RoomService we use, so tests can stand in for a server. */
export interface CallControl {
	/** Mutes every microphone track `identity` publishes in `call`; false when none was found. */
	muteMicrophone(call: string, identity: string): Promise<boolean>;
}

/** Tokens are short-lived: they are needed only to join; LiveKit refreshes them while connected. */
export const AUDIO_TOKEN_TTL_SECONDS = 10 * 60;

/** This role (or device) gets no sound. */
export class AudioRefused extends Error {}

/** The server has no LiveKit settings: there is no sound at all. */
export class AudioNotConfigured extends Error {
	constructor() {
		super('audio is not set up');
	}
}

/**
 * Audio for people at home: short-lived LiveKit tokens per role, bound to the round's call (a
 * LiveKit room; "room" in Kleed's own code is the physical room). The call's name is an HMAC of the
 * round code under the API secret: one call per round, and nobody can derive it without the secret.
 */
export class AudioService {
	readonly #config: LiveKitConfig | null;
	readonly #control: CallControl | null;

	constructor(config: LiveKitConfig | null, control?: CallControl) {
		this.#config = config;
		this.#control = control ?? (config ? liveKitCallControl(config) : null);
	}

	get enabled(): boolean {
		return this.#config !== null;
	}

	/** The LiveKit room name of round `code`'s call. */
	callName(code: string): string {
		if (!this.#config) throw new AudioNotConfigured();
		const mac = createHmac('sha256', this.#config.apiSecret).update(`kleed round ${code}`);
		return `kleed-${mac.digest('base64url').slice(0, 22)}`;
	}

	/**
	 * A token for `who` in round `code`'s call (`device: 'room'`: the physical room's microphone).
	 * Throws AudioRefused for roles without sound, AudioNotConfigured without LiveKit.
	 */
	async grant(code: string, who: Identity, device?: 'room'): Promise<AudioGrant> {
		// Someone still waiting at the door of a locked round is not in it: they hear nothing until a
		// facilitator lets them in.
		if (who.waiting) throw new AudioRefused('waiting at the door: not in the round yet');
		const config = this.#config;
		if (!config) throw new AudioNotConfigured();
		const call = this.callName(code);
		const { identity, name, grant } = audioRole(who, device);
		const token = new AccessToken(config.apiKey, config.apiSecret, {
			identity,
			name,
			ttl: AUDIO_TOKEN_TTL_SECONDS,
			metadata: JSON.stringify({ role: who.role, participantId: who.participantId })
		});
		token.addGrant({ roomJoin: true, room: call, canPublishData: false, ...grant });
		return { url: config.url, token: await token.toJwt(), identity };
	}

	/** Mutes `identity`'s microphone in round `code`'s call; false when it had none. */
	async mute(code: string, identity: string): Promise<boolean> {
		if (!this.#control) throw new AudioNotConfigured();
		return this.#control.muteMicrophone(this.callName(code), identity);
	}
}

const MIC_ONLY: VideoGrant = {
	canPublish: true,
	canPublishSources: [TrackSource.MICROPHONE],
	canSubscribe: true
};
const LISTEN_ONLY: VideoGrant = { canPublish: false, canSubscribe: true };

function audioRole(who: Identity, device?: 'room') {
	const random = () => randomBytes(6).toString('base64url');
	if (device === 'room') {
		// One device for the physical room per round: a second one takes over (LiveKit drops the
		// older identity).
		if (!ROOM_DEVICE_ROLES.includes(who.role)) {
			throw new AudioRefused('only a facilitator or projector machine can be the room device');
		}
		return { identity: 'room', name: 'De zaal', grant: MIC_ONLY };
	}
	switch (who.role) {
		case 'participant':
			return { identity: `p:${who.participantId}`, name: who.name ?? '', grant: MIC_ONLY };
		case 'facilitator':
			// Facilitators mute others through our server (RoomService), not with their own grant.
			return { identity: `facilitator:${random()}`, name: 'Begeleider', grant: MIC_ONLY };
		case 'observer':
			return { identity: `observer:${random()}`, name: 'Meekijker', grant: LISTEN_ONLY };
		case 'projector':
			return { identity: `screen:${random()}`, name: 'Scherm', grant: LISTEN_ONLY };
		case 'tablet':
			throw new AudioRefused('the shared tablet has no sound');
	}
}

function liveKitCallControl(config: LiveKitConfig): CallControl {
	const host = config.url.replace(/^ws/, 'http');
	const client = new RoomServiceClient(host, config.apiKey, config.apiSecret);
	return {
		async muteMicrophone(call, identity) {
			const participant = await client.getParticipant(call, identity).catch(() => null);
			const mics = (participant?.tracks ?? []).filter((t) => t.source === TrackSource.MICROPHONE);
			for (const track of mics) await client.mutePublishedTrack(call, identity, track.sid, true);
			return mics.length > 0;
		}
	};
}
