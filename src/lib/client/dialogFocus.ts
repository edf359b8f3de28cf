/**
 * Keeps Tab inside an open modal dialog: from the last control back to the first and the other
 * way round. A native modal dialog makes the page behind it inert, but Tab past its last control
 * leaves the page for the browser's own bar, and a keyboard user loses their place (WCAG 2.4.3).
 * Use as the dialog's `onkeydown`.
 */
export function keepTabInside(event: KeyboardEvent): void {
	if (event.key !== 'Tab') return;
	const dialog = event.currentTarget as HTMLElement;
	const controls = [
		...dialog.querySelectorAll<HTMLElement>(
			'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'
		)
	].filter((el) => !(el as HTMLButtonElement).disabled && el.checkVisibility());
	const first = controls[0];
	const last = controls.at(-1);
	if (!first || !last) return;
	if (event.shiftKey && (document.activeElement === first || document.activeElement === dialog)) {
		event.preventDefault();
		last.focus();
	} else if (!event.shiftKey && document.activeElement === last) {
		event.preventDefault();
		first.focus();
	}
}
