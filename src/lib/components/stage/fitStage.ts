import type { Attachment } from 'svelte/attachments';

/**
 * A projector cannot scroll: a stage area shows all it holds, as large as fits. Its text sizes
 * are multiplied by `--fit` (1 at most); when the content is taller than the area, `--fit`
 * steps down until it fits (never under MIN_FIT, so the back row can still read it). It runs
 * again when the area's size or its content changes (a new step, one more hand).
 */
const MIN_FIT = 0.5;
const STEP = 0.05;

export const fitStage: Attachment<HTMLElement> = (element) => {
	let frame = 0;
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
		if (!frame) frame = requestAnimationFrame(fit);
	};
	const resize = new ResizeObserver(later);
	resize.observe(element);
	const content = new MutationObserver(later);
	content.observe(element, { childList: true, subtree: true, characterData: true });
	fit();
	return () => {
		resize.disconnect();
		content.disconnect();
		if (frame) cancelAnimationFrame(frame);
	};
};
