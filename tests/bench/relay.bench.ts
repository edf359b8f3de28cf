/**
 * Relay load benchmark: Kleed against the reference y-websocket server, same machine, same run.
 *
 *   npm run bench                      # 10, 100 and 300 rounds of 15 clients, 20 s each
 *   npm run bench -- --rounds 10 --seconds 5 --workers 2
 *   npm run bench -- --rounds 100 --profile /tmp/prof   # CPU profiles of both servers (.cpuprofile)
 *   npm run bench -- --rounds 300 --only kleed          # one relay only, while iterating
 *   npm run bench -- --rounds 300 --timeline /tmp/tl     # CSV of every delivery: stalls or spread?
 *
 * Each round has 1 facilitator writing (one update per second, with its send time in it: a `text.set`
 * intent to Kleed, whose clients never write the doc; a direct doc write to the reference) and 14
 * participants (stock y-websocket providers) that measure when each update reaches them, send
 * awareness every 5 s and raise or lower their hand every 10 s: an intent to Kleed, which checks it
 * and writes the change; a direct doc write to the reference, which knows no intents (before, it
 * dropped them unread and so carried a lighter load). Clients run in several load processes; a round
 * lives in one process, so send and receive times come from one clock. Prints fan-out latency
 * p50/p95/p99, writes and deliveries per second, and the server's CPU and peak RSS.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MessageType, PROTOCOL_VERSION } from '../../src/lib/protocol.ts';
import type { ServerStats } from './serverStats.ts';

const CLIENTS_PER_ROUND = 15;
/** The meta field the facilitator's send time travels in (a text Kleed lets a facilitator set). */
const SENT_AT = 'warmup';

function intentFrame(request: {
	id: number;
	intent: Record<string, unknown>;
}): Uint8Array<ArrayBuffer> {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.intent);
	encoding.writeVarString(e, JSON.stringify(request));
	return encoding.toUint8Array(e) as Uint8Array<ArrayBuffer>;
}
const here = fileURLToPath(new URL('.', import.meta.url));

interface RoundSpec {
	room: string;
	facilitator: string;
	participants: string[];
}

interface WorkerResult {
	/** CPU seconds this load process used between go and stop. */
	cpu: number;
	latencies: number[];
	/** Wall-clock time (ms since the epoch) each latency's update was sent, for `--timeline`. */
	sentAt: number[];
	writes: number;
	deliveries: number;
	errors: number;
}

type Kind = 'kleed' | 'reference';

/* ------------------------------------------------------------------------------------------- */
/* Worker: runs the clients of some rounds                                                      */
/* ------------------------------------------------------------------------------------------- */

