import { timingSafeEqual } from 'node:crypto';
import * as Y from 'yjs';
import { PROTOCOL_VERSION, type Presence, type Role, type RoundPlan } from '../src/lib/protocol.ts';
import { DOC_MAP, type MetaFields, type PracticeRecapFields } from '../src/lib/round/doc.ts';
import type { Db } from './db.ts';
import { localDay } from './days.ts';
import { ROUND_LIMITS, type RoundLimits } from './relay/limits.ts';
import { derivedToken, hashSecret, newId, newRoundCode, newSecret } from './tokens.ts';

/** A round already holds as many people (or people waiting) as ROUND_LIMITS allows. */
export class RoundFull extends Error {
	constructor(readonly which: 'participants' | 'waiting') {
		super(`The round is full (${which}).`);
	}
}

/** Who a token belongs to. Always derived on the server, never taken from the client. */
export interface Identity {
	role: Role;
	participantId?: string;
	name?: string;
	/** A participant of a locked round who has not been let in yet: may not connect. */
	waiting?: boolean;
}

export interface RoundRecord {
	code: string;
	title: string;
	language: string;
	createdAt: number;
	lastActivity: number;
	locked: boolean;
	/** A practice round (#16): never counted, never kept. */
	practice: boolean;
	/** The group the round belongs to (#17): an id, 'removed', or null (made from the start page). */
	groupId: string | null;
	/** A prepared round's date (YYYY-MM-DD), or null. */
	plannedDay: string | null;
	/** When the round was opened (ms): its creation, or a prepared round's "Start"; null before. */
	startedAt: number | null;
	/** Prepared and not started yet: nobody can join it, and it is not counted when erased. */
	prepared: boolean;
}

/** What remains of an erased round, for the annual report: counts, never content. */
export interface RoundStats {
	day: string;
	durationMinutes: number;
	inRoom: number;
	remote: number;
	newcomers: number;
	/** The round's group (#17): an id, 'removed', or null. */
	groupId: string | null;
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
	locked: number;
	practice: string | null;
	group_id: string | null;
	planned_day: string | null;
	plan: string | null;
	started_at: number | null;
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
	readonly #countPeople;
	readonly #limits: Pick<RoundLimits, 'maxParticipants' | 'maxWaiting'>;

