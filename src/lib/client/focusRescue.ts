/**
 * Keeps keyboard focus from falling back to <body> when the focused control goes away: a list
 * item removed, a button replaced by "are you sure?", "Volgende stap" disabled on the last step,
 * a dialog closed whose opener is gone. Without this, a keyboard or screen-reader user must start
 * again from the top of the page after every such action (WCAG 2.4.3 focus order).
 *
 * The neighbour chosen: within the nearest part of the page that is still there, a heading marked
 * `data-focus-target` (new content announcing itself), else the control that took the lost one's
 * place, else the one that came after it, else the last one before it.
 */

const TABBABLE =
	'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"]), [data-focus-target]';

const usable = (el: Element): el is HTMLElement =>
	el instanceof HTMLElement &&
	el.isConnected &&
	!(el as HTMLButtonElement).disabled &&
	el.checkVisibility() &&
	!el.closest('[inert]');

/** Starts watching `root`; returns the function that stops it. */
export function rescueFocus(root: HTMLElement): () => void {
	let last: HTMLElement | null = null;
	/** The last element's ancestors and the tabbables after it, read while it was still there. */
	let ancestors: HTMLElement[] = [];
	let after: HTMLElement[] = [];
	let known = new Set<Element>();

	function remember(target: EventTarget | null) {
		if (!(target instanceof HTMLElement) || target === document.body) return;
		last = target;
		ancestors = [];
		for (let el = target.parentElement; el && el !== document.body; el = el.parentElement) {
			ancestors.push(el);
		}
		const all = [...root.querySelectorAll<HTMLElement>(TABBABLE)];
		after = all.slice(all.indexOf(target) + 1, all.indexOf(target) + 40);
		known = new Set(all);
	}

	const onFocusIn = (event: FocusEvent) => remember(event.target);

	function lost(): boolean {
		const active = document.activeElement;
		// A disabled button may still be the active element for a moment before the browser lets go.
		const gone = active === null || active === document.body || active === last;
		return gone && last !== null && !usable(last);
	}

	function rescue() {
		if (!lost()) return;
		const scope = ancestors.find((el) => el.isConnected && el.checkVisibility()) ?? root;
		const inScope = [...scope.querySelectorAll(TABBABLE)].filter(usable);
		const heading = inScope.find((el) => el.hasAttribute('data-focus-target') && !known.has(el));
		const next = after.find(usable);
		let choice: HTMLElement | undefined = heading;
		if (!choice && next && scope.contains(next)) {
			// A new control before the old next one took the lost one's place.
			choice = inScope.find(
				(el) =>
					!known.has(el) && el.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING
			);
			choice ??= next;
		}
		choice ??= inScope.at(-1) ?? next;
		if (choice) {
			choice.focus();
			remember(choice);
		}
	}

	const observer = new MutationObserver(rescue);
	observer.observe(root, {
		childList: true,
		subtree: true,
		attributes: true,
		attributeFilter: ['disabled', 'open', 'hidden']
	});
	root.addEventListener('focusin', onFocusIn);
	// A closed dialog whose opener is gone leaves focus on <body> without any DOM change.
	const onClose = () => setTimeout(rescue);
	root.addEventListener('close', onClose, true);
	return () => {
		observer.disconnect();
		root.removeEventListener('focusin', onFocusIn);
		root.removeEventListener('close', onClose, true);
	};
}
