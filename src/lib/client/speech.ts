import { getLocale } from '$lib/paraglide/runtime.js';

/**
 * Read-aloud with the browser's own speech engine (`window.speechSynthesis`), for people who read
 * poorly. Nothing is fetched and no service is called by Kleed; see `pickVoice` for why voices
 * that speak through a server are never chosen.
 */

/** The spoken language for each UI language: the variant people around a Dutch circle expect. */
const SPEECH_LANG: Record<string, string> = {
	nl: 'nl-NL',
	en: 'en-GB',
	tr: 'tr-TR',
	ar: 'ar-SA'
};

/** BCP-47 tag to speak in for a Paraglide locale ("nl" → "nl-NL"); unknown ones pass through. */
export function speechLang(locale: string): string {
	return SPEECH_LANG[locale] ?? locale;
}

/** The part of a voice's lang that names the language: "nl-NL", "nl_BE" → "nl". */
function primary(lang: string): string {
	return lang.toLowerCase().split(/[-_]/)[0] ?? '';
}

function normal(lang: string): string {
	return lang.toLowerCase().replace('_', '-');
}

/** The bits of a SpeechSynthesisVoice the choice needs (so tests can pass plain objects). */
export type VoiceLike = Pick<SpeechSynthesisVoice, 'lang' | 'localService' | 'default'>;

/**
 * The voice to read `lang` with: a voice on this device for exactly that language and region,
 * else one for the same language (Flemish for Dutch is fine), the device's default first.
 * Voices with `localService: false` (e.g. Chrome's "Google" voices) send the text to a server,
 * and a story must stay in the circle: they are never picked. Null: no fitting local voice.
 */
export function pickVoice<V extends VoiceLike>(voices: readonly V[], lang: string): V | null {
	const local = voices.filter((v) => v.localService);
	const byDefault = (a: V, b: V) => Number(b.default) - Number(a.default);
	const exact = local.filter((v) => normal(v.lang) === normal(lang)).sort(byDefault);
	if (exact[0]) return exact[0];
	const same = local.filter((v) => primary(v.lang) === primary(lang)).sort(byDefault);
	return same[0] ?? null;
}

/**
 * Whether reading aloud in `lang` can stay on this device. With no voice list (yet, or ever:
 * some browsers fill it late) the browser picks by `utterance.lang`; when the list shows only
 * server voices for the language, we do not read at all.
 */
export function canSpeakLocally(voices: readonly VoiceLike[], lang: string): boolean {
	if (voices.length === 0) return true;
	const any = voices.some((v) => primary(v.lang) === primary(lang));
	return !any || pickVoice(voices, lang) !== null;
}

/**
 * One text to speak from parts (a heading, sentences, list items): empty parts dropped, each part
 * ends with a stop so the voice pauses between them instead of running the items together.
 */
export function speechText(parts: readonly (string | null | undefined)[]): string {
	return parts
		.map((part) => (part ?? '').replace(/\s+/g, ' ').trim())
		.filter((part) => part !== '')
		.map((part) => (/[.!?…:;]$/.test(part) ? part : `${part}.`))
		.join(' ');
}

function synth(): SpeechSynthesis | null {
	if (typeof window === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined') return null;
	return window.speechSynthesis ?? null;
}

/** Whether this browser can read aloud here, in the reader's language, without a server. */
export function speechAvailable(): boolean {
	const s = synth();
	return s !== null && canSpeakLocally(s.getVoices(), speechLang(getLocale()));
}

/** Calls `listener` when the browser's voice list changes (it loads late); returns the unsubscribe. */
export function onVoicesChanged(listener: () => void): () => void {
	const s = synth();
	if (!s) return () => {};
	s.addEventListener('voiceschanged', listener);
	return () => s.removeEventListener('voiceschanged', listener);
}

/** What is being read now, so a new read (from any button) can tell the old button it stopped. */
let current: { done: () => void } | null = null;

function finishCurrent() {
	const was = current;
	current = null;
	was?.done();
}

/**
 * Reads `text` aloud in the current UI language, after stopping whatever was being read.
 * `onDone` runs once, later, when it ends, fails, or is stopped (by the returned function or a
 * newer read); never when nothing could be read.
 */
export function speak(text: string, onDone: () => void): () => void {
	const s = synth();
	if (!s) return () => {};
	finishCurrent();
	s.cancel();
	const utterance = new SpeechSynthesisUtterance(text);
	const lang = speechLang(getLocale());
	utterance.lang = lang;
	const voice = pickVoice(s.getVoices(), lang);
	if (voice) utterance.voice = voice;
	const entry = { done: onDone };
	// cancel() above fires 'end'/'error' on the old utterance later; `current === entry` keeps
	// that late event from switching off the button that just started.
	const end = () => {
		if (current !== entry) return;
		current = null;
		onDone();
	};
	utterance.addEventListener('end', end);
	utterance.addEventListener('error', end);
	current = entry;
	s.speak(utterance);
	return () => {
		if (current !== entry) return;
		finishCurrent();
		s.cancel();
	};
}
