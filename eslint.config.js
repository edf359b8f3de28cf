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
							regex: '^(\\.\\./)+src/(?!lib/(protocol|schemas)\\.ts$|lib/round/[A-Za-z]+\\.ts$)',
							message:
								'server/ may import only src/lib/protocol.ts, src/lib/schemas.ts and the round (src/lib/round/) from the app.'
						}
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
	}
);
