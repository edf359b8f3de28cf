import type { Attachment } from 'svelte/attachments';

/**
 * On the room's screen nobody scrolls: the large kleed is never taller than the height left
 * under what is above it (a warm-up, say), so it and the names around it stay whole on the
 * screen. It sets `--screen-fit` on the element, which KleedCircle's CSS uses as a maximum.
 * Below FIT_MIN the kleed would be too small to read from the back of the room; then the page
 * scrolls. Kept out of KleedCircle: participants' tablets load that, and never need this.
 */
const FIT_MARGIN = 48;
const FIT_MIN = 320;

export const fitScreen: Attachment<HTMLElement> = (element) => {
	const fit = () => {
		const top = element.getBoundingClientRect().top + window.scrollY;
		const room = Math.max(FIT_MIN, window.innerHeight - top - FIT_MARGIN);
		element.style.setProperty('--screen-fit', `${Math.round(room)}px`);
	};
	// Whatever grows above the kleed (a warm-up) grows one of its ancestors.
	const observer = new ResizeObserver(fit);
	for (let el = element.parentElement; el; el = el.parentElement) observer.observe(el);
	window.addEventListener('resize', fit);
	fit();
	return () => {
		observer.disconnect();
		window.removeEventListener('resize', fit);
	};
};
