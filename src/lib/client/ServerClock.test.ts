import { describe, expect, it } from 'vitest';
import { ServerClock } from './ServerClock';

/** Our clock stands still unless a fake request moves it (the round trip). */
function setup() {
	let ours = 1_000_000;
	const answers: (() => Promise<Response>)[] = [];
	const asked: string[] = [];
	const clock = new ServerClock({
		now: () => ours,
		fetch: async (input) => {
			asked.push(String(input));
			const next = answers.shift();
			if (!next) throw new TypeError('offline');
			return next();
		}
	});
	/** The server answers `now` after a round trip of `tripMs` on our clock. */
	const answer = (now: unknown, tripMs: number, status = 200) =>
		answers.push(async () => {
			ours += tripMs;
			return new Response(JSON.stringify({ now }), { status });
		});
	return { clock, answer, asked, ours: () => ours };
}

describe('ServerClock', () => {
	it('is our clock until it has asked', () => {
		const { clock, ours } = setup();
		expect(clock.now()).toBe(ours());
	});

	it('takes the server time as read half-way through the round trip', async () => {
		const { clock, answer, asked, ours } = setup();
		// Sent at 1_000_000, answered at 1_000_400: the server read 5_000_000 at about 1_000_200.
		answer(5_000_000, 400);
		await clock.sync();
		expect(asked).toEqual(['/api/time']);
		expect(clock.offset).toBe(5_000_000 - 1_000_200);
		expect(clock.now()).toBe(ours() + 4_000_000 - 200);
	});

	it('keeps the last offset when asking fails', async () => {
		const { clock, answer } = setup();
		answer(2_000_000, 0);
		await clock.sync();
		const offset = clock.offset;
		expect(offset).toBe(1_000_000);
		await clock.sync(); // offline: fetch throws
		answer(9_999_999, 0, 503);
		await clock.sync();
		answer('soon', 0);
		await clock.sync();
		expect(clock.offset).toBe(offset);
	});
});
