import { timingSafeEqual } from 'node:crypto';
import * as Y from 'yjs';
import {
	DOC_MAP,
	PROTOCOL_VERSION,
	type MetaFields,
	type Presence,
	type Role
} from '../src/lib/protocol.ts';
import type { Db } from './db.ts';
import { derivedToken, hashSecret, newId, newRoundCode, newSecret } from './tokens.ts';

/** Who a token belongs to. Always derived on the server, never taken from the client. */
export interface Identity {
	role: Role;
	participantId?: string;
	name?: string;
}

export interface RoundRecord {
	code: string;
	title: string;
	language: string;
	createdAt: number;
	lastActivity: number;
}

export interface CreatedRound {
	code: string;
	facilitatorKey: string;
	projectorToken: string;
}

interface RoundRow {
	code: string;
	key_hash: Buffer;
	projector_hash: Buffer;
	observer_hash: Buffer | null;
	tablet_hash: Buffer | null;
	title: string;
	language: string;
	created_at: number;
	last_activity: number;
}

/** Rounds and the people in them: codes, hashed secrets, names. Doc content lives in DocStore. */
export class RoundStore {
	readonly #db: Db;
	readonly #now: () => number;
	readonly #insertRound;
	readonly #insertUpdate;
	readonly #selectRound;
	readonly #insertParticipant;
	readonly #selectParticipant;

	constructor(db: Db, now: () => number = Date.now) {
		this.#db = db;
		this.#now = now;
		this.#insertRound = db.prepare(
			`INSERT INTO rounds (code, key_hash, projector_hash, observer_hash, tablet_hash, title,
			   language, created_at, last_activity)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		);
		this.#insertUpdate = db.prepare('INSERT INTO doc_updates (round_code, data) VALUES (?, ?)');
		this.#selectRound = db.prepare<[string], RoundRow>('SELECT * FROM rounds WHERE code = ?');
		this.#insertParticipant = db.prepare(
			`INSERT INTO participants (id, round_code, token_hash, name, presence, has_device, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?)`
		);
		this.#selectParticipant = db.prepare<[Buffer, string], { id: string; name: string }>(
			'SELECT id, name FROM participants WHERE token_hash = ? AND round_code = ?'
		);
	}

	/**
	 * Creates a round with a fresh code and secrets, and writes its first doc state (the meta map)
	 * so every client starts from the same, server-made origin.
	 */
	create(input: { title: string; language: string }): CreatedRound {
		const facilitatorKey = newSecret();
		const projectorToken = derivedToken(facilitatorKey, 'projector');
		const now = this.#now();
		const initial = initialDocUpdate({ ...input, createdAt: now });
		// A code collision is possible (32^6 codes); retry with another one.
		for (let attempt = 0; attempt < 20; attempt++) {
			const code = newRoundCode();
			try {
				this.#db.transaction(() => {
					this.#insertRound.run(
						code,
						hashSecret(facilitatorKey),
						hashSecret(projectorToken),
						hashSecret(derivedToken(facilitatorKey, 'observer')),
						hashSecret(derivedToken(facilitatorKey, 'tablet')),
						input.title,
						input.language,
						now,
						now
					);
					this.#insertUpdate.run(code, initial);
				})();
				return { code, facilitatorKey, projectorToken };
			} catch (err) {
				if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
			}
		}
		throw new Error('Could not find a free round code');
	}

	get(code: string): RoundRecord | null {
		const row = this.#selectRound.get(code);
		if (!row) return null;
		return {
			code: row.code,
			title: row.title,
			language: row.language,
			createdAt: row.created_at,
			lastActivity: row.last_activity
		};
	}

	/**
	 * Adds a person to a round. Someone without a device (added by a facilitator) gets a token
	 * too, since the column is required, but nobody ever holds it.
	 */
	addParticipant(
		code: string,
		input: { name: string; presence: Presence },
		{ hasDevice = true, id = newId() }: { hasDevice?: boolean; id?: string } = {}
	) {
		const token = newSecret();
		this.#insertParticipant.run(
			id,
			code,
			hashSecret(token),
			input.name,
			input.presence,
			hasDevice ? 1 : 0,
			this.#now()
		);
		return { participantId: id, token };
	}

	/** Resolves a token of round `code` to an identity, or `null` when it is not one of this round's. */
	verifyToken(code: string, token: string): Identity | null {
		const row = this.#selectRound.get(code);
		if (!row || token.length === 0 || token.length > 200) return null;
		const hash = hashSecret(token);
		if (timingSafeEqual(hash, row.key_hash)) return { role: 'facilitator' };
		if (timingSafeEqual(hash, row.projector_hash)) return { role: 'projector' };
		if (row.observer_hash && timingSafeEqual(hash, row.observer_hash)) return { role: 'observer' };
		if (row.tablet_hash && timingSafeEqual(hash, row.tablet_hash)) return { role: 'tablet' };
		const participant = this.#selectParticipant.get(hash, code);
		if (participant) {
			return { role: 'participant', participantId: participant.id, name: participant.name };
		}
		return null;
	}
}

/** The doc every round starts from. */
export function initialDocUpdate(meta: Omit<MetaFields, 'protocol' | 'step'>): Uint8Array {
	const doc = new Y.Doc();
	const fields: MetaFields = { protocol: PROTOCOL_VERSION, step: 'opening', ...meta };
	doc.transact(() => {
		const map = doc.getMap(DOC_MAP.meta);
		for (const [key, value] of Object.entries(fields)) map.set(key, value);
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}
