import { describe, expect, it } from 'vitest';
import { fromLines, isolate, toLines } from './lines';

describe('lines', () => {
	it('reads one item a line: blank lines dropped, ends trimmed, at most max', () => {
		expect(toLines('  Telefoon op stil. \n\n Koffie  \n\nThee\n', 2)).toEqual([
			'Telefoon op stil.',
			'Koffie'
		]);
		expect(toLines(fromLines(['Een', 'Twee']), 10)).toEqual(['Een', 'Twee']);
	});

	it('sets a name apart in a sentence with first-strong isolate … pop isolate, name unchanged', () => {
		expect(isolate('Groep 3!')).toBe('\u2068Groep 3!\u2069');
	});
});
