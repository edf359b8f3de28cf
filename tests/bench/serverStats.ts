/**
 * Loaded into a benchmarked server with `--import` (both Kleed's and the reference's): measures
 * the server's event-loop delay and its garbage-collection pauses between two SIGUSR2 signals
 * ("go", then "stop"; SIGUSR1 is Node's debugger signal), and writes them as JSON to
 * BENCH_STATS_FILE. A fan-out latency tail that the
 * server's own loop shows too is the server's; one it does not show is the load generator's.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface ServerStats {
	/** Event-loop delay (ms): how late a 10 ms timer fired. */
	loopP50: number;
	loopP99: number;
	loopMax: number;
	/** Garbage-collection pauses in the window. */
	gcCount: number;
	gcMaxMs: number;
	gcTotalMs: number;
}

const file = process.env.BENCH_STATS_FILE;
if (file) {
	const loop = monitorEventLoopDelay({ resolution: 10 });
	const gc = { count: 0, max: 0, total: 0 };
	let measuring = false;
	new PerformanceObserver((list) => {
		if (!measuring) return;
		for (const entry of list.getEntries()) {
			gc.count++;
			gc.total += entry.duration;
			gc.max = Math.max(gc.max, entry.duration);
		}
	}).observe({ entryTypes: ['gc'] });
	process.on('SIGUSR2', () => {
		if (!measuring) {
			measuring = true;
			loop.reset();
			loop.enable();
			return;
		}
		measuring = false;
		loop.disable();
		const ms = (ns: number) => ns / 1e6;
		const stats: ServerStats = {
			loopP50: ms(loop.percentile(50)),
			loopP99: ms(loop.percentile(99)),
			loopMax: ms(loop.max),
			gcCount: gc.count,
			gcMaxMs: gc.max,
			gcTotalMs: gc.total
		};
		writeFileSync(file, JSON.stringify(stats));
	});
}
