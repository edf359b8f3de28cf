import type { Attachment } from 'svelte/attachments';

/**
 * What someone is typing survives a change of language. Choosing a language reloads the page
 * (locale.ts); just before, `keepDrafts` saves the text of every field marked `data-draft="name"`
 * in this tab's sessionStorage, and the field, with `restoreDraft` attached, takes it back when
 * it appears after the reload. Kept for that reload only: a draft taken back is removed at once,
 * and what nobody takes back within a minute is dropped (a story half typed is that person's
 * alone). Small on purpose: the join page loads it (docs/performance.md §4).
 */
export const DRAFTS_KEY = 'kleed:drafts';
const MAX_AGE_MS = 60_000;

type Field = HTMLInputElement | HTMLTextAreaElement;

/** Saves the text of every draft field on the page, right before the page reloads. */
export function keepDrafts(): void {
	const values: Record<string, string> = {};
	for (const field of document.querySelectorAll<Field>('[data-draft]')) {
		if (field.value.trim()) values[field.dataset.draft!] = field.value;
	}
	try {
		sessionStorage.setItem(DRAFTS_KEY, JSON.stringify({ at: Date.now(), values }));
	} catch {
		// Storage forbidden (private mode, a locked-down tablet): the text is lost, as before.
	}
}

/** Gives a draft field back the text it had before the reload. */
export const restoreDraft: Attachment<Field> = (field) => {
	try {
		const saved = JSON.parse(sessionStorage.getItem(DRAFTS_KEY) ?? 'null') as {
			at: number;
			values: Record<string, unknown>;
		} | null;
		if (!saved?.values) return;
		const name = field.dataset.draft!;
		const text = saved.values[name];
		const fresh = Date.now() - saved.at < MAX_AGE_MS;
		if (fresh && typeof text === 'string') {
			field.value = text;
			// So that the component's own state (bind:value, oninput) has the text too.
			field.dispatchEvent(new Event('input', { bubbles: true }));
		}
		delete saved.values[name];
		if (fresh && Object.keys(saved.values).length > 0) {
			sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(saved));
		} else {
			sessionStorage.removeItem(DRAFTS_KEY);
		}
	} catch {
		// Storage forbidden or not ours to read: nothing to take back.
	}
};
