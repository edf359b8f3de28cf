import { fileURLToPath } from 'node:url';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { kleedDevServer } from './server/vitePlugin.ts';

/**
 * yjs imports lib0/logging for two warnings, which drags lib0/dom and lib0/schema (about 3 KB
 * gzip) into the browser bundle; in the browser build a small stand-in takes its place (#7's
 * budget). Server code and tests keep lib0's own module.
 */
function browserLib0Logging(): Plugin {
	const standIn = fileURLToPath(new URL('./src/lib/client/lib0Logging.ts', import.meta.url));
	return {
		name: 'kleed:browser-lib0-logging',
		enforce: 'pre',
		resolveId(id) {
			if (id === 'lib0/logging' && this.environment?.config.consumer === 'client') return standIn;
		}
	};
}

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit(),
		// `npm run dev`: the same relay and API as production, attached to Vite's server.
		kleedDevServer(),
		browserLib0Logging()
	],
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
