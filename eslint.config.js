import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'data/',
			'test-results/',
			'playwright-report/',
			'reports/',
			'src/lib/paraglide/',
			'src/lib/paraglide-locales/',
			'project.inlang/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// TypeScript already checks this, and better (it knows about types and globals).
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// Boundaries (STYLE.md 10): the server never imports Svelte or the browser app.
		files: ['server/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['*.svelte', 'svelte', 'svelte/*', '$app/*'],
							message: 'server/ must not import Svelte.'
						},
						{
							regex:
								'^(\\.\\./)+src/(?!lib/(protocol|groups|schemas|round/(doc|intents|apply)|practice/(content|types))\\.ts$)',
							message:
								'server/ may import only src/lib/protocol.ts, src/lib/groups.ts, src/lib/schemas.ts, src/lib/round/ and the practice content from the app.'
						}
					]
				}
			]
		}
	},
	{
		// The browser reads the doc through src/lib/round/doc.ts; the intent table (zod) and the
		// server's handlers never enter a bundle, only their types (#7's budget, #13).
		files: ['src/lib/client/**', 'src/lib/components/**', 'src/routes/**', 'src/*.client.ts'],
		ignores: ['**/*.test.ts'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					paths: [
						{ name: 'zod', message: 'zod stays on the server.' },
						{
							name: '$lib/round/intents',
							allowTypeImports: true,
							message: 'The browser imports only types from the intent table.'
						},
						{ name: '$lib/round/apply', message: 'The handlers run on the server only.' },
						{ name: '$lib/schemas', message: 'The schemas (zod) stay on the server.' }
					]
				}
			]
		}
	},
	{
		// The protocol module imports nothing: both sides and every bundle can take it.
		files: ['src/lib/protocol.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ regex: '.*', message: 'protocol.ts imports nothing.' }] }
			]
		}
	},
	{
		// Specs take `test` from fixtures.ts, which closes the devices a test opened.
		files: ['tests/e2e/**/*.e2e.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{
							name: '@playwright/test',
							importNames: ['test'],
							message: "Import test from './fixtures': it closes every device after the test."
						}
					]
				}
			]
		}
	}
);
