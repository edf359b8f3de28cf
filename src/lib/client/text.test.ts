import { describe, expect, it } from 'vitest';
import { formatDuration, heartsText } from './text';

describe('formatDuration', () => {
	it('shows minutes and seconds, rounded up so 0:00 means the time is up', () => {
		expect(formatDuration(10 * 60_000)).toBe('10:00');
		expect(formatDuration(59_001)).toBe('1:00');
		expect(formatDuration(1)).toBe('0:01');
		expect(formatDuration(0)).toBe('0:00');
		expect(formatDuration(-5000)).toBe('0:00');
	});

	it('adds hours for long timers', () => {
		expect(formatDuration(3_723_000)).toBe('1:02:03');
	});
});

describe('heartsText', () => {
	it('says "hart" for one and "harten" for more or none', () => {
		expect(heartsText(1)).toBe('1 hart');
		expect(heartsText(0)).toBe('0 harten');
		expect(heartsText(3)).toBe('3 harten');
	});
});
