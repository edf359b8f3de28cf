import * as real from 'lib0/logging';
import { describe, expect, it } from 'vitest';
import * as shim from './lib0Logging';

describe('the browser stand-in for lib0/logging', () => {
	it('exports every name yjs uses from lib0/logging', async () => {
		const source = await import('node:fs').then((fs) =>
			fs.readFileSync(new URL('../../../node_modules/yjs/dist/yjs.mjs', import.meta.url), 'utf8')
		);
		const used = new Set([...source.matchAll(/logging\.([A-Za-z]+)/g)].map((m) => m[1]!));
		expect(used.size).toBeGreaterThan(0);
		for (const name of used) {
			expect(typeof (shim as Record<string, unknown>)[name], name).toBe(
				typeof (real as Record<string, unknown>)[name]
			);
		}
	});

	it('prints the words without the colour markers', () => {
		expect(
			shim.plain([shim.BOLD, 'Yjs', shim.UNBOLD, shim.ORANGE, 'was already imported'])
		).toEqual(['Yjs', 'was already imported']);
	});
});
