import { describe, expect, it } from 'vitest';
import { TEMPLATE_MAX, TIMER_STEPS } from './groups.ts';
import { STEPS, TITLE_MAX_LENGTH } from './protocol.ts';

describe('groups.ts keeps in step with protocol.ts', () => {
	it('has the same steps and the same longest title', () => {
		expect([...TIMER_STEPS]).toEqual([...STEPS]);
		expect(TEMPLATE_MAX.title).toBe(TITLE_MAX_LENGTH);
	});
});
