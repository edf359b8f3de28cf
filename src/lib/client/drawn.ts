/**
 * A choice made on a page the server drew, in the second before the app ran (#18: an old tablet
 * shows the start page a second or more before it works). When the app takes the page over,
 * Svelte keeps what was typed in a bound input and the boxes ticked (svelte 5.57), but sets a
 * bound `<select>` back to the component's starting value, so a trainer's "6 neighbours" became
 * 8 again without a word. A component with a select on such a page starts from this value.
 *
 * `id` is the select's id from `$props.id()`, the same on the server and in the browser.
 * Undefined on the server, and when no such select is on the page (the component was not drawn
 * by the server: nothing was chosen before it).
 */
export function drawnChoice(id: string): string | undefined {
	if (typeof document === 'undefined') return undefined;
	const element = document.getElementById(id);
	return element instanceof HTMLSelectElement ? element.value : undefined;
}
