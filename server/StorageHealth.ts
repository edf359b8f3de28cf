import Database from 'better-sqlite3';
import type { Db } from './db.ts';

/** What the storage can do now: `ok`, `full` (disk or size limit), or `error` (any other fault). */
export type StorageState = 'ok' | 'full' | 'error';

/**
 * Whether changes can be saved. Any write that fails with a storage fault reports it here; while
 * faulted, `state()` tries a small real write (at most every `probeEveryMs`) and clears the fault
 * once it succeeds: when space returns, Kleed recovers by itself. `/api/health` reports it.
 */
export class StorageHealth {
	readonly #probe: () => void;
	readonly #probeEveryMs: number;
	#state: StorageState = 'ok';
	#probedAt = 0;

	constructor(db: Db, { probeEveryMs = 1000 } = {}) {
		this.#probeEveryMs = probeEveryMs;
		// A committed write and its undo: the log and the file must both take a page.
		const insert = db.prepare('INSERT INTO storage_probe (data) VALUES (zeroblob(4096))');
		const clear = db.prepare('DELETE FROM storage_probe');
		this.#probe = () => {
			insert.run();
			clear.run();
		};
	}

	/** Records a failed write; true when `err` is a storage fault (not a bug or a constraint). */
	failed(err: unknown): boolean {
		const state = storageFault(err);
		if (state === null) return false;
		this.#state = state;
		this.#probedAt = performance.now();
		return true;
	}

	/** A real write succeeded: the storage can save again (no need to wait for the probe). */
	succeeded(): void {
		this.#state = 'ok';
	}

	/** The storage's state now; while faulted, checked again with a small real write. */
	state(): StorageState {
		if (this.#state === 'ok') return 'ok';
		if (performance.now() - this.#probedAt < this.#probeEveryMs) return this.#state;
		this.#probedAt = performance.now();
		try {
			this.#probe();
			this.#state = 'ok';
		} catch (err) {
			this.failed(err);
		}
		return this.#state;
	}
}

/** `full` or `error` for SQLite's storage faults, null for anything else. */
export function storageFault(err: unknown): Exclude<StorageState, 'ok'> | null {
	if (!(err instanceof Database.SqliteError)) return null;
	if (err.code === 'SQLITE_FULL') return 'full';
	if (/^SQLITE_(IOERR|CANTOPEN|READONLY|CORRUPT|NOTADB)/.test(err.code)) return 'error';
	return null;
}
