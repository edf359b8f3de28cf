import { describe, expect, it } from 'vitest';
import { NO_GROUP, REMOVED_GROUP } from '../src/lib/groups.ts';
import { CSV_COLUMNS, annualReport, reportCsv } from './report.ts';
import type { RoundStats } from './RoundStore.ts';

const round = (
	day: string,
	groupId: string | null,
	more: Partial<RoundStats> = {}
): RoundStats => ({
	day,
	durationMinutes: 150,
	inRoom: 8,
	remote: 2,
	newcomers: 1,
	groupId,
	...more
});

describe('annualReport', () => {
	it('counts per month and group, only in the chosen year', () => {
		const report = annualReport(
			2026,
			[
				round('2026-01-05', 'a'),
				round('2026-01-20', 'a', { inRoom: 4, remote: 0, durationMinutes: 60 }),
				round('2026-02-01', null),
				round('2025-12-31', 'a'),
				round('2027-01-01', 'a')
			],
			[{ id: 'a', name: 'Noord', location: 'Buurthuis' }]
		);
		expect(report.total).toEqual({
			rounds: 3,
			inRoom: 20,
			remote: 4,
			newcomers: 3,
			minutes: 360,
			attentionMinutes: 10 * 150 + 4 * 60 + 10 * 150
		});
		expect(report.rows.map((r) => [r.month, r.group, r.rounds])).toEqual([
			[1, 'a', 2],
			[2, NO_GROUP, 1]
		]);
		expect(report.months).toHaveLength(12);
		expect(report.months[2]).toMatchObject({ month: 3, rounds: 0 });
	});
});

describe('reportCsv', () => {
	it('writes the documented columns, quotes what needs it and defuses formulas', () => {
		const report = annualReport(
			2026,
			[round('2026-03-03', 'a'), round('2026-03-04', REMOVED_GROUP)],
			[{ id: 'a', name: '=HYPERLINK("x"), "Noord"', location: 'Zaal; boven' }]
		);
		const lines = reportCsv(report, (g) => (g === REMOVED_GROUP ? '(removed group)' : g))
			.trimEnd()
			.split('\r\n');
		expect(lines[0]).toBe(CSV_COLUMNS.join(','));
		expect(lines[1]).toBe(
			`2026,03,"'=HYPERLINK(""x""), ""Noord""","Zaal; boven",1,8,2,10,10.0,1,2.5,25.0`
		);
		expect(lines[2]).toBe('2026,03,(removed group),,1,8,2,10,10.0,1,2.5,25.0');
		expect(lines[3]).toBe('2026,total,,,2,16,4,20,10.0,2,5.0,50.0');
	});
});
