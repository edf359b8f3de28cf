/** A list typed one item per line (warm-ups, motes, rules): blank lines dropped, ends trimmed. */
export const toLines = (text: string, max: number): string[] =>
	text
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.length > 0)
		.slice(0, max);

export const fromLines = (list: readonly string[]): string => list.join('\n');

/** A plain copy of JSON data (a template or a plan, also behind a $state proxy). */
export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * A user's words inside a sentence of the interface ("Erase group {name}?"), set apart with
 * Unicode's first-strong isolate (FSI … PDI): what `dir="auto"` does for an element, for a name
 * inside a message. A Latin name in an Arabic sentence keeps its own direction, and the
 * sentence's punctuation stays on the sentence's side.
 */
export const isolate = (text: string): string => `\u2068${text}\u2069`;
