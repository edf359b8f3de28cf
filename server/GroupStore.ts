import { timingSafeEqual } from 'node:crypto';
import { REMOVED_GROUP } from '../src/lib/groups.ts';
import type { GroupFields, GroupTemplate } from '../src/lib/protocol.ts';
import type { Db } from './db.ts';
import { hashSecret, newId, newSecret } from './tokens.ts';

/** A group as stored: no participant data, only its name, place, language and template. */
export interface GroupRecord extends GroupFields {
	id: string;
	template: GroupTemplate;
	createdAt: number;
}

interface GroupRow {
	id: string;
	key_hash: Buffer;
	name: string;
	location: string;
	language: string;
	template: string;
	created_at: number;
}

/** The template of a new group: empty but for the method's own defaults (the UI's texts). */
export const EMPTY_TEMPLATE: GroupTemplate = {
	title: '',
	warmups: [],
	moteSuggestions: [],
	closingText: '',
	extraRules: [],
	timers: {},
	homeInstructions: '',
	namesOnProjector: true
};

/**
 * Groups (#17): a group's row and its secret key (stored only as its SHA-256, like a round's
 * facilitator key). The group's rounds are rows of `rounds` (RoundStore); erasing a group touches
 * them here, in the same transaction.
 */
export class GroupStore {
	readonly #db: Db;
	readonly #now: () => number;

	constructor(db: Db, now: () => number = Date.now) {
		this.#db = db;
		this.#now = now;
	}

	create(
		fields: GroupFields,
		template: GroupTemplate = EMPTY_TEMPLATE
	): { id: string; key: string } {
		const key = newSecret();
		const id = newId();
		this.#db
			.prepare(
				`INSERT INTO groups (id, key_hash, name, location, language, template, created_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?)`
			)
			.run(
				id,
				hashSecret(key),
				fields.name,
				fields.location,
				fields.language,
				JSON.stringify(template),
				this.#now()
			);
		return { id, key };
	}

	count(): number {
		return (this.#db.prepare('SELECT count(*) AS n FROM groups').get() as { n: number }).n;
	}

	get(id: string): GroupRecord | null {
		const row = this.#db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE id = ?').get(id);
		return row ? record(row) : null;
	}

	/** Every group, by name. */
	all(): GroupRecord[] {
		return this.#db
			.prepare<[], GroupRow>('SELECT * FROM groups ORDER BY name COLLATE NOCASE, id')
			.all()
			.map(record);
	}

	/** Whether `key` is group `id`'s key (constant-time on the hashes). */
	verifyKey(id: string, key: string): boolean {
		if (key.length === 0 || key.length > 200) return false;
		const row = this.#db
			.prepare<[string], { key_hash: Buffer }>('SELECT key_hash FROM groups WHERE id = ?')
			.get(id);
		return !!row && timingSafeEqual(hashSecret(key), row.key_hash);
	}

	update(id: string, change: Partial<GroupFields> & { template?: GroupTemplate }): boolean {
		const group = this.get(id);
		if (!group) return false;
		const next = { ...group, ...change };
		this.#db
			.prepare('UPDATE groups SET name = ?, location = ?, language = ?, template = ? WHERE id = ?')
			.run(next.name, next.location, next.language, JSON.stringify(next.template), id);
		return true;
	}

	/**
	 * Erases a group: its row and template, and its prepared rounds that never started (nothing
	 * happened in them). Its counts stay, under REMOVED_GROUP; so does a round of it that is
	 * running now (it is counted under REMOVED_GROUP when it is erased). Returns the codes of the
	 * prepared rounds it deleted (the caller drops them from memory too), or null: no such group.
	 */
	erase(id: string): string[] | null {
		const codes = this.#db
			.transaction(() => {
				if (!this.get(id)) return null;
				const codes = this.#db
					.prepare<[string], { code: string }>(
						'SELECT code FROM rounds WHERE group_id = ? AND started_at IS NULL'
					)
					.all(id)
					.map((r) => r.code);
				this.#db.prepare('DELETE FROM rounds WHERE group_id = ? AND started_at IS NULL').run(id);
				this.#db
					.prepare('UPDATE rounds SET group_id = ?, plan = NULL WHERE group_id = ?')
					.run(REMOVED_GROUP, id);
				this.#db
					.prepare('UPDATE round_stats SET group_id = ? WHERE group_id = ?')
					.run(REMOVED_GROUP, id);
				this.#db.prepare('DELETE FROM groups WHERE id = ?').run(id);
				return codes;
			})
			.immediate();
		// As for a round: the erased template is overwritten in the database file and its log.
		if (codes) this.#db.pragma('wal_checkpoint(TRUNCATE)');
		return codes;
	}
}

function record(row: GroupRow): GroupRecord {
	let template: GroupTemplate;
	try {
		template = { ...EMPTY_TEMPLATE, ...(JSON.parse(row.template) as Partial<GroupTemplate>) };
	} catch {
		template = EMPTY_TEMPLATE;
	}
	return {
		id: row.id,
		name: row.name,
		location: row.location,
		language: row.language,
		template,
		createdAt: row.created_at
	};
}
