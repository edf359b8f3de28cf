import { describe, expect, it } from 'vitest';
import { distinguishNames } from './names';

const people = (...names: string[]) => names.map((name, i) => ({ id: `p${i}`, name }));

describe('distinguishNames', () => {
	it('gives the second and third Anna a number, in the order they joined; others stay', () => {
		const named = distinguishNames(people('Anna', 'Bram', 'Anna', 'Anna')).map((p) => p.name);
		expect(named).toEqual(['Anna', 'Bram', 'Anna (2)', 'Anna (3)']);
	});

	it('counts names that look the same as the same: case and spaces aside', () => {
		const named = distinguishNames(people('Anna', 'anna', ' ANNA ')).map((p) => p.name);
		expect(named).toEqual(['Anna', 'anna (2)', ' ANNA  (3)']);
	});

	it('leaves different names and the objects of unique names alone', () => {
		const list = people('Anna', 'Anne', 'فاطمة');
		const named = distinguishNames(list);
		expect(named.map((p) => p.name)).toEqual(['Anna', 'Anne', 'فاطمة']);
		expect(named[0]).toBe(list[0]);
	});
});
