// `npm run i18n`: compiles messages/*.json into src/lib/paraglide (and the per-language modules
// in src/lib/paraglide-locales), as the Vite plugin does.
import { compile } from '@inlang/paraglide-js';
import { localeModulesOptions, paraglideOptions } from './paraglideOptions.js';

await compile(paraglideOptions);
await compile(localeModulesOptions);
