import { describe, expect, it } from 'vitest';
import { SocketQuota } from './SocketQuota.ts';

describe('SocketQuota', () => {
	const quota = () => new SocketQuota({ maxSocketsPerPerson: 2, maxSocketsPerAddress: 3 });

	it('refuses a person beyond their cap, and takes them again once a socket ends', () => {
		const q = quota();
		const first = q.admit('R anna', 'a');
		expect(q.admit('R anna', 'b')).not.toHaveProperty('refused');
		expect(q.admit('R anna', 'c')).toEqual({ refused: 'person' });
		if ('refused' in first) throw new Error('admitted');
		first.release();
		first.release(); // twice gives back one place only
		expect(q.admit('R anna', 'c')).not.toHaveProperty('refused');
		expect(q.admit('R anna', 'd')).toEqual({ refused: 'person' });
	});

	it('refuses an address beyond its cap, whoever the sockets are for', () => {
		const q = quota();
		for (const who of ['R anna', 'R bram', 'S cem']) {
			expect(q.admit(who, '10.0.0.1')).not.toHaveProperty('refused');
		}
		expect(q.admit('S dirk', '10.0.0.1')).toEqual({ refused: 'address' });
		expect(q.admit('S dirk', '10.0.0.2')).not.toHaveProperty('refused');
		expect(q.atAddress('10.0.0.1')).toBe(3);
	});

	it("gives a shared role's link a multiple of a person's cap", () => {
		const q = new SocketQuota({ maxSocketsPerPerson: 2, maxSocketsPerAddress: 100 });
		for (let i = 0; i < 4; i++)
			expect(q.admit('R facilitator', 'a', 2)).not.toHaveProperty('refused');
		expect(q.admit('R facilitator', 'a', 2)).toEqual({ refused: 'person' });
	});
});
