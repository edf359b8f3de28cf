import { describe, expect, it } from 'vitest';
import type { AudioGrant } from '$lib/protocol';
import { AudioSession } from './AudioSession.svelte';
import type { AudioProblem, AudioRoom, AudioRoomEvents, RoomState } from './room';

/** A stand-in for a LiveKit room that records calls and lets the test fire events. */
class FakeRoom implements AudioRoom {
	calls: string[] = [];
	canPlaybackAudio = true;
	micError: Error | null = null;
	connectError: Error | null = null;
	readonly #listeners: { [E in keyof AudioRoomEvents]?: AudioRoomEvents[E][] } = {};

	async connect(url: string, token: string) {
		this.calls.push(`connect ${url} ${token}`);
		if (this.connectError) throw this.connectError;
	}
	async disconnect() {
		this.calls.push('disconnect');
	}
	async setMicrophone(enabled: boolean) {
		if (enabled && this.micError) throw this.micError;
		this.calls.push(`mic ${enabled ? 'on' : 'off'}`);
	}
	async startAudio() {
		this.calls.push('startAudio');
		this.canPlaybackAudio = true;
	}
	on<E extends keyof AudioRoomEvents>(event: E, listener: AudioRoomEvents[E]) {
		((this.#listeners[event] ??= []) as AudioRoomEvents[E][]).push(listener);
	}
	fire<E extends keyof AudioRoomEvents>(event: E, ...args: Parameters<AudioRoomEvents[E]>) {
		for (const fn of this.#listeners[event] ?? []) (fn as (...a: typeof args) => void)(...args);
	}
}

const grant = (n = 1): AudioGrant => ({ url: 'wss://sfu', token: `t${n}`, identity: 'p:anna' });
const tick = () => new Promise((r) => setTimeout(r, 0));

function session(
	options: {
		grants?: (AudioGrant | { problem: AudioProblem })[];
		room?: FakeRoom;
		listenOnly?: boolean;
		secureContext?: boolean;
	} = {}
) {
	const room = options.room ?? new FakeRoom();
	const grants = options.grants ?? [grant(1), grant(2), grant(3)];
	let created = 0;
	let asked = 0;
	const s = new AudioSession({
		fetchGrant: async () => grants[Math.min(asked++, grants.length - 1)]!,
		createRoom: async () => {
			created++;
			return room;
		},
		listenOnly: options.listenOnly,
		secureContext: options.secureContext ?? true,
		retryDelayMs: () => 0
	});
	return { s, room, created: () => created, asked: () => asked };
}

describe('AudioSession', () => {
	it('joins: asks our server for a grant, connects, turns the microphone on', async () => {
		const { s, room, created } = session();
		expect(s.status).toBe('off');
		expect(created()).toBe(0);
		await s.join();
		expect(room.calls).toEqual(['connect wss://sfu t1', 'mic on']);
		expect(s.status).toBe('connected');
		expect(s.muted).toBe(false);
		expect(s.awareness).toEqual({ state: 'connected', muted: false, speaking: false });
	});

	it('explains a refused microphone and stays in, listening', async () => {
		for (const [name, problem] of [
			['NotAllowedError', 'mic_denied'],
			['NotFoundError', 'mic_missing'],
			['NotReadableError', 'mic_busy']
		] as const) {
			const room = new FakeRoom();
			room.micError = Object.assign(new Error('no'), { name });
			const { s } = session({ room });
			await s.join();
			expect(s.status).toBe('connected');
			expect(s.problem).toBe(problem);
			expect(s.muted).toBe(true);
		}
	});

	it('does not ask for a microphone on an insecure page, and says why', async () => {
		const { s, room } = session({ secureContext: false });
		await s.join();
		expect(room.calls).toEqual(['connect wss://sfu t1']);
		expect(s.problem).toBe('insecure');
	});

	it('reports a server without audio, and never loads the audio library', async () => {
		const { s, created } = session({ grants: [{ problem: 'not_configured' }] });
		await s.join();
		expect(s.problem).toBe('not_configured');
		expect(s.status).toBe('off');
		expect(created()).toBe(0);
	});

	it('listens only, for observers and the projector', async () => {
		const { s, room } = session({ listenOnly: true });
		await s.join();
		expect(room.calls).toEqual(['connect wss://sfu t1']);
		await s.setMuted(false);
		expect(room.calls).not.toContain('mic on');
	});

	it('asks for a tap when the browser blocks sound, and starts it on the tap', async () => {
		const room = new FakeRoom();
		room.canPlaybackAudio = false;
		const { s } = session({ room });
		await s.join();
		expect(s.needsTap).toBe(true);
		await s.allowSound();
		expect(room.calls).toContain('startAudio');
		expect(s.needsTap).toBe(false);
	});

	it('mutes and unmutes; follows a mute made by a facilitator', async () => {
		const { s, room } = session();
		await s.join();
		await s.setMuted(true);
		expect(room.calls.at(-1)).toBe('mic off');
		expect(s.muted).toBe(true);
		await s.setMuted(false);
		room.fire('micMuted', true);
		expect(s.muted).toBe(true);
	});

	it('shows who speaks, and whether that is us', async () => {
		const { s, room } = session();
		await s.join();
		room.fire('speakers', ['p:bram', 'p:anna']);
		expect(s.speakers).toEqual(['p:bram', 'p:anna']);
		expect(s.awareness?.speaking).toBe(true);
		room.fire('speakers', ['p:bram']);
		expect(s.awareness?.speaking).toBe(false);
	});

	it('shows reconnecting, and after a lost connection joins again with a fresh token', async () => {
		const { s, room, asked } = session();
		await s.join();
		room.fire('state', 'reconnecting' as RoomState);
		expect(s.status).toBe('reconnecting');
		room.fire('state', 'connected');
		expect(s.status).toBe('connected');
		room.fire('state', 'disconnected');
		expect(s.status).toBe('lost');
		await tick();
		await tick();
		expect(asked()).toBe(2);
		expect(room.calls).toContain('connect wss://sfu t2');
		expect(s.status).toBe('connected');
	});

	it('keeps trying while the network is down', async () => {
		const room = new FakeRoom();
		room.connectError = new Error('offline');
		const { s } = session({ room });
		await s.join();
		expect(s.problem).toBe('network');
		room.connectError = null;
		for (let i = 0; i < 5 && s.status !== 'connected'; i++) await tick();
		expect(s.status).toBe('connected');
	});

	it('leaves cleanly and stops retrying', async () => {
		const { s, room } = session();
		await s.join();
		await s.leave();
		expect(room.calls.at(-1)).toBe('disconnect');
		expect(s.status).toBe('off');
		expect(s.awareness).toBeNull();
		room.fire('state', 'disconnected');
		expect(s.status).toBe('off');
	});
});
