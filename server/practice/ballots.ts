/**
 * How the simulated neighbours vote: planned once per vote (deterministic from the round's seed and
 * the vote's number), so that a 'tie' really ties and otherwise one story clearly wins, with a clear
 * second (after a "no" the server then proposes that one by itself).
 */
import type { VoteFields } from '../../src/lib/round/doc.ts';
import type { Random } from './random.ts';

export interface BallotPlanInput {
	vote: VoteFields;
	/** Everyone the practice round votes for (neighbours, and people the tablet votes for). */
	voters: string[];
	/** Who owns each candidate story (null: "zonder naam" or the facilitator's). */
	ownerOf: (storyId: string) => string | null;
	/** Owners that are simulated neighbours (their consent can be simulated). */
	simulated: (participantId: string) => boolean;
	/** Make the top two equal in this vote. */
	tie: boolean;
	random: Random;
}

/** voter -> story id (absent: this voter does not vote). */
export function planBallots(input: BallotPlanInput): Map<string, string> {
	const { vote, random } = input;
	const voters = random.shuffle([...input.voters].sort());
	const candidates = [...vote.candidates];
	const ballots = new Map<string, string>();
	if (candidates.length === 0 || voters.length === 0) return ballots;
	// Stories of simulated neighbours first: their owners can answer the consent question.
	const preferred = random.shuffle(
		candidates.filter((c) => {
			const owner = input.ownerOf(c);
			return owner !== null && input.simulated(owner);
		})
	);
	const rest = random.shuffle(candidates.filter((c) => !preferred.includes(c)));
	const ranked = [...preferred, ...rest];
	const first = ranked[0]!;
	const second = ranked[1];
	const third = ranked[2];
	if (input.tie && second !== undefined && voters.length >= 2) {
		const half = Math.floor(voters.length / 2);
		voters.forEach((voter, i) => {
			if (i < half) ballots.set(voter, first);
			else if (i < 2 * half) ballots.set(voter, second);
			// An odd one out gives a third story a heart, or does not vote.
			else if (third !== undefined) ballots.set(voter, third);
		});
		return ballots;
	}
	const winning = Math.floor(voters.length / 2) + 1;
	voters.forEach((voter, i) => {
		if (i < winning || second === undefined) ballots.set(voter, first);
		else ballots.set(voter, second);
	});
	return ballots;
}
