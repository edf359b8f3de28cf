import { describe, expect, it } from 'vitest';
import { grantOrProblem } from './grant';

const http = (status: number, error = 'x') =>
	({ ok: false, kind: 'http', status, body: { error, message: 'm' } }) as const;

describe('grantOrProblem', () => {
	it('passes a grant on', () => {
		const data = { url: 'wss://sfu', token: 't', identity: 'p:anna' };
		expect(grantOrProblem({ ok: true, data })).toEqual(data);
	});

	it('says "not set up" only when our server says so', () => {
		expect(grantOrProblem(http(503, 'audio_not_configured'))).toEqual({
			problem: 'not_configured'
		});
		// A proxy's 503 is a hiccup: try again.
		expect(grantOrProblem({ ok: false, kind: 'http', status: 503, body: null })).toEqual({
			problem: 'network'
		});
	});

	it('refuses for good when this device may not have sound', () => {
		for (const status of [401, 403, 404]) {
			expect(grantOrProblem(http(status))).toEqual({ problem: 'refused' });
		}
	});

	it('retries what may pass by itself', () => {
		expect(grantOrProblem({ ok: false, kind: 'network' })).toEqual({ problem: 'network' });
		expect(grantOrProblem(http(500))).toEqual({ problem: 'network' });
		expect(grantOrProblem(http(429))).toEqual({ problem: 'network' });
	});

	it('does not pass on a grant it does not understand', () => {
		const data = { url: 'wss://sfu', token: 7, identity: 'p:anna' } as never;
		expect(grantOrProblem({ ok: true, data })).toEqual({ problem: 'network' });
	});
});
