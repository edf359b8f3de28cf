import { describe, expect, it } from 'vitest';
import { newItemId } from './ids';

describe('newItemId', () => {
	it('makes 16 URL-safe characters', () => {
		for (let i = 0; i < 200; i++) expect(newItemId()).toMatch(/^[A-Za-z0-9_-]{16}$/);
	});

	it('does not repeat itself', () => {
		const ids = new Set(Array.from({ length: 1000 }, newItemId));
		expect(ids.size).toBe(1000);
	});
});