async function worker() {
	let providers: WebsocketProvider[] = [];
	const result: WorkerResult = {
		cpu: 0,
		latencies: [],
		sentAt: [],
		writes: 0,
		deliveries: 0,
		errors: 0
	};
	let cpuAtGo = process.cpuUsage();
	const timers: ReturnType<typeof setInterval>[] = [];

	process.on('message', async (message: { type: string; [k: string]: unknown }) => {
		if (message.type === 'connect') {
			const { port, rounds, interval, kind } = message as unknown as {
				port: number;
				rounds: RoundSpec[];
				interval: number;
				kind: Kind;
			};
			(globalThis as { kind?: Kind }).kind = kind;
			const make = (room: string, token: string) => {
				const p = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, room, new Y.Doc(), {
					params: { token, v: String(PROTOCOL_VERSION) },
					WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
					disableBc: true
				});
				// Kleed answers intents (type 11); the stock provider would print an error for each.
				p.messageHandlers[MessageType.intentResult] = () => {};
				providers.push(p);
				return p;
			};
			const writers: WebsocketProvider[] = [];
			for (const round of rounds) {
				writers.push(make(round.room, round.facilitator));
				for (const token of round.participants) {
					const p = make(round.room, token);
					const meta = p.doc.getMap('meta');
					meta.observe((event) => {
						if (!event.keysChanged.has(SENT_AT)) return;
						const sent = Number(meta.get(SENT_AT));
						if (!Number.isFinite(sent)) return;
						result.latencies.push(performance.now() - sent);
						result.sentAt.push(performance.timeOrigin + sent);
						result.deliveries++;
					});
				}
			}
			await Promise.all(
				providers.map(
					(p) =>
						new Promise<void>((resolve) => {
							if (p.synced) return resolve();
							p.once('sync', () => resolve());
						})
				)
			);
			process.send!({ type: 'ready' });
			(globalThis as { writers?: typeof writers }).writers = writers;
			(globalThis as { interval?: number }).interval = interval;
			return;
		}
		if (message.type === 'go') {
			const writers = (globalThis as { writers?: WebsocketProvider[] }).writers!;
			const kind = (globalThis as { kind?: Kind }).kind;
			let writeNo = 0;
			const interval = (globalThis as { interval?: number }).interval!;
			result.latencies = [];
			result.sentAt = [];
			result.deliveries = 0;
			cpuAtGo = process.cpuUsage();
			for (const [i, w] of writers.entries()) {
				// Spread the writers over the interval, so the load is even.
				setTimeout(
					() => {
						timers.push(
							setInterval(() => {
								const sent = String(performance.now());
								if (kind === 'reference') {
									w.doc.getMap('meta').set(SENT_AT, sent);
								} else {
									if (w.ws?.readyState !== 1) return;
									const intent = { type: 'text.set', field: SENT_AT, text: sent };
									w.ws.send(intentFrame({ id: ++writeNo, intent }));
								}
								result.writes++;
							}, interval)
						);
					},
					(interval * i) / writers.length
				);
			}
			// Participants: awareness every 5 s, an intent every 10 s, each client on its own phase
			// (as real tablets are), so the load generator does not send in bursts of its own making.
			for (const [i, p] of providers.entries()) {
				if (i % CLIENTS_PER_ROUND === 0) continue;
				let tickNo = 0;
				const awarenessPhase = Math.random() * 5000;
				const intentPhase = Math.random() * 10_000;
				timers.push(
					setTimeout(() => {
						timers.push(
							setInterval(() => p.awareness.setLocalState({ ui: { tick: ++tickNo } }), 5000)
						);
					}, awarenessPhase)
				);
				timers.push(
					setTimeout(() => {
						let intentNo = 0;
						timers.push(
							setInterval(() => {
								if (p.ws?.readyState !== 1) return;
								intentNo++;
								const raise = intentNo % 2 === 1;
								if ((globalThis as { kind?: Kind }).kind === 'reference') {
									// The stock server drops Kleed's intents unread, which made its load
									// lighter: the same hand change, written directly, is the same work for
									// it (one doc update, persisted nowhere, fanned out to the round).
									const { doc } = p;
									const me = String(doc.clientID);
									doc.transact(() => {
										const floor = doc.getMap('floor');
										if (raise) {
											const order = ((floor.get('nextOrder') as number | undefined) ?? 0) + 1;
											floor.set('nextOrder', order);
											doc.getMap('hands').set(me, { order, raisedAt: Date.now() });
										} else {
											doc.getMap('hands').delete(me);
										}
									});
									return;
								}
								p.ws.send(
									intentFrame({
										id: intentNo,
										intent: { type: raise ? 'hand.raise' : 'hand.lower' }
									})
								);
							}, 10_000)
						);
					}, intentPhase)
				);
			}
			return;
		}
		if (message.type === 'stop') {
			for (const t of timers) clearInterval(t);
			const used = process.cpuUsage(cpuAtGo);
			result.cpu = (used.user + used.system) / 1e6;
			for (const p of providers) if (!p.wsconnected) result.errors++;
			for (const p of providers) p.destroy();
			providers = [];
			// Exit only once the result is through the IPC pipe: it can be megabytes (every
			// latency and its send time), and a fixed delay lost it on a busy machine.
			process.send!({ type: 'result', result }, undefined, {}, () => process.exit(0));
		}
	});
}

/* ------------------------------------------------------------------------------------------- */
/* Main                                                                                         */
/* ------------------------------------------------------------------------------------------- */

