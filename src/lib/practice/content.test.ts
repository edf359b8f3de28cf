import { describe, expect, it } from 'vitest';
import { HAPPY_ICONS, KLEED_ICONS, TEXT_MAX } from '../round/doc';
import { PRACTICE_LANGUAGES, trainingContent, type TrainingContent } from './content';

/** What docs/practice.md promises each language holds at least. */
const MINIMUM = {
	names: 16,
	stories: 24,
	happy: 16,
	objects: 20,
	takeaways: 16,
	kindWords: 16
} as const satisfies Record<keyof TrainingContent, number>;

const NAME_MAX = 40;
const LONG_NAME = 14;
const STORY_MIN = 60;
const TURKISH_LETTERS = /[ğşıçöüĞŞİÇÖÜ]/;
const ARABIC_SCRIPT = /\p{Script=Arabic}/u;
/** Visible text: at least one letter or digit, so a space or an invisible mark is not a name. */
const VISIBLE = /[\p{L}\p{N}]/u;

function expectText(text: string, max: number) {
	expect(typeof text).toBe('string');
	expect(text.trim(), JSON.stringify(text)).not.toBe('');
	expect(text.length, text).toBeLessThanOrEqual(max);
}

describe.each(PRACTICE_LANGUAGES)('training content in %s', (language) => {
	const content = trainingContent(language);

	it('exists', () => {
		expect(content).toBeDefined();
	});

	it.each(Object.entries(MINIMUM))('has at least enough %s (%i)', (list, minimum) => {
		expect(content[list as keyof TrainingContent].length).toBeGreaterThanOrEqual(minimum);
	});

	it('has names that are visible text of at most 40 characters', () => {
		for (const name of content.names) {
			expectText(name, NAME_MAX);
			expect(name, JSON.stringify(name)).toMatch(VISIBLE);
		}
	});

	it('has two neighbours with the same name and one with a long name', () => {
		expect(new Set(content.names).size).toBeLessThan(content.names.length);
		expect(content.names.some((name) => name.length >= LONG_NAME)).toBe(true);
	});

	it('has stories of 60 to TEXT_MAX.story characters, none twice', () => {
		for (const story of content.stories) {
			expectText(story, TEXT_MAX.story);
			expect(story.trim().length, story).toBeGreaterThanOrEqual(STORY_MIN);
		}
		expect(new Set(content.stories).size).toBe(content.stories.length);
	});

	it('has happy events with a known pictogram and at most TEXT_MAX.happy characters', () => {
		for (const { icon, text } of content.happy) {
			expect(HAPPY_ICONS).toContain(icon);
			expectText(text, TEXT_MAX.happy);
		}
	});

	it('has objects that are known kleed pictograms', () => {
		for (const icon of content.objects) expect(KLEED_ICONS).toContain(icon);
	});

	it('has takeaways and kind words of at most TEXT_MAX.note characters', () => {
		for (const note of [...content.takeaways, ...content.kindWords]) {
			expectText(note, TEXT_MAX.note);
		}
	});
});

describe('training content across languages', () => {
	it('writes Arabic in Arabic script', () => {
		const { stories, names } = trainingContent('ar');
		for (const text of [...stories, ...names]) expect(text).toMatch(ARABIC_SCRIPT);
	});

	it('writes Turkish with its own letters (ğ, ş, ı, ç, ö, ü)', () => {
		const { stories, names } = trainingContent('tr');
		const withTurkishLetters = stories.filter((story) => TURKISH_LETTERS.test(story));
		expect(withTurkishLetters.length).toBeGreaterThanOrEqual(stories.length / 2);
		expect(names.some((name) => TURKISH_LETTERS.test(name))).toBe(true);
	});

	it('gives every language its own content', () => {
		const all = PRACTICE_LANGUAGES.map((language) => trainingContent(language));
		expect(new Set(all).size).toBe(PRACTICE_LANGUAGES.length);
	});

	it('has no language whose stories are a copy of another language', () => {
		const lists = PRACTICE_LANGUAGES.map((language) =>
			JSON.stringify(trainingContent(language).stories)
		);
		expect(new Set(lists).size).toBe(PRACTICE_LANGUAGES.length);
	});

	it('has no story that appears in two languages', () => {
		const seen = new Map<string, string>();
		for (const language of PRACTICE_LANGUAGES) {
			for (const story of trainingContent(language).stories) {
				expect(seen.get(story), `${language}: ${story}`).toBeUndefined();
				seen.set(story, language);
			}
		}
	});
});
