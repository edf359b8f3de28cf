import { intents } from './intents.ts';
import { createRound, joinRound, provider, synced } from './server.ts';

/**
 * An honest round that keeps talking while an attack runs elsewhere: a facilitator and two
 * participants on stock providers (as browsers are), each sending an intent and timing its
 * answer, one after the other. `stop()` gives the round trips measured. If the attack slows the
 * server for everyone, the canary's round trips show it.
 */
export interface Canary {
	/** Resolves once the first round trip has been measured (the canary is alive). */
	ready: Promise<void>;
	stop(): Promise<CanaryFigures>;
}

export interface CanaryFigures {
	samples: number;
	p50: number;
	p95: number;
	max: number;
	/** Round trips not answered when the canary stopped (counted as the time waited so far). */
	unanswered: number;
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function startCanary(port: number): Promise<Canary> {
	const round = await createRound(port, { title: 'Canary' });
	const people = await Promise.all(
		['Canary A', 'Canary B'].map((name) => joinRound(port, round.code, name))
	);
	const clients = [
		provider(port, round.code, round.facilitatorKey),
		...people.map((p) => provider(port, round.code, p.token))
	];
	await Promise.all(clients.map((c) => synced(c.provider)));
	const [facilitator, a, b] = clients.map((c) => intents(c.provider));
	for (const p of [a!, b!]) {
		const joined = await p({ type: 'join', presence: 'room' });
		if (!joined.ok) throw new Error(`canary join: ${joined.error}`);
	}

	const times: number[] = [];
	let running = true;
	let inFlight: number | null = null;
	let markReady: () => void = () => {};
	const ready = new Promise<void>((resolve) => (markReady = resolve));
	let n = 0;
	const loop = (async () => {
		while (running) {
			// Alternate senders and kinds: a participant's hand and the facilitator's text.
			const start = performance.now();
			inFlight = start;
			const turn = n++ % 3;
			const answer =
				turn === 0
					? await facilitator!({ type: 'text.set', field: 'mote', text: `vraag ${n}` })
					: await (turn === 1 ? a! : b!)({ type: n % 2 ? 'hand.raise' : 'hand.lower' });
			inFlight = null;
			if (!answer.ok && answer.error !== 'conflict') throw new Error(`canary: ${answer.error}`);
			times.push(performance.now() - start);
			markReady();
			// A person's pace, not a flood: the canary must not be the load. Each of the three sends
			// every third trip, so each stays below the intent budget (5/s) however long it runs.
			await new Promise((r) => setTimeout(r, 70));
		}
	})();

	return {
		ready,
		async stop() {
			running = false;
			const waited = inFlight === null ? null : performance.now() - inFlight;
			// Do not wait for a stalled answer forever: what it has waited so far counts.
			await Promise.race([loop, new Promise((r) => setTimeout(r, 2000))]);
			for (const c of clients) c.destroy();
			const sorted = [...times, ...(waited === null ? [] : [waited])].sort((x, y) => x - y);
			return {
				samples: times.length,
				p50: percentile(sorted, 50),
				p95: percentile(sorted, 95),
				max: sorted.at(-1) ?? 0,
				unanswered: waited === null ? 0 : 1
			};
		}
	};
}
