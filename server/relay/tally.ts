/** Pure vote arithmetic, kept apart so it is easy to test. */

/** Story ids by hearts, most first; equal totals keep the candidates' order. */
export function ranked(totals: Record<string, number>, candidates: readonly string[]): string[] {
	return [...candidates].sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0));
}

/** The stories that share the highest total (none when nobody voted). */
export function leaders(totals: Record<string, number>, candidates: readonly string[]): string[] {
	const top = Math.max(0, ...candidates.map((c) => totals[c] ?? 0));
	if (top === 0) return [];
	return candidates.filter((c) => (totals[c] ?? 0) === top);
}

/** The one winner, or null on a tie or when nobody voted. */
export function winner(
	totals: Record<string, number>,
	candidates: readonly string[]
): string | null {
	const top = leaders(totals, candidates);
	return top.length === 1 ? (top[0] ?? null) : null;
}

/**
 * After an owner said no: the next story to propose, by hearts, skipping declined ones and
 * stories nobody chose. Null on a tie for that place (the facilitator decides) or when none is left.
 */
export function nextProposal(
	totals: Record<string, number>,
	candidates: readonly string[],
	declined: readonly string[]
): string | null {
	const left = candidates.filter((c) => !declined.includes(c));
	return winner(totals, left);
}
