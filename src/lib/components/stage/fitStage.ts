import type { Attachment } from 'svelte/attachments';

/**
 * A projector cannot scroll: a stage area shows all it holds, as large as fits. Its text sizes
 * are multiplied by `--fit` (1 at most); when the content is taller than the area, `--fit`
 * steps down until it fits (never under MIN_FIT, so the back row can still read it). It runs
 * again when the area's size or its content changes (a new step, one more hand, a class).
 */
const MIN_FIT = 0.5;
const STEP = 0.05;

export const fitStage: Attachment<HTMLElement> = (element) => {
	let frame = 0;
	let gone = false;
	const fit = () => {
		frame = 0;
		let scale = 1;
		element.style.setProperty('--fit', '1');
		// Each try is one layout; at most ten of them, only when something changed.
		while (element.scrollHeight > element.clientHeight + 1 && scale > MIN_FIT) {
			scale = Math.max(MIN_FIT, scale - STEP);
			element.style.setProperty('--fit', scale.toFixed(2));
		}
	};
	const later = () => {
		if (!frame && !gone) frame = requestAnimationFrame(fit);
	};
	const resize = new ResizeObserver(later);
	resize.observe(element);
	// A class that changes inside counts too: the join card is large in the Opening only, and
	// the size found for it must grow again after (not only shrink). (`--fit` itself is a style
	// on the element, not a class: setting it does not call this again.)
	const content = new MutationObserver(later);
	content.observe(element, {
		childList: true,
		subtree: true,
		characterData: true,
		attributes: true,
		attributeFilter: ['class']
	});
	// The web font changes every line's width once it has loaded.
	void document.fonts?.ready.then(later);
	fit();
	return () => {
		gone = true;
		resize.disconnect();
		content.disconnect();
		if (frame) cancelAnimationFrame(frame);
	};
};
