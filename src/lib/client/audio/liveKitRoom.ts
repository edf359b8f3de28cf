import {
	ConnectionState,
	Room,
	RoomEvent,
	Track,
	type Participant,
	type RemoteTrack,
	type TrackPublication
} from 'livekit-client';
import type { AudioRoom, AudioRoomEvents, RoomState } from './room';

/**
 * AudioRoom on livekit-client. Only imported dynamically (see AudioSession), so the library is not
 * part of anyone's first page load.
 */
export function createLiveKitRoom(): AudioRoom {
	const room = new Room({
		adaptiveStream: false,
		dynacast: false,
		audioCaptureDefaults: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }
	});
	const listeners: { [E in keyof AudioRoomEvents]: AudioRoomEvents[E][] } = {
		state: [],
		speakers: [],
		playback: [],
		micMuted: []
	};
	const emit = <E extends keyof AudioRoomEvents>(
		event: E,
		...args: Parameters<AudioRoomEvents[E]>
	) => {
		for (const fn of listeners[event]) (fn as (...a: typeof args) => void)(...args);
	};
	const audioElements = new Map<string, HTMLMediaElement>();

	room.on(RoomEvent.ConnectionStateChanged, (state: ConnectionState) => {
		const mapped: RoomState =
			state === ConnectionState.Connected
				? 'connected'
				: state === ConnectionState.Connecting
					? 'connecting'
					: state === ConnectionState.Disconnected
						? 'disconnected'
						: 'reconnecting';
		emit('state', mapped);
	});
	room.on(RoomEvent.ActiveSpeakersChanged, (speakers: Participant[]) =>
		emit(
			'speakers',
			speakers.map((p) => p.identity)
		)
	);
	room.on(RoomEvent.AudioPlaybackStatusChanged, () => emit('playback', room.canPlaybackAudio));
	room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, publication: TrackPublication) => {
		if (track.kind !== Track.Kind.Audio) return;
		const element = track.attach();
		element.hidden = true;
		document.body.append(element);
		audioElements.set(publication.trackSid, element);
	});
	room.on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, publication: TrackPublication) => {
		track.detach();
		audioElements.get(publication.trackSid)?.remove();
		audioElements.delete(publication.trackSid);
	});
	const onLocalMute = (publication: TrackPublication, participant: Participant) => {
		if (participant === room.localParticipant && publication.source === Track.Source.Microphone) {
			emit('micMuted', publication.isMuted);
		}
	};
	room.on(RoomEvent.TrackMuted, onLocalMute);
	room.on(RoomEvent.TrackUnmuted, onLocalMute);

	return {
		async connect(url, token) {
			await room.connect(url, token, { autoSubscribe: true });
		},
		async disconnect() {
			await room.disconnect();
			for (const element of audioElements.values()) element.remove();
			audioElements.clear();
		},
		async setMicrophone(enabled) {
			await room.localParticipant.setMicrophoneEnabled(enabled);
			emit('micMuted', !enabled);
		},
		async startAudio() {
			await room.startAudio();
		},
		get canPlaybackAudio() {
			return room.canPlaybackAudio;
		},
		on(event, listener) {
			listeners[event].push(listener);
		}
	};
}
