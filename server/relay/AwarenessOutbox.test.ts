import { describe, expect, it } from 'vitest';
import { AwarenessOutbox } from './AwarenessOutbox.ts';

/** A clock and a scheduler the test moves by hand: no real time passes. */
function fakeTime() {
	let now = 0;
	const timers: { at: number; fn: () => void }[] = [];
	return {
		now: () => now,
		schedule(fn: () => void, ms: number) {
			const timer = { at: now + ms, fn };
			timers.push(timer);
			return () => timers.splice(timers.indexOf(timer) >>> 0, 1);
		},
		/** Moves time on by `ms`, running what falls due. */
		advance(ms: number) {
			now += ms;
			for (const timer of timers.filter((t) => t.at <= now)) {
				timers.splice(timers.indexOf(timer), 1);
				timer.fn();
			}
		},
		get scheduled() {
			return timers.length;
		}
	};
}

function outbox(options: { buffered?: () => number } = {}) {
	const time = fakeTime();
	const sent: Uint8Array[] = [];
	const encoded: number[][] = [];
	const box = new AwarenessOutbox({
		bytesPerSecond: 1000,
		burstBytes: 2000,
		send: (frame) => sent.push(frame),
		buffered: options.buffered ?? (() => 0),
		// A frame of 100 bytes per client id, so the pace can be counted.
		encode: (ids) => {
			encoded.push([...ids]);
			return new Uint8Array(100 * ids.size);
		},
		now: time.now,
		schedule: time.schedule
	});
	return { box, time, sent, encoded };
}

const frame = (bytes: number) => new Uint8Array(bytes);

describe('AwarenessOutbox', () => {
	it('sends at once while the burst lasts', () => {
		const { box, sent } = outbox();
		for (let i = 0; i < 4; i++) box.offer(frame(500), [i]);
		expect(sent).toHaveLength(4);
		expect(box.pending).toBe(0);
	});

	it('beyond the pace, keeps only ids and sends each one latest state once, later', () => {
		const { box, time, sent, encoded } = outbox();
		box.offer(frame(2000), [1]); // the burst is spent
		// A flood of changes by three clients, many times each.
		for (let i = 0; i < 300; i++) box.offer(frame(500), [i % 3]);
		expect(sent).toHaveLength(1);
		expect(box.pending).toBe(3);
		time.advance(1000);
		// One frame with each client's latest state, not 300 frames.
		expect(sent).toHaveLength(2);
		expect(encoded).toEqual([[0, 1, 2]]);
		expect(box.pending).toBe(0);
	});

	it('holds awareness while the socket has not written out what it has', () => {
		let buffered = 10_000;
		const { box, time, sent } = outbox({ buffered: () => buffered });
		box.offer(frame(10), [7]);
		box.offer(frame(10), [8]);
		time.advance(5000);
		expect(sent).toHaveLength(0);
		expect(box.pending).toBe(2);
		buffered = 0;
		time.advance(100);
		expect(sent).toHaveLength(1);
	});

	it('keeps the order: once something waits, later changes wait behind it', () => {
		const { box, time, sent, encoded } = outbox();
		box.offer(frame(2500), [1]);
		box.offer(frame(10), [2]);
		expect(sent).toHaveLength(1);
		time.advance(600);
		box.offer(frame(10), [3]);
		time.advance(10_000);
		expect(encoded.flat()).toEqual([2, 3]);
	});

	it('sends nothing and schedules nothing after close', () => {
		const { box, time, sent } = outbox();
		box.offer(frame(2500), [1]);
		box.offer(frame(10), [2]);
		box.close();
		box.offer(frame(10), [3]);
		time.advance(10_000);
		expect(sent).toHaveLength(1);
		expect(time.scheduled).toBe(0);
	});
});
