import {
	getLocale,
	isLocale,
	getTextDirection,
	locales,
	setLocale,
	type Locale
} from '$lib/paraglide/runtime.js';
import { keepDrafts } from './drafts';

/**
 * Each language's own name, and its own word for "language", in its own script. Never
 * translated on purpose: someone who cannot read the language on screen must still find theirs.
 * A locale missing here falls back to the browser's name for it (Intl.DisplayNames).
 */
const OWN_NAMES: Record<string, { name: string; word: string }> = {
	nl: { name: 'Nederlands', word: 'Taal' },
	en: { name: 'English', word: 'Language' },
	tr: { name: 'Türkçe', word: 'Dil' },
	ar: { name: 'العربية', word: 'اللغة' }
};

export interface Language {
	locale: Locale;
	/** The language's name in that language ("Türkçe"). */
	name: string;
	/** "Language" in that language ("Dil"). */
	word: string;
	dir: 'ltr' | 'rtl';
}

function ownName(locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
	} catch {
		return locale;
	}
}

const language = (locale: Locale): Language => ({
	locale,
	name: OWN_NAMES[locale]?.name ?? ownName(locale),
	word: OWN_NAMES[locale]?.word ?? 'Language',
	dir: getTextDirection(locale)
});

/** The languages of settings.json, in its order (Dutch first). */
export const languages: Language[] = locales.map(language);

/** The language this page is shown in. */
export const currentLanguage = (): Language => language(getLocale());

/** "Taal · Language · Dil · اللغة": the picker's accessible name, readable by everyone. */
export const languageWords = languages.map((l) => l.word).join(' · ');

/**
 * Chooses the language for this device. Paraglide stores it in a cookie (so the server renders
 * the next page in it, with the right `<html lang dir>`) and reloads the page. A reload keeps a
 * participant in the round: their token lives in localStorage, a facilitator's key in
 * sessionStorage, and the URL (with its fragment) stays the same. What they were typing comes
 * back too (drafts.ts).
 */
export function chooseLanguage(locale: Locale): void {
	if (locale === getLocale()) return;
	keepDrafts();
	// Right now, not only after the reload: the page already reads the right way while it loads.
	document.documentElement.lang = locale;
	document.documentElement.dir = getTextDirection(locale);
	setLocale(locale);
}

/**
 * Chooses the language someone tapped before the app ran. The page is drawn by the server, so
 * on an old tablet its language buttons show a second or more before they work; the little
 * script in app.html keeps the last tap, and the app, once it runs, acts on it (a tap after
 * that goes straight to `chooseLanguage`).
 */
export function chooseEarlyLanguage(): void {
	const early = window.kleedLocale;
	window.kleedLocale = undefined;
	if (early && isLocale(early)) chooseLanguage(early);
}
