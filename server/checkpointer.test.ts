import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../tests/helpers/server.ts';
import { createKleed, type Kleed } from './app.ts';
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
			await kleed.relay.transact(code, (room) =>
				room.doc.getMap('stories').set(`s${i}`, { text: 'x'.repeat(100) })
			);
		}
		kleed.relay.flush();
		await until(() => (kleed!.checkpointer?.last?.checkpointed ?? 0) > 0);
		const last = kleed.checkpointer!.last!;
		expect(last.log).toBeGreaterThan(0);
		expect(last.checkpointed).toBeGreaterThan(0);
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
