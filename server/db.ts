import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Never edit a migration that has shipped: append a new one.
 */
const MIGRATIONS: string[] = [
	`CREATE TABLE rounds (
		code TEXT PRIMARY KEY,
		key_hash BLOB NOT NULL,
		projector_hash BLOB NOT NULL,
		title TEXT NOT NULL DEFAULT '',
		language TEXT NOT NULL DEFAULT 'nl',
		created_at INTEGER NOT NULL,
		last_activity INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE participants (
		id TEXT PRIMARY KEY,
		round_code TEXT NOT NULL REFERENCES rounds(code) ON DELETE CASCADE,
		token_hash BLOB NOT NULL UNIQUE,
		name TEXT NOT NULL,
		presence TEXT NOT NULL,
		created_at INTEGER NOT NULL
	);
	CREATE INDEX participants_round ON participants(round_code);
	CREATE TABLE doc_updates (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		round_code TEXT NOT NULL REFERENCES rounds(code) ON DELETE CASCADE,
		data BLOB NOT NULL
	);
	CREATE INDEX doc_updates_round ON doc_updates(round_code, id);`,
	// #3: secret ballots (outside the shared doc), people without a device, observer and tablet.
	`CREATE TABLE ballots (
		round_code TEXT NOT NULL REFERENCES rounds(code) ON DELETE CASCADE,
		vote_round INTEGER NOT NULL,
		voter TEXT NOT NULL,
		story_id TEXT NOT NULL,
		PRIMARY KEY (round_code, vote_round, voter)
	) WITHOUT ROWID;
	ALTER TABLE participants ADD COLUMN has_device INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE rounds ADD COLUMN observer_hash BLOB;
	ALTER TABLE rounds ADD COLUMN tablet_hash BLOB;`,
	// #5: the closed room, newcomers, and what remains of an erased round: counts only.
	`ALTER TABLE rounds ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE participants ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE participants ADD COLUMN newcomer INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE round_stats (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		day TEXT NOT NULL,
		duration_minutes INTEGER NOT NULL,
		in_room INTEGER NOT NULL,
		remote INTEGER NOT NULL,
		newcomers INTEGER NOT NULL
	);`,
	// #15: a table for StorageHealth's small test write (empty but for a moment).
	`CREATE TABLE storage_probe (data BLOB NOT NULL);`,
	// #16: practice rounds with simulated neighbours. JSON of the practice runner's own state (the
	// settings, the seed, the neighbours' participant ids: never a secret); NULL: a real round.
	`ALTER TABLE rounds ADD COLUMN practice TEXT;`,
	// #17: groups with a template, prepared rounds, counts per group. A group holds no participant
	// data. A prepared round is a round row with its group, its planned day and its plan (JSON),
	// and no started_at until "Start". group_id in round_stats: a group's id, NULL (no group) or
	// 'removed' (the group was erased; its counts stay).
	`CREATE TABLE groups (
		id TEXT PRIMARY KEY,
		key_hash BLOB NOT NULL UNIQUE,
		name TEXT NOT NULL,
		location TEXT NOT NULL DEFAULT '',
		language TEXT NOT NULL DEFAULT 'nl',
		template TEXT NOT NULL,
		created_at INTEGER NOT NULL
	) WITHOUT ROWID;
	ALTER TABLE rounds ADD COLUMN group_id TEXT;
	ALTER TABLE rounds ADD COLUMN planned_day TEXT;
	ALTER TABLE rounds ADD COLUMN plan TEXT;
	ALTER TABLE rounds ADD COLUMN started_at INTEGER;
	CREATE INDEX rounds_group ON rounds(group_id) WHERE group_id IS NOT NULL;
	ALTER TABLE round_stats ADD COLUMN group_id TEXT;
	CREATE INDEX round_stats_day ON round_stats(day);`
];

/**
 * Opens (and creates or migrates) the Kleed database. WAL lets readers and the single writer
 * work side by side; `synchronous = NORMAL` in WAL mode keeps every committed transaction
 * through a process crash (SIGKILL) — only a power cut can lose the last ones.
 * `secure_delete` overwrites deleted content, so erased stories do not linger in free pages.
 */
export function openDatabase(file: string): Db {
	if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.pragma('secure_delete = ON');
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	// Checkpoints run in a thread of their own (Checkpointer.ts), not inside the relay's commits.
	if (file !== ':memory:') db.pragma('wal_autocheckpoint = 0');
	// When the log starts again from its beginning, its file is cut back to this size: a busy hour
	// does not leave a large file behind.
	db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
	migrate(db);
	return db;
}

function migrate(db: Db): void {
	const current = db.pragma('user_version', { simple: true }) as number;
	if (current > MIGRATIONS.length) {
		throw new Error(
			`The database was written by a newer Kleed (schema ${current}, this one knows ${MIGRATIONS.length}).`
		);
	}
	for (let version = current; version < MIGRATIONS.length; version++) {
		db.transaction(() => {
			db.exec(MIGRATIONS[version] as string);
			db.pragma(`user_version = ${version + 1}`);
		})();
	}
}
