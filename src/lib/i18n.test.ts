import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * Every language must say everything Dutch says, with the same placeholders: a missing key
 * shows up as a Dutch word (or a key) in the middle of a Turkish screen, and a wrong `{param}`
 * shows the braces to the person reading. The locales come from settings.json, so a new
 * language is checked as soon as it is added there.
 */

const root = new URL('../../', import.meta.url);
const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

const settings = read('project.inlang/settings.json') as { baseLocale: string; locales: string[] };
const base = settings.baseLocale;

type Messages = Record<string, unknown>;

function messages(locale: string): Messages {
	const all = read(`messages/${locale}.json`) as Messages;
	const { $schema: _schema, ...rest } = all;
	return rest;
}

/** The `{names}` a message uses, sorted (a variant message is searched as a whole). */
function params(value: unknown): string[] {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return [
		...new Set([...text.matchAll(/\{\s*([A-Za-z_][\w]*)\s*\}/g)].map((m) => m[1] ?? ''))
	].sort();
}

const isEmpty = (value: unknown): boolean =>
	value === null ||
	value === undefined ||
	(typeof value === 'string' && value.trim() === '') ||
	(Array.isArray(value) && value.length === 0);

const source = messages(base);

describe('messages', () => {
	it('lists the base locale first, and each locale once', () => {
		expect(settings.locales[0]).toBe(base);
		expect(new Set(settings.locales).size).toBe(settings.locales.length);
	});

	it(`${base} has no empty message`, () => {
		expect(Object.keys(source).filter((key) => isEmpty(source[key]))).toEqual([]);
	});

	for (const locale of settings.locales.filter((l) => l !== base)) {
		describe(locale, () => {
			const target = messages(locale);

			it(`has every key of ${base}.json`, () => {
				expect(Object.keys(source).filter((key) => !(key in target))).toEqual([]);
			});

			it(`has no key that ${base}.json does not have`, () => {
				expect(Object.keys(target).filter((key) => !(key in source))).toEqual([]);
			});

			it('has no empty message', () => {
				expect(Object.keys(target).filter((key) => isEmpty(target[key]))).toEqual([]);
			});

			it(`uses the same {params} as ${base}`, () => {
				const differ = Object.keys(source)
					.filter((key) => key in target)
					.filter((key) => params(source[key]).join() !== params(target[key]).join())
					.map(
						(key) =>
							`${key}: ${base} {${params(source[key]).join(', ')}}, ${locale} {${params(target[key]).join(', ')}}`
					);
				expect(differ).toEqual([]);
			});
		});
	}
});
