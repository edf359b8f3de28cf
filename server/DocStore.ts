import type { Db } from './db.ts';
import type { StorageHealth, StorageState } from './StorageHealth.ts';

export interface PendingUpdate {
	code: string;
	update: Uint8Array;
}

/**
 * Durable storage of each round's Yjs updates: an append-only log per round, merged into one row
 * when the round unloads. The relay talks to this small interface so tests can slow it down.
 */
export interface DocPersistence {
	/** All stored updates of a round, oldest first. */
	load(code: string): Promise<Uint8Array[]>;
	/** Writes a batch of updates (any rounds) in one transaction. Synchronous: returns when durable. */
	append(batch: readonly PendingUpdate[]): void;
	/** Replaces a round's log by one update holding its whole state. */
	replace(code: string, state: Uint8Array): void;
	/**
	 * Whether changes can be saved now (absent: always). While faulted, checked again with a small
	 * real write at most once a second (StorageHealth).
	 */
	storageState?(): StorageState;
}

/** The doc log in SQLite (table `doc_updates`). */
export class DocStore implements DocPersistence {
	readonly #select;
	readonly #appendBatch;
	readonly #replace;
	readonly #health: StorageHealth | null;

	constructor(db: Db, now: () => number = Date.now, health: StorageHealth | null = null) {
		this.#health = health;
		this.#select = db.prepare<[string], { data: Buffer }>(
			'SELECT data FROM doc_updates WHERE round_code = ? ORDER BY id'
		);
		const insert = db.prepare('INSERT INTO doc_updates (round_code, data) VALUES (?, ?)');
		const touch = db.prepare('UPDATE rounds SET last_activity = ? WHERE code = ?');
		const remove = db.prepare('DELETE FROM doc_updates WHERE round_code = ?');
		this.#appendBatch = db.transaction((batch: readonly PendingUpdate[]) => {
			const touched = new Set<string>();
			for (const { code, update } of batch) {
				insert.run(code, update);
				touched.add(code);
			}
			const at = now();
			for (const code of touched) touch.run(at, code);
		});
		this.#replace = db.transaction((code: string, state: Uint8Array) => {
			remove.run(code);
			insert.run(code, state);
		});
	}

	async load(code: string): Promise<Uint8Array[]> {
		return this.#select.all(code).map((row) => new Uint8Array(row.data));
	}

	append(batch: readonly PendingUpdate[]): void {
		if (batch.length === 0) return;
		try {
			this.#appendBatch(batch);
			this.#health?.succeeded();
		} catch (err) {
			this.#health?.failed(err); // a full disk shows in /api/health
			throw err;
		}
	}

	replace(code: string, state: Uint8Array): void {
		try {
			this.#replace(code, state);
		} catch (err) {
			this.#health?.failed(err);
			throw err;
		}
	}

	storageState(): StorageState {
		return this.#health?.state() ?? 'ok';
	}
}
