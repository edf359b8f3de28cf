import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DocPersistence, PendingUpdate } from '../DocStore.ts';
import { Flusher, type Corkable, type FlushedRound } from './Flusher.ts';

const log = pino({ level: 'silent' });

/** Everything that happens, in order, across storage, rounds and sockets. */
function recorder() {
	const events: string[] = [];
	let failFor: string | null = null;
	const persistence: DocPersistence = {
		load: async () => [],
		append(batch: readonly PendingUpdate[]) {
			if (failFor !== null && batch.some((u) => u.code === failFor)) {
				events.push(`append failed ${batch.map((u) => u.code).join(',')}`);
				throw new Error('disk full');
			}
			events.push(`append ${batch.map((u) => `${u.code}:${u.update[0]}`).join(',')}`);
		},
		replace() {}
	};
	const round = (code: string): FlushedRound => ({
		code,
		sendUpdate: (update) => events.push(`send ${code}:${update[0]}`),
		storageFailed: () => events.push(`failed ${code}`),
		sendAwareness: () => events.push(`awareness ${code}`)
	});
	const socket = (name: string): Corkable & { send(): void } => ({
		cork: () => events.push(`cork ${name}`),
		uncork: () => events.push(`uncork ${name}`),
		send: () => events.push(`write ${name}`)
	});
	return {
		events,
		persistence,
		round,
		socket,
		failWritesOf: (code: string) => (failFor = code)
	};
}

/** Waits for the flush that `enqueue` scheduled at the end of the loop turn. */
const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Flusher', () => {
	it("stores a turn's updates in one transaction, then sends them, in order", async () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		const a = r.round('A');
		const b = r.round('B');
		flusher.enqueue(a, new Uint8Array([1]));
		flusher.enqueue(b, new Uint8Array([2]));
		flusher.enqueue(a, new Uint8Array([3]));
		expect(r.events).toEqual([]);
		await endOfTurn();
		expect(r.events).toEqual(['append A:1,B:2,A:3', 'send A:1', 'send B:2', 'send A:3']);
	});

	it('runs what waits for durability after the updates are stored and sent', async () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		flusher.enqueue(r.round('A'), new Uint8Array([1]));
		flusher.whenDurable(() => r.events.push('answer'));
		expect(r.events).toEqual([]);
		await endOfTurn();
		expect(r.events).toEqual(['append A:1', 'send A:1', 'answer']);
	});

	it('answers at once when nothing is pending', () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		flusher.whenDurable(() => r.events.push('answer'));
		expect(r.events).toEqual(['answer']);
	});

	it("sends awareness after the turn's updates and answers, once per round", async () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		const a = r.round('A');
		// Presence changed first in the turn; it still goes out last.
		flusher.enqueueAwareness(a);
		flusher.enqueueAwareness(a);
		flusher.enqueue(a, new Uint8Array([1]));
		flusher.whenDurable(() => r.events.push('answer'));
		await endOfTurn();
		expect(r.events).toEqual(['append A:1', 'send A:1', 'answer', 'awareness A']);
	});

	it('corks each socket written to during a flush once, and uncorks them when it ends', async () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		const s1 = r.socket('s1');
		const s2 = r.socket('s2');
		const write = (s: ReturnType<typeof r.socket>) => {
			flusher.hold(s);
			s.send();
		};
		const round: FlushedRound = {
			...r.round('A'),
			sendUpdate: () => {
				write(s1);
				write(s2);
			}
		};
		flusher.enqueue(round, new Uint8Array([1]));
		flusher.whenDurable(() => write(s1));
		await endOfTurn();
		expect(r.events).toEqual([
			'append A:1',
			'cork s1',
			'write s1',
			'cork s2',
			'write s2',
			'write s1',
			'uncork s1',
			'uncork s2'
		]);
	});

	it('does not cork outside a flush', () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		flusher.hold(r.socket('s1'));
		expect(r.events).toEqual([]);
	});

	it("sends nothing of a round it could not store, and keeps the other rounds' writes", async () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		r.failWritesOf('B');
		flusher.enqueue(r.round('A'), new Uint8Array([1]));
		flusher.enqueue(r.round('B'), new Uint8Array([2]));
		flusher.whenDurable(() => r.events.push('answer'));
		await endOfTurn();
		expect(r.events).toEqual([
			'append failed A,B',
			// Retried per round: A is stored and sent, B is told.
			'append A:1',
			'append failed B',
			'send A:1',
			'failed B',
			'answer'
		]);
	});

	it('flushes at once when asked; the flush scheduled for the turn then finds nothing', async () => {
		const r = recorder();
		const flusher = new Flusher(r.persistence, log);
		flusher.enqueue(r.round('A'), new Uint8Array([1]));
		flusher.flush();
		expect(r.events).toEqual(['append A:1', 'send A:1']);
		await endOfTurn();
		expect(r.events).toEqual(['append A:1', 'send A:1']);
	});
});
