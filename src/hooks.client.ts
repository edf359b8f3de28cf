import { loadLocaleMessages } from '$lib/client/localeMessages';
import { getLocale } from '$lib/paraglide/runtime.js';

/** Before the page starts: the reader's own language, if it is not Dutch (see localeMessages). */
export const init = () => loadLocaleMessages(getLocale());