function arg(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Starts a server process; resolves with its port once it prints it. */
function startServer(kind: Kind): Promise<{
	child: ChildProcess;
	port: number;
	statsFile: string;
	cleanup: () => Promise<void>;
}> {
	const dataDir = mkdtempSync(join(tmpdir(), 'kleed-bench-'));
	const script =
		kind === 'kleed'
			? join(here, '../integration/fixtures/server.ts')
			: join(here, 'referenceServer.ts');
	const profileDir = arg('profile', '');
	const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
	const stats = join(here, 'serverStats.ts');
	const child = spawn(
		process.execPath,
		[...profile, '--import', 'tsx', '--import', stats, script],
		{
			env: {
				...process.env,
				PORT: '0',
				HOST: '127.0.0.1',
				DATA_DIR: dataDir,
				LOG_LEVEL: 'warn',
				BENCH_STATS_FILE: join(dataDir, 'stats.json')
			},
			stdio: ['pipe', 'pipe', 'inherit']
		}
	);
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk;
			const m = /listening on port (\d+)/.exec(out);
			if (m) {
				resolve({
					child,
					port: Number(m[1]),
					statsFile: join(dataDir, 'stats.json'),
					cleanup: async () => {
						// SIGTERM lets the server stop cleanly (and write its CPU profile with --profile).
						child.kill('SIGTERM');
						const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
						if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
						clearTimeout(killer);
						rmSync(dataDir, { recursive: true, force: true });
					}
				});
			}
		});
		child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}): ${out}`)));
	});
}

async function prepareRounds(kind: Kind, port: number, count: number): Promise<RoundSpec[]> {
	const rounds: RoundSpec[] = [];
	for (let i = 0; i < count; i++) {
		if (kind === 'reference') {
			rounds.push({
				room: `bench-${i}`,
				facilitator: 'x',
				participants: Array.from({ length: CLIENTS_PER_ROUND - 1 }, () => 'x')
			});
			continue;
		}
		const base = `http://127.0.0.1:${port}/api/rounds`;
		const json = { 'content-type': 'application/json' };
		const r = (await (await fetch(base, { method: 'POST', headers: json, body: '{}' })).json()) as {
			code: string;
			facilitatorKey: string;
		};
		const participants = await Promise.all(
			Array.from({ length: CLIENTS_PER_ROUND - 1 }, async (_, n) => {
				const res = await fetch(`${base}/${r.code}/participants`, {
					method: 'POST',
					headers: json,
					body: JSON.stringify({ name: `P${n}`, presence: 'room' })
				});
				return ((await res.json()) as { token: string }).token;
			})
		);
		rounds.push({ room: r.code, facilitator: r.facilitatorKey, participants });
	}
	return rounds;
}

/**
 * From /proc (Linux): CPU seconds a process used, its RSS, how long its main thread waited for a
 * CPU while runnable (schedstat), and the whole machine's busy and total CPU time (/proc/stat).
 */
function sample(pid: number): {
	cpu: number;
	rss: number;
	runQueue: number;
	machineBusy: number;
	machineTotal: number;
} | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
		const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
		const runQueue =
			Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
		const ticks = readFileSync('/proc/stat', 'utf8')
			.split('\n')[0]!
			.split(/\s+/)
			.slice(1)
			.map(Number);
		const machineTotal = ticks.reduce((a, b) => a + b, 0);
		const machineBusy = machineTotal - ticks[3]! - ticks[4]!;
		return { cpu, rss: rssKb * 1024, runQueue, machineBusy, machineTotal };
	} catch {
		return null;
	}
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface RunResult extends ServerStats {
	kind: Kind;
	rounds: number;
	p50: number;
	p95: number;
	p99: number;
	writesPerSecond: number;
	deliveriesPerSecond: number;
	cpuPercent: number;
	/** Share of the time the server's main thread was runnable but waiting for a CPU. */
	serverWaitPercent: number;
	/** How busy the machine's CPUs were (all processes): near 100 %, everyone waits. */
	machineBusyPercent: number;
	/** The busiest load process's CPU: near 100 %, latency measures the load generator too. */
	loadCpuPercent: number;
	peakRssMb: number;
	errors: number;
}

