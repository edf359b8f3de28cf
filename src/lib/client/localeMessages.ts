/**
 * The messages of languages other than Dutch, loaded only on devices that show them.
 *
 * Paraglide compiles every language into every message, so each page would carry all four. The
 * browser build (lazyLocaleMessages in vite.config.ts) instead lets each message look its other
 * languages up here, and `src/hooks.client.ts` loads the reader's language (one module from
 * src/lib/paraglide-locales, all its messages) before the page starts.
 * Dutch, the base language, is always in the bundle and is what a message falls back to.
 */
import {
	baseLocale,
	experimentalStaticLocale,
	getLocale,
	type Locale
} from '$lib/paraglide/runtime.js';

type Message = (inputs?: Record<string, unknown>) => string;
type Messages = Record<string, Message>;

/** Filled by loadLocaleMessages; read by the compiled messages in the browser. */
export const localeMessages: Partial<Record<Locale, Messages>> = {};

// One module per language (compiled with outputStructure 'locale-modules'); Dutch is not needed,
// the compiled messages carry it.
const modules = import.meta.glob<Messages>([
	'../paraglide-locales/messages/*.js',
	'!../paraglide-locales/messages/_index.js',
	'!../paraglide-locales/messages/nl.js'
]);

/** Loads a language's messages (once); resolves at once for Dutch and for loaded languages. */
export async function loadLocaleMessages(locale: Locale): Promise<void> {
	if (locale === baseLocale || localeMessages[locale]) return;
	const load = modules[`../paraglide-locales/messages/${locale}.js`];
	if (!load) return;
	localeMessages[locale] = await load();
}

/**
 * What each compiled message is in the browser build (lazyLocaleMessages in vite.config.ts): the
 * text in the reader's language when its module is loaded, else the Dutch one (`base`). The same
 * choice Paraglide writes out in every message, once.
 */
export const localeMessage =
	(key: string, base: Message) =>
	(inputs: Record<string, unknown> = {}, options: { locale?: Locale } = {}): string =>
		(localeMessages[experimentalStaticLocale ?? options.locale ?? getLocale()]?.[key] ?? base)(
			inputs
		);