	constructor(
		db: Db,
		now: () => number = Date.now,
		limits: Partial<Pick<RoundLimits, 'maxParticipants' | 'maxWaiting'>> = {}
	) {
		this.#db = db;
		this.#now = now;
		this.#limits = { ...ROUND_LIMITS, ...limits };
		this.#countPeople = db.prepare<[string, number], { n: number }>(
			'SELECT count(*) AS n FROM participants WHERE round_code = ? AND waiting = ?'
		);
		this.#insertRound = db.prepare(
			`INSERT INTO rounds (code, key_hash, projector_hash, observer_hash, tablet_hash, title,
			   language, created_at, last_activity, practice, group_id, planned_day, plan, started_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		);
		this.#insertUpdate = db.prepare('INSERT INTO doc_updates (round_code, data) VALUES (?, ?)');
		this.#selectRound = db.prepare<[string], RoundRow>('SELECT * FROM rounds WHERE code = ?');
		this.#insertParticipant = db.prepare(
			`INSERT INTO participants (id, round_code, token_hash, name, presence, has_device, waiting,
			   created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
		);
		this.#selectParticipant = db.prepare<
			[Buffer, string],
			{ id: string; name: string; waiting: number }
		>('SELECT id, name, waiting FROM participants WHERE token_hash = ? AND round_code = ?');
	}

	/**
	 * Creates a round with a fresh code and secrets, and writes its first doc state (the meta map)
	 * so every client starts from the same, server-made origin.
	 */
	create(input: {
		title: string;
		language: string;
		/** A practice round (#16): what every screen knows, and the runner's own state (JSON). */
		practice?: { meta: NonNullable<MetaFields['practice']>; state: unknown };
		/**
		 * A prepared round of a group (#17): not open until `start`. Its facilitator key is made by
		 * the caller (`facilitatorKeyFor`, from the group's key and the code), so any device with
		 * the group's link can start it later while only the key's hash is stored.
		 */
		prepared?: { groupId: string; plan: RoundPlan; facilitatorKey: (code: string) => string };
	}): CreatedRound {
		const prepared = input.prepared;
		const now = this.#now();
		const initial = initialDocUpdate({
			title: input.title,
			language: input.language,
			createdAt: now,
			...(input.practice ? { practice: input.practice.meta } : {})
		});
		const practice = input.practice ? JSON.stringify(input.practice.state) : null;
		// A code collision is possible (32^6 codes); retry with another one.
		for (let attempt = 0; attempt < 20; attempt++) {
			const code = newRoundCode();
			const facilitatorKey = prepared ? prepared.facilitatorKey(code) : newSecret();
			const projectorToken = derivedToken(facilitatorKey, 'projector');
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
						now,
						practice,
						prepared?.groupId ?? null,
						prepared?.plan.date ?? null,
						prepared ? JSON.stringify(prepared.plan) : null,
						prepared ? null : now
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
			lastActivity: row.last_activity,
			locked: row.locked === 1,
			practice: row.practice !== null,
			groupId: row.group_id,
			plannedDay: row.planned_day,
			startedAt: row.started_at,
			prepared: isPrepared(row)
		};
	}

	/** A group's round plan (#17), or null for a round without one. */
	plan(code: string): RoundPlan | null {
		return parsePlan(this.#selectRound.get(code)?.plan ?? null);
	}

	/**
	 * Changes a prepared round's plan (and its title and date); false when the round has started
	 * (or is not a group's): what the doc says from then on is the console's.
	 */
	setPlan(code: string, plan: RoundPlan): boolean {
		return (
			this.#db
				.prepare(
					`UPDATE rounds SET plan = ?, planned_day = ?, title = ?
					 WHERE code = ? AND group_id IS NOT NULL AND started_at IS NULL`
				)
				.run(JSON.stringify(plan), plan.date, plan.title, code).changes > 0
		);
	}

	/**
	 * Opens a prepared round now: from here it is a round like any other (joins, TTL, counts).
	 * True the first time; false when it had started already (or is not a prepared round).
	 */
	start(code: string): boolean {
		const now = this.#now();
		return (
			this.#db
				.prepare(
					`UPDATE rounds SET started_at = ?, last_activity = ?
					 WHERE code = ? AND group_id IS NOT NULL AND started_at IS NULL`
				)
				.run(now, now, code).changes > 0
		);
	}

	/** The rounds of a group that exist now (prepared or running), by planned date. */
	groupRounds(
		groupId: string
	): { code: string; plan: RoundPlan | null; startedAt: number | null }[] {
		return this.#db
			.prepare<[string], { code: string; plan: string | null; started_at: number | null }>(
				`SELECT code, plan, started_at FROM rounds WHERE group_id = ?
				 ORDER BY planned_day, created_at`
			)
			.all(groupId)
			.map((r) => ({ code: r.code, plan: parsePlan(r.plan), startedAt: r.started_at }));
	}

	/** How many of a group's rounds are prepared and not started (GROUP_LIMITS.maxPreparedPerGroup). */
	preparedCount(groupId: string): number {
		return (
			this.#db
				.prepare<[string], { n: number }>(
					'SELECT count(*) AS n FROM rounds WHERE group_id = ? AND started_at IS NULL'
				)
				.get(groupId)?.n ?? 0
		);
	}

	/** The practice runner's state of a practice round (parsed JSON), or null. */
	practiceState(code: string): unknown {
		const row = this.#db
			.prepare<[string], { practice: string | null }>('SELECT practice FROM rounds WHERE code = ?')
			.get(code);
		if (!row?.practice) return null;
		try {
			return JSON.parse(row.practice) as unknown;
		} catch {
			return null;
		}
	}

	/** Replaces the practice runner's state of a practice round (a real round stays real). */
	setPracticeState(code: string, state: unknown): void {
		this.#db
			.prepare('UPDATE rounds SET practice = ? WHERE code = ? AND practice IS NOT NULL')
			.run(JSON.stringify(state), code);
	}

	/** Codes of every practice round that exists. */
	practiceCodes(): string[] {
		return this.#db
			.prepare<[], { code: string }>('SELECT code FROM rounds WHERE practice IS NOT NULL')
			.all()
			.map((r) => r.code);
	}

	/**
	 * A new token for a simulated neighbour of a practice round (the demo view opens their tablet
	 * with it); their earlier token stops working. Someone waiting at the door, without a device
	 * or not in this round gets none (null). Only the practice runner uses it.
	 */
	rekeyParticipant(code: string, id: string): string | null {
		const token = newSecret();
		const changed = this.#db
			.prepare<[Buffer, string, string]>(
				'UPDATE participants SET token_hash = ? WHERE round_code = ? AND id = ? AND has_device = 1 AND waiting = 0'
			)
			.run(hashSecret(token), code, id).changes;
		return changed === 1 ? token : null;
	}

	/**
	 * The identity of someone in the round by their participant id, as `verifyToken` would give it
	 * for their token (null: not in this round any more). Only the practice runner uses it, for its
	 * own neighbours after a restart: their tokens were never stored.
	 */
	participantIdentity(code: string, id: string): Identity | null {
		const row = this.#db
			.prepare<[string, string], { id: string; name: string; waiting: number }>(
				'SELECT id, name, waiting FROM participants WHERE round_code = ? AND id = ? AND has_device = 1'
			)
			.get(code, id);
		if (!row) return null;
		return {
			role: 'participant',
			participantId: row.id,
			name: row.name,
			...(row.waiting ? { waiting: true } : {})
		};
	}

	/**
	 * Adds a person to a round. Someone without a device (added by a facilitator) gets a token
	 * too, since the column is required, but nobody ever holds it. Throws RoundFull when the round
	 * already holds ROUND_LIMITS.maxParticipants people (or maxWaiting at the door): this is the
	 * one place people are added, by a join and by a facilitator alike.
	 */
	addParticipant(
		code: string,
		input: { name: string; presence: Presence },
		{
			hasDevice = true,
			id = newId(),
			waiting = false
		}: { hasDevice?: boolean; id?: string; waiting?: boolean } = {}
	) {
		const max = waiting ? this.#limits.maxWaiting : this.#limits.maxParticipants;
		if ((this.#countPeople.get(code, waiting ? 1 : 0)?.n ?? 0) >= max) {
			throw new RoundFull(waiting ? 'waiting' : 'participants');
		}
		const token = newSecret();
		this.#insertParticipant.run(
			id,
			code,
			hashSecret(token),
			input.name,
			input.presence,
			hasDevice ? 1 : 0,
			waiting ? 1 : 0,
			this.#now()
		);
		return { participantId: id, token };
	}

	setLocked(code: string, locked: boolean): void {
		this.#db.prepare('UPDATE rounds SET locked = ? WHERE code = ?').run(locked ? 1 : 0, code);
	}

	/**
	 * Lets a waiting person in; false when there is no such waiting person, `full` when the round
	 * already holds ROUND_LIMITS.maxParticipants people (nobody is let in then).
	 */
	admit(code: string, id: string): boolean | 'full' {
		return this.#db.transaction(() => {
			if ((this.#countPeople.get(code, 0)?.n ?? 0) >= this.#limits.maxParticipants) {
				const waiting = this.#db
					.prepare('SELECT 1 FROM participants WHERE round_code = ? AND id = ? AND waiting = 1')
					.get(code, id);
				return waiting ? 'full' : false;
			}
			return (
				this.#db
					.prepare(
						'UPDATE participants SET waiting = 0 WHERE round_code = ? AND id = ? AND waiting = 1'
					)
					.run(code, id).changes > 0
			);
		})();
	}

	/**
	 * Adds someone without a device (a facilitator's `person.add`, with the id the facilitator's
	 * device chose). Ids are unique across all rounds: one already used anywhere is `id_taken`, a
	 * full round is `full`; neither is an error of the server.
	 */
	addPersonWithoutDevice(
		code: string,
		id: string,
		input: { name: string; presence: Presence }
	): 'added' | 'id_taken' | 'full' {
		try {
			this.addParticipant(code, input, { hasDevice: false, id });
			return 'added';
		} catch (err) {
			if (err instanceof RoundFull) return 'full';
			if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'id_taken';
			throw err;
		}
	}

	/** Removes a person (or a waiting one): their token stops working at once. */
	removeParticipant(code: string, id: string): boolean {
		return this.#db.transaction(() => {
			this.#db.prepare('DELETE FROM ballots WHERE round_code = ? AND voter = ?').run(code, id);
			return (
				this.#db.prepare('DELETE FROM participants WHERE round_code = ? AND id = ?').run(code, id)
					.changes > 0
			);
		})();
	}

	setPresence(code: string, id: string, presence: Presence): void {
		this.#db
			.prepare('UPDATE participants SET presence = ? WHERE round_code = ? AND id = ?')
			.run(presence, code, id);
	}

	setNewcomer(code: string, id: string, on: boolean): void {
		this.#db
			.prepare('UPDATE participants SET newcomer = ? WHERE round_code = ? AND id = ?')
			.run(on ? 1 : 0, code, id);
	}

	/**
	 * Erases a round: its doc, stories, ballots, names and tokens. Only counts remain (a practice
	 * round leaves none and answers 'uncounted': it is never counted; its simulated people are
	 * nobody). Null: there was no such round. With
	 * secure_delete on and the WAL checkpointed and truncated, the erased bytes are overwritten
	 * in every database file. The TTL sweep erases many rounds and passes `checkpoint: false`: it
	 * truncates the WAL once at its end, in the checkpoint thread.
	 */
	erase(code: string, { checkpoint = true } = {}): RoundStats | 'uncounted' | null {
		const stats = this.#db
			.transaction(() => {
				const round = this.#selectRound.get(code);
				if (!round) return null;
				// A practice round, and a prepared round that never started (#17), were never held.
				if (round.practice !== null || isPrepared(round)) {
					this.#db.prepare('DELETE FROM rounds WHERE code = ?').run(code);
					return 'uncounted' as const;
				}
				const startedAt = round.started_at ?? round.created_at;
				const count = (where: string) =>
					(
						this.#db
							.prepare(
								`SELECT count(*) AS n FROM participants WHERE round_code = ? AND waiting = 0 ${where}`
							)
							.get(code) as { n: number }
					).n;
				const stats: RoundStats = {
					day: localDay(startedAt),
					durationMinutes: Math.max(0, Math.round((round.last_activity - startedAt) / 60_000)),
					inRoom: count("AND presence = 'room'"),
					remote: count("AND presence = 'remote'"),
					newcomers: count('AND newcomer = 1'),
					groupId: round.group_id
				};
				this.#db
					.prepare(
						`INSERT INTO round_stats (day, duration_minutes, in_room, remote, newcomers, group_id)
					 VALUES (?, ?, ?, ?, ?, ?)`
					)
					.run(
						stats.day,
						stats.durationMinutes,
						stats.inRoom,
						stats.remote,
						stats.newcomers,
						stats.groupId
					);
				this.#db.prepare('DELETE FROM rounds WHERE code = ?').run(code);
				return stats;
				// IMMEDIATE: the write lock first. A deferred transaction that reads, then writes, got
				// SQLITE_BUSY at once (no waiting) while the checkpoint thread held the log.
			})
			.immediate();
		if (checkpoint) this.#db.pragma('wal_checkpoint(TRUNCATE)');
		return stats;
	}

	/**
	 * Codes of rounds without activity since `before` (ms since epoch) that may be erased. A
	 * prepared round (#17) is kept until the day after its date: `today` (YYYY-MM-DD, the server's
	 * local date, days.ts) must be later than its planned day. Once started it is a round like any
	 * other (its stories must not wait for a date weeks ahead).
	 */
	idleSince(before: number, today: string = localDay(this.#now())): string[] {
		return this.#db
			.prepare<[number, string], { code: string }>(
				`SELECT code FROM rounds WHERE last_activity < ?
				 AND (planned_day IS NULL OR started_at IS NOT NULL OR planned_day < ?)`
			)
			.all(before, today)
			.map((r) => r.code);
	}

	/** Counts of erased rounds, for the annual report; `year`: only that year's. */
	stats(year?: number): RoundStats[] {
		const where = year === undefined ? '' : 'WHERE day >= ? AND day < ?';
		const params = year === undefined ? [] : [`${year}-01-01`, `${year + 1}-01-01`];
		return this.#db
			.prepare<
				string[],
				{
					day: string;
					duration_minutes: number;
					in_room: number;
					remote: number;
					newcomers: number;
					group_id: string | null;
				}
			>(
				`SELECT day, duration_minutes, in_room, remote, newcomers, group_id FROM round_stats
				 ${where} ORDER BY id`
			)
			.all(...params)
			.map((r) => ({
				day: r.day,
				durationMinutes: r.duration_minutes,
				inRoom: r.in_room,
				remote: r.remote,
				newcomers: r.newcomers,
				groupId: r.group_id
			}));
	}

	/** Years with counted rounds, newest first. */
	statYears(): number[] {
		return this.#db
			.prepare<[], { y: string }>(
				'SELECT DISTINCT substr(day, 1, 4) AS y FROM round_stats ORDER BY y DESC'
			)
			.all()
			.map((r) => Number(r.y));
	}

	/** Marks a round as used now (a connection came or went). */
	touch(code: string): void {
		this.#db.prepare('UPDATE rounds SET last_activity = ? WHERE code = ?').run(this.#now(), code);
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
			return {
				role: 'participant',
				participantId: participant.id,
				name: participant.name,
				...(participant.waiting ? { waiting: true } : {})
			};
		}
		return null;
	}
}

