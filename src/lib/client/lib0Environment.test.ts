import * as lib0 from 'lib0/environment';
import { describe, expect, it } from 'vitest';
import * as standIn from './lib0Environment';

describe('the browser stand-in for lib0/environment', () => {
	it('exports everything lib0/environment exports', () => {
		expect(Object.keys(standIn).sort()).toEqual(Object.keys(lib0).sort());
	});

	it('is not Node, and reads no variables where there is no localStorage', () => {
		expect(standIn.isNode).toBe(false);
		expect(standIn.getVariable('node_env')).toBeNull();
		expect(standIn.hasConf('production')).toBe(false);
		expect(standIn.getParam('--nothing', 'fallback')).toBe('fallback');
		expect(() => standIn.ensureConf('no-such-thing')).toThrow('NO_SUCH_THING');
	});
});
