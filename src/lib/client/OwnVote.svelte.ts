import type { DataOf, IntentOf, IntentResult, IntentType } from '$lib/round/intents';

type Send = <K extends IntentType>(intent: IntentOf<K>) => Promise<IntentResult<DataOf<K>>>;

/**
 * A participant's own heart. Ballots are not in the doc and the server tells them only to the
 * voter who asks (`vote.mine`), so this keeps what it was last told: shown at once when given
 * (optimistic), then confirmed by asking. Server state, not doc state, hence `$state`.
 */
export class OwnVote {
	#mine = $state<{ round: number; storyId: string | null } | null>(null);
	/** Answers to vote.mine can cross; only the latest question counts. */
	#asked = 0;
	#lastRound = -1;
	/** The change on its way to the server: the same change again sends nothing more. */
	#sending: { round: number; storyId: string | null; answer: Promise<IntentResult> } | null = null;
	readonly #send: Send;
	/** The vote round as the doc has it now (read at call time, not from a `$derived`). */
	readonly #round: () => number;

	constructor(send: Send, round: () => number) {
		this.#send = send;
		this.#round = round;
	}

	/** The story with our heart in vote round `round`, or null. */
	in(round: number): string | null {
		const mine = this.#mine;
		return mine !== null && mine.round === round ? mine.storyId : null;
	}

	/** Gives our heart to `storyId`. */
	cast(storyId: string): Promise<IntentResult> {
		return this.#change(storyId, () => this.#send({ type: 'vote.cast', storyId }));
	}

	/** Takes our heart back. */
	clear(): Promise<IntentResult> {
		return this.#change(null, () => this.#send({ type: 'vote.clear' }));
	}

	/** Asks the server (after a reconnect: our heart may have changed on another device). */
	refresh(): void {
		const asked = ++this.#asked;
		const round = this.#round();
		this.#send({ type: 'vote.mine' }).then((result) => {
			if (asked !== this.#asked || !result.ok) return;
			const storyId = result.data?.storyId;
			this.#mine = { round, storyId: typeof storyId === 'string' ? storyId : null };
		}, ignore);
	}

	/** The doc's vote changed: a new round (a re-vote, a reset) starts without a heart, so ask. */
	seen(round: number): void {
		if (round === this.#lastRound) return;
		this.#lastRound = round;
		this.refresh();
	}

	#change(storyId: string | null, send: () => Promise<IntentResult>): Promise<IntentResult> {
		const round = this.#round();
		const sending = this.#sending;
		// A double tap, or a second press before the answer: one intent, one answer for both.
		if (sending && sending.round === round && sending.storyId === storyId) return sending.answer;
		this.#mine = { round, storyId };
		// A question still on its way would answer with the heart from before this change.
		this.#asked++;
		const answer = send().finally(() => {
			if (this.#sending?.answer === answer) this.#sending = null;
			this.refresh();
		});
		this.#sending = { round, storyId, answer };
		return answer;
	}
}

const ignore = () => {};
