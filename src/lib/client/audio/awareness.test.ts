import { describe, expect, it } from 'vitest';
import { audioPresence, participantIdentity, readAwarenessAudio } from './awareness';

describe('readAwarenessAudio', () => {
	it('reads a well-formed state', () => {
		expect(readAwarenessAudio({ state: 'connected', muted: false, speaking: true })).toEqual({
			state: 'connected',
			muted: false,
			speaking: true
		});
		expect(
			readAwarenessAudio({ state: 'reconnecting', muted: true, speaking: false, room: true })
		).toEqual({ state: 'reconnecting', muted: true, speaking: false, room: true });
	});

	it('ignores what is not sound, or not understood', () => {
		for (const value of [null, undefined, 'connected', 3, {}, { state: 'singing' }]) {
			expect(readAwarenessAudio(value)).toBeNull();
		}
	});

	it('never shows someone speaking with the microphone off (or unknown)', () => {
		expect(readAwarenessAudio({ state: 'connected', muted: true, speaking: true })).toMatchObject({
			muted: true,
			speaking: false
		});
		expect(readAwarenessAudio({ state: 'connected', speaking: true })).toMatchObject({
			muted: true,
			speaking: false
		});
	});
});

describe('audioPresence', () => {
	const on = { state: 'connected', muted: false, speaking: false };

	it('finds people by the participant id the server put in `user`', () => {
		const { people, room } = audioPresence(
			[
				[1, { user: { role: 'participant', participantId: 'anna' }, audio: on }],
				[2, { user: { role: 'participant', participantId: 'bram' } }],
				[3, { user: { role: 'facilitator' }, audio: on }]
			],
			{ clientId: 99 }
		);
		expect([...people.keys()]).toEqual(['anna']);
		expect(room).toBeNull();
	});

	it('places our own state by our own id (it has no `user` locally)', () => {
		const { people } = audioPresence([[7, { audio: { ...on, speaking: true } }]], {
			clientId: 7,
			participantId: 'cem'
		});
		expect(people.get('cem')).toEqual({ state: 'connected', muted: false, speaking: true });
	});

	it('does not let anyone else claim to be us, or a missing id', () => {
		const { people } = audioPresence([[8, { audio: on }]], { clientId: 7, participantId: 'cem' });
		expect(people.size).toBe(0);
	});

	it('knows the room device, whoever carries it', () => {
		const { people, room } = audioPresence(
			[[4, { user: { role: 'projector' }, audio: { ...on, room: true } }]],
			{ clientId: 1 }
		);
		expect(room).toMatchObject({ state: 'connected', room: true });
		expect(people.size).toBe(0);
	});

	it('keeps the best state when one person has two tabs', () => {
		const user = { role: 'participant', participantId: 'anna' };
		const { people } = audioPresence(
			[
				[1, { user, audio: { state: 'lost', muted: true, speaking: false } }],
				[2, { user, audio: { ...on, speaking: true } }],
				[3, { user, audio: on }]
			],
			{ clientId: 9 }
		);
		expect(people.get('anna')).toEqual({ state: 'connected', muted: false, speaking: true });
	});
});

describe('participantIdentity', () => {
	it('matches the identity the server gives a participant', () => {
		expect(participantIdentity('abc')).toBe('p:abc');
	});
});
