/**
 * Memory per idle round, and the time to reload persisted rounds after a restart.
 *
 *   npm run bench:memory                       # 1,000 rounds
 *   npm run bench:memory -- --rounds 2000
 *   npm run bench:memory -- --profile /tmp/prof   # CPU profiles of the restarts
 *
 * 1. A writer process creates the rounds with the real RoundStore and Relay (SQLite in a temp
 *    dir) and fills each like a round halfway through: 12 people, happy events, objects on the
 *    kleed, 8 stories of 120 characters, hands, a timer, a revealed vote — about 50 separate
 *    changes, as intents make them. Two databases: one stopped cleanly (each round compacted to
 *    one row), one whose process stopped without compacting (the update log as a crash leaves it).
 * 2. A fresh process per database opens it like a restart (migrations, TTL sweep) and loads
 *    every round into the relay, as the first connection to each would. It prints the wall time,
 *    and heap/RSS after a forced GC before and after, divided by the number of rounds: the memory
 *    an idle round costs (its Y.Doc, awareness and bookkeeping; no connections).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createKleed, type Kleed } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { DOC_MAP } from '../../src/lib/round/doc.ts';

const log = pino({ level: 'silent' });

function arg(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function open(dataDir: string): Kleed {
	// Rooms must stay loaded while we measure: a long idle time before unloading.
	const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ROOM_IDLE_SECONDS: '3600' });
	return createKleed({ config, log });
}

const text = (n: number, seed: number) =>
	Array.from({ length: n }, (_, i) => 'abcdefghijklmnopqrstuvwxyz '[(i * 7 + seed * 13) % 27]).join(
		''
	);

/** About 50 changes, one transaction each, like a round halfway through. */
async function fill(kleed: Kleed, code: string, n: number) {
	const people: string[] = [];
	for (let i = 0; i < 12; i++) {
		const { participantId } = kleed.rounds.addParticipant(code, {
			name: `Persoon ${n}-${i}`,
			presence: i < 10 ? 'room' : 'remote'
		});
		people.push(participantId);
		await kleed.relay.transact(code, (doc) =>
			doc.getMap(DOC_MAP.participants).set(participantId, {
				name: `Persoon ${n}-${i}`,
				presence: i < 10 ? 'room' : 'remote',
				joinedAt: Date.now()
			})
		);
	}
	const add = (map: string, id: string, value: unknown) =>
		kleed.relay.transact(code, (doc) => doc.getMap(map).set(id, value));
	for (let i = 0; i < 6; i++) {
		await add(DOC_MAP.happy, `h${i}`, {
			icon: 'sun',
			text: text(40, i),
			by: people[i],
			at: Date.now()
		});
	}
	for (let i = 0; i < 8; i++) {
		await add(DOC_MAP.kleed, `k${i}`, { icon: 'candle', by: people[i], at: Date.now() });
	}
	for (let i = 0; i < 8; i++) {
		await add(DOC_MAP.stories, `s${i}`, { text: text(120, n + i), by: people[i], at: Date.now() });
	}
	for (let i = 0; i < 6; i++) {
		await add(DOC_MAP.hands, people[i]!, { order: i + 1, at: Date.now() });
	}
	for (let i = 0; i < 6; i++)
		await kleed.relay.transact(code, (doc) => doc.getMap(DOC_MAP.hands).delete(people[i]!));
	await kleed.relay.transact(code, (doc) => {
		doc.getMap(DOC_MAP.timers).set('t', { seconds: 300, startedAt: Date.now() });
		const vote = doc.getMap(DOC_MAP.vote);
		vote.set('status', 'revealed');
		vote.set('round', 1);
		vote.set('candidates', ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7']);
		vote.set('voted', 12);
		vote.set('totals', { s0: 5, s1: 3, s2: 2, s3: 2 });
		doc.getMap(DOC_MAP.meta).set('step', 'choice');
	});
}

/** Writer: makes `rounds` rounds in `dataDir`; compacts them on close unless `crash`. */
async function write(dataDir: string, rounds: number, crash: boolean) {
	const kleed = open(dataDir);
	for (let n = 0; n < rounds; n++) {
		const { code } = kleed.rounds.create({ title: `Ronde ${n}`, language: 'nl' });
		await fill(kleed, code, n);
		// Like a real server over a day: rounds go idle and are unloaded (compacted) one by one —
		// or, after a crash, never got that far.
		if (!crash) kleed.relay.round(code)?.unload();
	}
	kleed.relay.flush();
	const rows = kleed.db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number };
	if (crash) kleed.db.close();
	else kleed.close();
	process.send!({ rows: rows.n });
	process.exit(0);
}

