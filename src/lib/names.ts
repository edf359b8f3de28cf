/**
 * Rules for the names people give themselves, shared by the server's schemas and the join form
 * (which must not load zod: it is on a participant's first load). Pure; imports nothing.
 */

/**
 * Characters that show nothing on a screen: spaces of every kind, control and format
 * characters (zero-width space and joiners, the BOM, bidi marks), default-ignorable ones
 * (variation selectors, Hangul fillers), combining marks on their own, private-use and
 * unassigned code points, and the blank braille pattern.
 */
const INVISIBLE =
	/[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\u2800]/gu;

/** True when `text` has at least one character a person can see. */
export function hasVisibleCharacter(text: string): boolean {
	return text.replace(INVISIBLE, '') !== '';
}

/**
 * Tells apart people who gave the same name: the first to join keeps it, the next ones get
 * "(2)", "(3)" in the order they joined. `people` must come in that order (the doc's reader gives
 * it); the result keeps it. Every page reads names through this, so "Anna (2)" is the same Anna
 * on the kleed, in the hand queue, on the projector and in the summary.
 */
export function distinguishNames<T extends { name: string }>(people: readonly T[]): T[] {
	const seen = new Map<string, number>();
	return people.map((person) => {
		// Case and spaces aside: "anna" and "Anna " look the same on a screen.
		const key = person.name.trim().toLowerCase();
		const count = (seen.get(key) ?? 0) + 1;
		seen.set(key, count);
		return count === 1 ? person : { ...person, name: `${person.name} (${count})` };
	});
}
