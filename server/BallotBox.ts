import type { Ballots } from '../src/lib/round/apply.ts';
import type { Db } from './db.ts';

/**
 * The secret ballots: who gave their heart to which story, per vote round. Kept here, outside the
 * shared doc, so nobody can read them from the doc or awareness before the reveal. Every call is
 * one committed statement: a ballot survives a crash the moment its voter got an answer.
 */
export class BallotBox implements Ballots {
	readonly #cast;
	readonly #clear;
	readonly #mine;
	readonly #count;
	readonly #tally;
	readonly #dropStory;

	constructor(db: Db) {
		this.#cast = db.prepare(
			`INSERT INTO ballots (round_code, vote_round, voter, story_id) VALUES (?, ?, ?, ?)
			 ON CONFLICT (round_code, vote_round, voter) DO UPDATE SET story_id = excluded.story_id`
		);
		this.#clear = db.prepare(
			'DELETE FROM ballots WHERE round_code = ? AND vote_round = ? AND voter = ?'
		);
		this.#mine = db.prepare<[string, number, string], { story_id: string }>(
			'SELECT story_id FROM ballots WHERE round_code = ? AND vote_round = ? AND voter = ?'
		);
		this.#count = db.prepare<[string, number], { n: number }>(
			'SELECT count(*) AS n FROM ballots WHERE round_code = ? AND vote_round = ?'
		);
		this.#tally = db.prepare<[string, number], { story_id: string; n: number }>(
			`SELECT story_id, count(*) AS n FROM ballots WHERE round_code = ? AND vote_round = ?
			 GROUP BY story_id`
		);
		this.#dropStory = db.prepare(
			'DELETE FROM ballots WHERE round_code = ? AND vote_round = ? AND story_id = ?'
		);
	}

	cast(code: string, round: number, voter: string, storyId: string): void {
		this.#cast.run(code, round, voter, storyId);
	}

	clear(code: string, round: number, voter: string): void {
		this.#clear.run(code, round, voter);
	}

	mine(code: string, round: number, voter: string): string | null {
		return this.#mine.get(code, round, voter)?.story_id ?? null;
	}

	count(code: string, round: number): number {
		return this.#count.get(code, round)?.n ?? 0;
	}

	tally(code: string, round: number): Record<string, number> {
		return Object.fromEntries(this.#tally.all(code, round).map((r) => [r.story_id, r.n]));
	}

	dropStory(code: string, round: number, storyId: string): void {
		this.#dropStory.run(code, round, storyId);
	}
}
