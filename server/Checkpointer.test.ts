import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../tests/helpers/server.ts';
import { createKleed, type Kleed } from './app.ts';
import { Checkpointer } from './Checkpointer.ts';
import { openDatabase } from './db.ts';
import { loadConfig } from './config.ts';

const log = pino({ level: 'silent' });
let kleed: Kleed | null = null;
let dir: ReturnType<typeof tempDir> | null = null;
afterEach(() => {
	kleed?.close();
	dir?.remove();
	kleed = null;
	dir = null;
});

async function until(check: () => boolean, ms = 10_000) {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('WAL checkpoints in their own thread', () => {
	it('the relay connection never checkpoints by itself; the worker copies the log into the database', async () => {
		dir = tempDir();
		kleed = createKleed({ config: loadConfig({ DATA_DIR: dir.path, PORT: '0' }), log });
		expect(kleed.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
		const { code } = kleed.rounds.create({ title: 'Ronde', language: 'nl' });
		for (let i = 0; i < 200; i++) {
			await kleed.relay.transact(code, (doc) =>
				doc.getMap('stories').set(`s${i}`, { text: 'x'.repeat(100) })
			);
		}
		kleed.relay.flush();
		await until(() => (kleed!.checkpointer?.last?.checkpointed ?? 0) > 0);
		const last = kleed.checkpointer!.last!;
		expect(last.log).toBeGreaterThan(0);
		expect(last.checkpointed).toBeGreaterThan(0);
	});

	it('keeps the log short while writes never pause', async () => {
		dir = tempDir();
		const file = join(dir.path, 'steady.db');
		const db = openDatabase(file);
		db.exec('CREATE TABLE t (x BLOB)');
		const checkpointer = new Checkpointer(file, log, { intervalMs: 50, restartAboveFrames: 200 });
		const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
		const row = Buffer.alloc(2000, 1);
		let longest = 0;
		try {
			// As the relay writes at 300 rounds: a small transaction every millisecond or two, for
			// two seconds (thousands of frames of log in all).
			const end = Date.now() + 2000;
			while (Date.now() < end) {
				insert.run(row);
				await new Promise((r) => setTimeout(r, 1));
				longest = Math.max(longest, statSync(`${file}-wal`).size);
			}
		} finally {
			checkpointer.stop();
			db.close();
		}
		const frame = 4096 + 24;
		// Without restarts the log held every frame written.
		expect(longest / frame).toBeLessThan(1000);
	});

	it('runs in a process started with a TypeScript file preloaded, as the bench starts servers', () => {
		dir = tempDir();
		const root = fileURLToPath(new URL('..', import.meta.url));
		const out = execFileSync(
			process.execPath,
			[
				'--import',
				'tsx',
				'--import',
				join(root, 'tests/bench/serverStats.ts'),
				join(root, 'tests/integration/fixtures/checkpointChild.ts'),
				join(dir.path, 'child.db')
			],
			{ cwd: root, encoding: 'utf8', timeout: 30_000 }
		);
		// The thread used to inherit those options and die before its first checkpoint.
		expect(JSON.parse(out)).toEqual({ checkpointed: true, died: false });
	});

	it('hands checkpoints back to SQLite when its thread dies', async () => {
		dir = tempDir();
		let fellBack = 0;
		const checkpointer = new Checkpointer(join(dir.path, 'no such folder', 'x.db'), log, {
			fallback: () => fellBack++
		});
		try {
			await until(() => fellBack > 0 && !checkpointer.running);
			expect(fellBack).toBe(1);
		} finally {
			checkpointer.stop();
		}
	});

	it('an in-memory database has no checkpoint thread', () => {
		kleed = createKleed({
			config: { ...loadConfig({ PORT: '0' }), databaseFile: ':memory:' },
			log
		});
		expect(kleed.checkpointer).toBeNull();
	});
});

describe('stopping', () => {
	it('after close() no thread holds the database: its folder can be removed at once', () => {
		for (let i = 0; i < 5; i++) {
			const here = tempDir();
			const k = createKleed({ config: loadConfig({ DATA_DIR: here.path, PORT: '0' }), log });
			k.rounds.create({ title: 'Ronde', language: 'nl' });
			k.close();
			expect(() => here.remove()).not.toThrow();
		}
	});
});
