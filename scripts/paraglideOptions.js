// Paraglide's compiler options, shared by the Vite plugin (vite.config.ts) and `npm run i18n`
// (scripts/i18n.js), so both write the same modules.
export const paraglideOptions = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	/** @type {Array<'cookie' | 'preferredLanguage' | 'baseLocale'>} */
	strategy: ['cookie', 'preferredLanguage', 'baseLocale']
};

/**
 * The same messages once more, one module per language, for the browser to load only the
 * reader's own language (src/lib/client/localeMessages.ts, lazyLocaleMessages in vite.config.ts).
 */
export const localeModulesOptions = {
	...paraglideOptions,
	outdir: './src/lib/paraglide-locales',
	outputStructure: /** @type {const} */ ('locale-modules')
};
