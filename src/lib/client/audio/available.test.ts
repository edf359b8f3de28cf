import { describe, expect, it } from 'vitest';
import { audioConfigured } from './available';

describe('audioConfigured', () => {
	it("follows the server's word", () => {
		expect(audioConfigured({ ok: true, data: { ok: true, protocol: 3, audio: true } })).toBe(true);
		expect(audioConfigured({ ok: true, data: { ok: true, protocol: 3, audio: false } })).toBe(
			false
		);
	});

	it('cannot tell without an answer that says so: offers nothing yet', () => {
		expect(audioConfigured({ ok: false, kind: 'network' })).toBeNull();
		expect(audioConfigured({ ok: false, kind: 'http', status: 502, body: null })).toBeNull();
		const odd = { ok: true, protocol: 3 } as unknown as {
			ok: boolean;
			protocol: number;
			audio: boolean;
		};
		expect(audioConfigured({ ok: true, data: odd })).toBeNull();
	});
});
