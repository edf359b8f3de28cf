import { describe, expect, it } from 'vitest';
import { hasVisibleCharacter } from './names';
import { joinRequest, personName } from './schemas';

describe('personName', () => {
	const invisible: [string, string][] = [
		['zero-width spaces', '\u200B\u200B\u200B'],
		['zero-width joiners and non-joiners', '\u200D\u200C\u2060'],
		['a byte-order mark', '\uFEFF'],
		['bidi marks', '\u200E\u200F\u202E'],
		['a Hangul filler', '\u3164\u3164'],
		['a blank braille pattern', '\u2800'],
		['a combining mark alone', '\u0301'],
		['a variation selector', '\uFE0F'],
		['no-break and ideographic spaces', '\u00A0\u3000'],
		['a mix of them', ' \u200B\u00A0\uFEFF\u3164 ']
	];
	for (const [label, name] of invisible) {
		it(`refuses a name of only ${label}`, () => {
			expect(hasVisibleCharacter(name)).toBe(false);
			const result = joinRequest.safeParse({ name, presence: 'room' });
			expect(result.success).toBe(false);
			expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('name');
		});
	}

	const visible = [
		'Anna',
		'\u200BAnna\u200B',
		'فاطمة',
		'Zoë',
		'e\u0301',
		'李',
		'😀',
		'👩‍👧',
		'.',
		'Anne-Marie van den Berg-Oosterhuis'
	];
	for (const name of visible) {
		it(`accepts ${JSON.stringify(name)}`, () => {
			expect(hasVisibleCharacter(name)).toBe(true);
			expect(personName.safeParse(name).success).toBe(true);
		});
	}
});