const heap = () => {
	(globalThis as { gc?: () => void }).gc?.();
	const m = process.memoryUsage();
	return { heap: m.heapUsed + m.external, rss: m.rss };
};

/** Reader: a restart. Opens the database, then loads every round. */
async function reload(dataDir: string) {
	const t0 = performance.now();
	const kleed = open(dataDir);
	const opened = performance.now();
	const codes = (kleed.db.prepare('SELECT code FROM rounds').all() as { code: string }[]).map(
		(r) => r.code
	);
	const before = heap();
	const t1 = performance.now();
	const cpu0 = process.cpuUsage();
	await Promise.all(codes.map((code) => kleed.relay.transact(code, () => {})));
	const loaded = performance.now();
	const cpu = process.cpuUsage(cpu0);
	// Check what came back, so a fast but empty load cannot pass for a reload.
	let stories = 0;
	for (const code of codes) stories += kleed.relay.round(code)!.doc.getMap(DOC_MAP.stories).size;
	const after = heap();
	process.send!({
		rounds: codes.length,
		stories,
		openMs: opened - t0,
		loadMs: loaded - t1,
		loadCpuMs: (cpu.user + cpu.system) / 1000,
		heapPerRoundKb: (after.heap - before.heap) / codes.length / 1024,
		rssPerRoundKb: (after.rss - before.rss) / codes.length / 1024,
		rssMb: after.rss / 2 ** 20
	});
	kleed.relay.close();
	kleed.db.close();
	process.exit(0);
}

function child<T>(args: string[]): Promise<T> {
	const profileDir = arg('profile', '');
	const profile =
		profileDir && args[0] === '--reload' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
	const c = fork(fileURLToPath(import.meta.url), args, {
		execArgv: ['--expose-gc', ...profile, ...process.execArgv]
	});
	return new Promise((resolve, reject) => {
		c.once('message', (m) => resolve(m as T));
		c.once('exit', (code) => code !== 0 && reject(new Error(`${args[0]} exited with ${code}`)));
	});
}

interface Reloaded {
	rounds: number;
	stories: number;
	openMs: number;
	loadMs: number;
	loadCpuMs: number;
	heapPerRoundKb: number;
	rssPerRoundKb: number;
	rssMb: number;
}

async function main() {
	const rounds = Number(arg('rounds', '1000'));
	console.log(`memory and restart benchmark: ${rounds} rounds, each about 50 changes`);
	const rows: string[] = [];
	for (const crash of [false, true]) {
		const dir = mkdtempSync(join(tmpdir(), 'kleed-bench-memory-'));
		try {
			const written = performance.now();
			const { rows: updateRows } = await child<{ rows: number }>([
				'--write',
				dir,
				String(rounds),
				crash ? 'crash' : 'clean'
			]);
			const dbMb = statSync(join(dir, 'kleed.db')).size / 2 ** 20;
			console.log(
				`  wrote ${rounds} rounds in ${((performance.now() - written) / 1000).toFixed(1)} s (${updateRows} update rows, ${dbMb.toFixed(1)} MB)`
			);
			const r = await child<Reloaded>(['--reload', dir]);
			if (r.rounds !== rounds || r.stories !== rounds * 8) {
				throw new Error(`reload lost data: ${r.rounds} rounds, ${r.stories} stories`);
			}
			const what = crash ? 'after a crash (update log)' : 'after a clean stop (compacted)';
			console.log(
				`  restart ${what}: open ${r.openMs.toFixed(0)} ms, load ${r.rounds} rounds ${r.loadMs.toFixed(0)} ms (CPU ${r.loadCpuMs.toFixed(0)} ms); idle round ${r.heapPerRoundKb.toFixed(1)} KB heap, ${r.rssPerRoundKb.toFixed(1)} KB RSS`
			);
			rows.push(
				`| ${what} | ${updateRows} | ${r.openMs.toFixed(0)} | ${r.loadMs.toFixed(0)} | ${r.loadCpuMs.toFixed(0)} | ${(r.openMs + r.loadMs).toFixed(0)} | ${r.heapPerRoundKb.toFixed(1)} | ${r.rssPerRoundKb.toFixed(1)} |`
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	console.log(
		`\n| ${rounds} rounds | update rows | open DB ms | load rounds ms | load CPU ms | restart total ms | heap per idle round KB | RSS per idle round KB |`
	);
	console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const row of rows) console.log(row);
}

if (process.argv[2] === '--write') {
	await write(process.argv[3]!, Number(process.argv[4]), process.argv[5] === 'crash');
} else if (process.argv[2] === '--reload') {
	await reload(process.argv[3]!);
} else {
	await main();
}
