import pino from 'pino';
import { afterEach, expect, it, vi } from 'vitest';
import { MemoryYClient } from '../../tests/helpers/memoryYClient.ts';
import { intentServices } from '../app.ts';
import { openDatabase } from '../db.ts';
import { DocStore } from '../DocStore.ts';
import { Relay } from '../relay/Relay.ts';
import { RoundStore } from '../RoundStore.ts';
import { MemoryClient } from './MemoryClient.ts';

afterEach(() => {
	vi.useRealTimers();
	MemoryYClient.destroyAll();
});

it('a live client answers the heartbeat like a browser; one that does not is dropped', async () => {
	vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
	const db = openDatabase(':memory:');
	const rounds = new RoundStore(db);
	const relay = new Relay({
		persistence: new DocStore(db),
		log: pino({ level: 'silent' }),
		services: intentServices(db, rounds),
		limits: { heartbeatMs: 1_000 }
	});
	const { code } = rounds.create({ title: '', language: 'nl' });
	const { participantId } = rounds.addParticipant(code, { name: 'Anna', presence: 'room' });
	const live = new MemoryClient(
		relay,
		code,
		{ role: 'participant', participantId, name: 'Anna' },
		{ live: true }
	);
	const silent = new MemoryYClient(relay, code, { role: 'projector' });
	await live.sync();
	await silent.sync();
	for (let i = 0; i < 3; i++) {
		vi.advanceTimersByTime(1_000);
		await Promise.resolve(); // the pong, a moment after the ping
	}
	expect(live.socket.terminated).toBe(false);
	expect(live.socket.pings).toBeGreaterThanOrEqual(2);
	expect(silent.socket.terminated).toBe(true);
	// A live client keeps no frames: it may run for hours.
	expect(live.socket.received).toHaveLength(0);
	live.leave();
	relay.close();
	db.close();
});
