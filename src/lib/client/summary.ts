import type { RoundView } from './RoundView.svelte';

/**
 * What the organisation may keep of a round: how many, never what. No story, note or name.
 * Computed from the doc, so the facilitator's page reads it before an erase takes the doc away.
 */
export interface RoundCounts {
	room: number;
	remote: number;
	noDevice: number;
	newcomers: number;
	happy: number;
	objects: number;
	stories: number;
	hearts: number;
	takeaways: number;
	kindWords: number;
	/** From the start to the end of the round (or to now, when it has not been ended). */
	minutes: number | null;
}

/** Counts the round as the doc has it now. Reactive when read inside a `$derived`. */
export function countRound(round: RoundView, end = round.endedAt): RoundCounts {
	const people = round.participants;
	const vote = round.vote;
	const hearts = vote.totals
		? Object.values(vote.totals).reduce((sum, n) => sum + (Number(n) || 0), 0)
		: vote.voted;
	const start = round.createdAt;
	return {
		room: people.filter((p) => p.presence === 'room').length,
		remote: people.filter((p) => p.presence === 'remote').length,
		noDevice: people.filter((p) => p.noDevice).length,
		newcomers: people.filter((p) => p.newcomer).length,
		happy: round.happy.length,
		objects: round.kleed.length,
		stories: round.stories.length,
		hearts,
		takeaways: round.takeaways.length,
		kindWords: round.kindWords.length,
		minutes: start !== null && end !== null ? Math.max(0, Math.round((end - start) / 60_000)) : null
	};
}
