import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { kleedDevServer } from './server/vitePlugin.ts';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit(),
		// `npm run dev`: the same relay and API as production, attached to Vite's server.
		kleedDevServer()
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