/**
 * `--timeline DIR`: one CSV per run (ms after go the update was sent, its latency), to see whether
 * a tail is spread out or comes in stalls (and when).
 */
function writeTimeline(file: string, goAt: number, all: WorkerResult[]): void {
	mkdirSync(dirname(file), { recursive: true });
	const lines = ['sent_ms,latency_ms'];
	for (const r of all) {
		for (const [i, latency] of r.latencies.entries()) {
			lines.push(`${(r.sentAt[i]! - goAt).toFixed(1)},${latency.toFixed(2)}`);
		}
	}
	writeFileSync(file, lines.join('\n') + '\n');
}

/** The server's own event-loop delay and GC pauses (see serverStats.ts); NaN if it wrote none. */
async function readStats(file: string): Promise<ServerStats> {
	for (let i = 0; i < 50; i++) {
		try {
			return JSON.parse(readFileSync(file, 'utf8')) as ServerStats;
		} catch {
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return { loopP50: NaN, loopP99: NaN, loopMax: NaN, gcCount: NaN, gcMaxMs: NaN, gcTotalMs: NaN };
}

async function run(kind: Kind, rounds: number, seconds: number, workers: number, interval: number) {
	const server = await startServer(kind);
	const step = (what: string) => process.stderr.write(`  ${kind} ${rounds} rounds: ${what}\n`);
	// A run that hangs (a load process lost, a request never answered) ends with an error.
	const watchdog = setTimeout(
		() => {
			step('no result after the time limit; giving up');
			process.exit(2);
		},
		(seconds + 300) * 1000
	);
	try {
		step('creating rounds');
		const specs = await prepareRounds(kind, server.port, rounds);
		step('connecting clients');
		const children = Array.from({ length: workers }, () =>
			fork(fileURLToPath(import.meta.url), ['--worker'], { execArgv: process.execArgv })
		);
		const exited = children.map((c) => new Promise((r) => c.once('exit', r)));
		const ready = children.map(
			(c) =>
				new Promise<void>((resolve, reject) => {
					c.once('message', () => resolve());
					c.once('exit', (code) => reject(new Error(`a load process exited (${code})`)));
				})
		);
		children.forEach((c, w) =>
			c.send({
				type: 'connect',
				kind,
				port: server.port,
				interval,
				rounds: specs.filter((_, i) => i % workers === w)
			})
		);
		await Promise.all(ready);
		const start = sample(server.child.pid!);
		const t0 = performance.now();
		let peakRss = start?.rss ?? 0;
		const sampler = setInterval(() => {
			peakRss = Math.max(peakRss, sample(server.child.pid!)?.rss ?? 0);
		}, 250);
		server.child.kill('SIGUSR2');
		step('measuring');
		const goAt = Date.now();
		for (const c of children) c.send({ type: 'go' });
		await new Promise((r) => setTimeout(r, seconds * 1000));
		const results = children.map(
			(c) =>
				new Promise<WorkerResult>((resolve) =>
					c.on('message', (m: { type: string; result: WorkerResult }) => {
						if (m.type === 'result') resolve(m.result);
					})
				)
		);
		step('collecting');
		for (const c of children) c.send({ type: 'stop' });
		server.child.kill('SIGUSR2');
		const all = await Promise.all(results);
		const stats = await readStats(server.statsFile);
		const wall = (performance.now() - t0) / 1000;
		clearInterval(sampler);
		const end = sample(server.child.pid!);
		const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b);
		const timeline = arg('timeline', '');
		if (timeline) writeTimeline(join(timeline, `${kind}-${rounds}.csv`), goAt, all);
		const result: RunResult = {
			kind,
			rounds,
			p50: percentile(latencies, 50),
			p95: percentile(latencies, 95),
			p99: percentile(latencies, 99),
			writesPerSecond: all.reduce((s, r) => s + r.writes, 0) / seconds,
			deliveriesPerSecond: all.reduce((s, r) => s + r.deliveries, 0) / seconds,
			cpuPercent: start && end ? ((end.cpu - start.cpu) / wall) * 100 : NaN,
			serverWaitPercent: start && end ? ((end.runQueue - start.runQueue) / wall) * 100 : NaN,
			machineBusyPercent:
				start && end
					? ((end.machineBusy - start.machineBusy) / (end.machineTotal - start.machineTotal)) * 100
					: NaN,
			loadCpuPercent: Math.max(...all.map((r) => (r.cpu / seconds) * 100)),
			peakRssMb: peakRss / 2 ** 20,
			errors: all.reduce((s, r) => s + r.errors, 0),
			...stats
		};
		await Promise.all(exited);
		return result;
	} finally {
		clearTimeout(watchdog);
		await server.cleanup();
	}
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main() {
	const roundCounts = arg('rounds', '10,100,300').split(',').map(Number);
	const seconds = Number(arg('seconds', '20'));
	const workers = Number(arg('workers', '2'));
	const interval = Number(arg('interval', '1000'));
	// `--only kleed` while iterating on the relay; the comparison needs both.
	const only = arg('only', '');
	const kinds = (['kleed', 'reference'] as const).filter((k) => !only || k === only);
	console.log(
		`relay benchmark: rounds of ${CLIENTS_PER_ROUND} clients, 1 write per ${interval} ms per round, ${seconds} s per run, ${workers} load processes`
	);
	const rows: RunResult[] = [];
	for (const rounds of roundCounts) {
		for (const kind of kinds) {
			const r = await run(kind, rounds, seconds, workers, interval);
			rows.push(r);
			console.log(
				`  ${kind.padEnd(9)} ${String(rounds).padStart(4)} rounds: p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, ${fmt(r.deliveriesPerSecond, 0)} deliveries/s, CPU ${fmt(r.cpuPercent, 0)}% (waiting for a CPU ${fmt(r.serverWaitPercent, 0)}%; machine ${fmt(r.machineBusyPercent, 0)}% busy; busiest load process ${fmt(r.loadCpuPercent, 0)}%), RSS ${fmt(r.peakRssMb, 0)} MB; server loop delay p99 ${fmt(r.loopP99)} ms, max ${fmt(r.loopMax)} ms; GC ${fmt(r.gcCount, 0)} pauses, max ${fmt(r.gcMaxMs)} ms${r.errors ? `, ${r.errors} clients not connected at the end` : ''}`
			);
		}
	}
	console.log(
		'\n| rounds | relay | p50 ms | p95 ms | p99 ms | writes/s | deliveries/s | server CPU % | server waiting for a CPU % | machine busy % | busiest load process CPU % | peak RSS MB | server loop delay p99 / max ms | longest GC pause ms |'
	);
	console.log(
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
	);
	for (const r of rows) {
		console.log(
			`| ${r.rounds} | ${r.kind} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.writesPerSecond, 0)} | ${fmt(r.deliveriesPerSecond, 0)} | ${fmt(r.cpuPercent, 0)} | ${fmt(r.serverWaitPercent, 0)} | ${fmt(r.machineBusyPercent, 0)} | ${fmt(r.loadCpuPercent, 0)} | ${fmt(r.peakRssMb, 0)} | ${fmt(r.loopP99)} / ${fmt(r.loopMax)} | ${fmt(r.gcMaxMs)} |`
		);
	}
	console.log(
		'\n| rounds | p99 kleed/reference | deliveries/s kleed/reference | CPU kleed/reference |'
	);
	console.log('| --- | --- | --- | --- |');
	for (const rounds of roundCounts) {
		const k = rows.find((r) => r.rounds === rounds && r.kind === 'kleed');
		const ref = rows.find((r) => r.rounds === rounds && r.kind === 'reference');
		if (!k || !ref) continue;
		console.log(
			`| ${rounds} | ${fmt(k.p99 / ref.p99, 2)} | ${fmt(k.deliveriesPerSecond / ref.deliveriesPerSecond, 2)} | ${fmt(k.cpuPercent / ref.cpuPercent, 2)} |`
		);
	}
}

if (process.argv.includes('--worker')) void worker();
else await main();
