/**
 * The high-contrast theme, chosen per device. The operating system's `prefers-contrast: more`
 * turns it on by itself; a person can also switch it on (or off again) with the "Meer contrast"
 * button, and that choice is kept in this browser. The choice lives on `<html data-contrast>`,
 * which app.css reads.
 */
export type ContrastChoice = 'more' | 'normal';

/** Also read by the few lines in src/app.html that apply the choice before the page is drawn. */
const KEY = 'kleed:contrast';

/** The stored choice on this device, or null: follow the operating system. */
export function storedContrast(): ContrastChoice | null {
	try {
		const value = window.localStorage.getItem(KEY);
		return value === 'more' || value === 'normal' ? value : null;
	} catch {
		// Private mode or a locked-down tablet: no storage, so no remembered choice.
		return null;
	}
}

/** Whether the high-contrast theme is on now (the device's choice, else the system's). */
export function contrastIsMore(): boolean {
	const choice = storedContrast();
	if (choice) return choice === 'more';
	return window.matchMedia('(prefers-contrast: more)').matches;
}

/** Puts the stored choice on the page; call once when the app starts. */
export function applyStoredContrast(): void {
	const choice = storedContrast();
	if (choice) document.documentElement.dataset.contrast = choice;
	else delete document.documentElement.dataset.contrast;
}

/** Remembers a choice on this device and applies it at once. */
export function chooseContrast(more: boolean): void {
	const choice: ContrastChoice = more ? 'more' : 'normal';
	try {
		window.localStorage.setItem(KEY, choice);
	} catch {
		// Not remembered, but still applied for this page.
	}
	document.documentElement.dataset.contrast = choice;
}
