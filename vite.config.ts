import { fileURLToPath } from 'node:url';
import { compile, paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { localeModulesOptions, paraglideOptions } from './scripts/paraglideOptions.js';
import { kleedDevServer } from './server/vitePlugin.ts';

/**
 * Browser stand-ins for two lib0 modules (#7's budget). yjs imports lib0/logging for two warnings,
 * which drags lib0/dom and lib0/schema (about 3 KB gzip) into the browser bundle; yjs and
 * lib0/buffer import lib0/environment for one variable and one check, which brings argument
 * parsing and four more modules. In the browser build small stand-ins take their place. Server
 * code and tests keep lib0's own modules.
 */
function browserLib0StandIns(): Plugin {
	const standIns: Record<string, string> = {
		logging: fileURLToPath(new URL('./src/lib/client/lib0Logging.ts', import.meta.url)),
		environment: fileURLToPath(new URL('./src/lib/client/lib0Environment.ts', import.meta.url))
	};
	const lib0 = /[\\/]node_modules[\\/]lib0[\\/]/;
	return {
		name: 'kleed:browser-lib0-stand-ins',
		enforce: 'pre',
		resolveId(id, importer) {
			if (this.environment?.config.consumer !== 'client') return;
			const named = /^lib0\/(logging|environment)$/.exec(id);
			if (named) return standIns[named[1] as string];
			// lib0's own modules import it by relative path (lib0/buffer imports ./environment.js).
			if (id === './environment.js' && importer && lib0.test(importer)) return standIns.environment;
		}
	};
}

/**
 * Paraglide puts every language into every message, so each page would carry all four (about
 * 18 KB gzip more for a participant). In the browser build each message instead becomes one call
 * of `localeMessage` (src/lib/client/localeMessages.ts): the reader's language, which
 * `hooks.client.ts` loads before the page starts, with the Dutch text as the fallback. The unused
 * translations are then dropped from the bundle, and the lookup that Paraglide writes out in
 * every message exists once (1.8 KB gzip less on a participant's first load). The server keeps
 * Paraglide's messages as they are. Fails the build if their shape changes.
 */
function lazyLocaleMessages(): Plugin {
	const messages = fileURLToPath(new URL('./src/lib/paraglide/messages/', import.meta.url));
	const registry = fileURLToPath(new URL('./src/lib/client/localeMessages.ts', import.meta.url));
	// `export const key = … ((inputs…, options = {}) => { const locale = …; if (locale === "en")
	// return en_key(inputs) … return nl_key(inputs) });` at the end of each message module.
	const message =
		/export const (\w+) = [^\n]*\(\((?:inputs = \{\}|inputs), options = \{\}\) => \{\n\tconst locale = experimentalStaticLocale \?\? options\.locale \?\? getLocale\(\)\n(?:\tif \(locale === "\w+"\) return \w+\(inputs\)\n)*\treturn ([a-z]+)_(\w+)\(inputs\)\n\}\);\s*$/;
	return {
		name: 'kleed:lazy-locale-messages',
		async buildStart() {
			// Tests never load the browser's message modules; compiling them left 54 file handles
			// open, and Vitest waited 10 s for them at every exit.
			if (process.env.VITEST) return;
			await compile(localeModulesOptions);
		},
		transform(code, id) {
			if (!id.startsWith(messages) || id.endsWith('_index.js')) return;
			if (this.environment?.config.consumer !== 'client') return;
			const match = message.exec(code);
			if (!match || match[1] !== match[3]) {
				throw new Error(`lazyLocaleMessages: unexpected Paraglide output in ${id}`);
			}
			const [whole, key, base] = match;
			// Pure, so that messages nobody imports are still dropped from the bundle.
			const call = `export const ${key} = /* @__PURE__ */ __message(${JSON.stringify(key)}, ${base}_${key});\n`;
			return `import { localeMessage as __message } from ${JSON.stringify(registry)};\n${code.slice(0, -whole.length)}${call}`;
		}
	};
}

export default defineConfig({
	plugins: [
		paraglideVitePlugin(paraglideOptions),
		lazyLocaleMessages(),
		sveltekit(),
		// `npm run dev`: the same relay and API as production, attached to Vite's server.
		kleedDevServer(),
		browserLib0StandIns()
	],
	build: {
		// KLEED_SOURCEMAP=1: source maps in the build, to see what takes room in the bundle.
		sourcemap: process.env.KLEED_SOURCEMAP === '1',
		rollupOptions: {
			output: {
				codeSplitting: {
					groups: [
						{
							// Svelte's runtime and SvelteKit's client in one chunk: every page loads both,
							// and apart they cost a request and the imports between them (#7).
							name: 'framework',
							test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|devalue|clsx|esm-env)[\\/]/
						}
					]
				}
			}
		}
	},
	test: {
		include: [
			'src/**/*.test.ts',
			'server/**/*.test.ts',
			'tests/integration/**/*.test.ts',
			'tests/security/**/*.test.ts'
		],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 60_000,
		reporters: process.env.VITEST_JSON
			? ['default', ['json', { outputFile: process.env.VITEST_JSON }]]
			: ['default']
	}
});