/** A stored plan (written by the server from a validated one); null when absent or unreadable. */
function parsePlan(json: string | null): RoundPlan | null {
	if (!json) return null;
	try {
		return JSON.parse(json) as RoundPlan;
	} catch {
		return null;
	}
}

/** A group's round that has not been opened with "Start" yet. */
function isPrepared(row: RoundRow): boolean {
	return row.group_id !== null && row.started_at === null;
}

/** The doc every round starts from. */
function initialDocUpdate(meta: Omit<MetaFields, 'protocol' | 'step'>): Uint8Array {
	const doc = new Y.Doc();
	const fields: MetaFields = { protocol: PROTOCOL_VERSION, step: 'opening', ...meta };
	doc.transact(() => {
		const map = doc.getMap(DOC_MAP.meta);
		for (const [key, value] of Object.entries(fields)) map.set(key, value);
		if (meta.practice) {
			// The practice recap starts with the Opening (#16).
			const recap: PracticeRecapFields = {
				stepStartedAt: { opening: meta.createdAt },
				endedAt: null,
				handsGiven: 0,
				votesOpened: 0,
				ties: 0,
				consent: { yes: 0, no: 0 }
			};
			const practice = doc.getMap(DOC_MAP.practice);
			for (const [key, value] of Object.entries(recap)) practice.set(key, value);
		}
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}
