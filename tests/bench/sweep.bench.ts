/**
 * The TTL sweep: how long the event loop stalls when many rounds expire together.
 *
 *   npm run bench:sweep                      # 5,000 rounds, the sweep as the server runs it
 *   npm run bench:sweep -- --rounds 2000
 *   npm run bench:sweep -- --mode before     # the old sweep: one loop, a checkpoint per erase
 *
 * Creates the rounds in a SQLite database in a temp dir (each with 12 people and a doc of ~8
 * stories), all last used two hours ago, then runs one sweep (ROUND_TTL_HOURS=1) and prints how
 * long the event loop was blocked (max and p99 of the gaps between the ticks of a 1 ms timer, less
 * the 1 ms) while it ran, with its wall time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import * as Y from 'yjs';
import { createKleed } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { DocStore } from '../../server/DocStore.ts';
import { RoundStore } from '../../server/RoundStore.ts';
import { DOC_MAP } from '../../src/lib/round/doc.ts';

function arg(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const count = Number(arg('rounds', '5000'));
const mode = arg('mode', 'after');
const dir = mkdtempSync(join(tmpdir(), 'kleed-sweep-'));
const config = loadConfig({ DATA_DIR: dir, PORT: '0', ROUND_TTL_HOURS: '1' });
const kleed = createKleed({ config, log: pino({ level: 'error' }) });

// The rounds, last used two hours ago.
const old = () => Date.now() - 2 * 3_600_000;
const rounds = new RoundStore(kleed.db, old);
const docs = new DocStore(kleed.db, old);
const t0 = performance.now();
const codes: string[] = [];
kleed.db.transaction(() => {
	for (let n = 0; n < count; n++) {
		const { code } = rounds.create({ title: `Ronde ${n}`, language: 'nl' });
		codes.push(code);
		for (let i = 0; i < 12; i++) {
			rounds.addParticipant(code, { name: `Persoon ${n}-${i}`, presence: 'room' });
		}
		const doc = new Y.Doc();
		const stories = doc.getMap(DOC_MAP.stories);
		for (let s = 0; s < 8; s++) stories.set(`s${s}`, { text: 'x'.repeat(120), by: `p${s}`, at: 0 });
		docs.append([{ code, update: Y.encodeStateAsUpdate(doc) }]);
		doc.destroy();
	}
})();
// What the creation left in the log is not the sweep's to copy.
kleed.db.pragma('wal_checkpoint(TRUNCATE)');
console.log(`${count} rounds created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// A 1 ms timer: each gap between its ticks beyond the 1 ms is time the loop was blocked.
const gaps: number[] = [];
let last = performance.now();
const probe = setInterval(() => {
	const now = performance.now();
	gaps.push(Math.max(0, now - last - 1));
	last = now;
}, 1);
await new Promise((resolve) => setTimeout(resolve, 20));
const start = performance.now();
if (mode === 'before') {
	// The sweep before #15: every erase in one loop, each checkpointing on the main thread.
	for (const code of codes) {
		kleed.relay.discard(code);
		kleed.rounds.erase(code);
	}
	// Let the histogram see the stall: it records on the next turns of the loop.
	await new Promise((resolve) => setTimeout(resolve, 20));
} else {
	await kleed.sweep();
	await new Promise((resolve) => setTimeout(resolve, 20));
}
const wall = performance.now() - start;
clearInterval(probe);
gaps.sort((a, b) => a - b);
const p99 = gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.99))] ?? 0;
const left = kleed.db.prepare('SELECT count(*) AS n FROM rounds').get() as { n: number };
console.log(
	`sweep (${mode}): ${count} rounds erased in ${(wall / 1000).toFixed(1)} s (left: ${left.n}); ` +
		`event loop stall max ${(gaps.at(-1) ?? 0).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`
);
kleed.close();
rmSync(dir, { recursive: true, force: true });
