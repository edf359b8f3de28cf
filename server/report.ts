/**
 * The annual report (#17): counts of erased rounds (round_stats) per month and per group, and
 * the same as CSV. Pure: what it gets is all it knows. Only counts were ever kept, so that is all
 * a report can say: no names, no titles, no stories; unique people are not tracked.
 */
import { NO_GROUP } from '../src/lib/groups.ts';
import type { AnnualReport, ReportFigures, ReportRow } from '../src/lib/protocol.ts';
import type { RoundStats } from './RoundStore.ts';

const zero = (): ReportFigures => ({
	rounds: 0,
	inRoom: 0,
	remote: 0,
	newcomers: 0,
	minutes: 0,
	attentionMinutes: 0
});

function add(into: ReportFigures, s: RoundStats): void {
	into.rounds += 1;
	into.inRoom += s.inRoom;
	into.remote += s.remote;
	into.newcomers += s.newcomers;
	into.minutes += s.durationMinutes;
	into.attentionMinutes += (s.inRoom + s.remote) * s.durationMinutes;
}

/**
 * The report of `year` from the counts of that year's rounds. `groups` names the groups that
 * exist; a row's group is a group's id, NO_GROUP (a round made from the start page) or
 * REMOVED_GROUP (its group was erased).
 */
export function annualReport(
	year: number,
	stats: readonly RoundStats[],
	groups: readonly { id: string; name: string; location: string }[]
): AnnualReport {
	const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, ...zero() }));
	const total = zero();
	const cells = new Map<string, ReportRow>();
	for (const s of stats) {
		if (!s.day.startsWith(`${year}-`)) continue;
		const month = Number(s.day.slice(5, 7));
		const group = s.groupId ?? NO_GROUP;
		const key = `${month} ${group}`;
		let row = cells.get(key);
		if (!row) cells.set(key, (row = { month, group, ...zero() }));
		add(row, s);
		add(months[month - 1]!, s);
		add(total, s);
	}
	const named = new Map(groups.map((g) => [g.id, g]));
	const order = (group: string) =>
		named.has(group) ? `0 ${named.get(group)!.name.toLowerCase()} ${group}` : `1 ${group}`;
	const rows = [...cells.values()].sort(
		(a, b) => a.month - b.month || order(a.group).localeCompare(order(b.group))
	);
	const present = new Set(rows.map((r) => r.group));
	return {
		year,
		groups: groups
			.filter((g) => present.has(g.id))
			.map(({ id, name, location }) => ({ id, name, location })),
		rows,
		months,
		total
	};
}

/** Names of the rows that are not a group's, per language of the CSV (`?lang=`). */
export const OTHER_GROUP_NAMES: Record<string, { none: string; removed: string }> = {
	nl: { none: '(zonder groep)', removed: '(verwijderde groep)' },
	en: { none: '(no group)', removed: '(removed group)' },
	tr: { none: '(grupsuz)', removed: '(silinmiş grup)' },
	ar: { none: '(بدون مجموعة)', removed: '(مجموعة محذوفة)' }
};

/** The CSV's columns, in order (docs/groups.md explains each). */
export const CSV_COLUMNS = [
	'year',
	'month',
	'group',
	'location',
	'rounds',
	'people_in_room',
	'people_at_home',
	'people_total',
	'people_per_round',
	'newcomers',
	'round_hours',
	'attention_hours'
] as const;

/** One decimal, a point as separator (a spreadsheet in any language reads it). */
const oneDecimal = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** A CSV field: quoted when it holds a separator, a quote or a line break; formulas defused. */
function field(value: string | number): string {
	let s = String(value);
	// A name starting with = + - @ would run as a formula in a spreadsheet.
	if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV (RFC 4180, UTF-8, CRLF): one line per month and group with rounds, then one
 * line `total` for the year. `groupName` names NO_GROUP and REMOVED_GROUP in the reader's language.
 */
export function reportCsv(report: AnnualReport, groupName: (id: string) => string): string {
	const named = new Map(report.groups.map((g) => [g.id, g]));
	const line = (month: string, group: string, location: string, f: ReportFigures) => {
		const people = f.inRoom + f.remote;
		return [
			report.year,
			month,
			group,
			location,
			f.rounds,
			f.inRoom,
			f.remote,
			people,
			oneDecimal(f.rounds ? people / f.rounds : 0),
			f.newcomers,
			oneDecimal(f.minutes / 60),
			oneDecimal(f.attentionMinutes / 60)
		]
			.map(field)
			.join(',');
	};
	const lines = [CSV_COLUMNS.join(',')];
	for (const row of report.rows) {
		const group = named.get(row.group);
		lines.push(
			line(
				String(row.month).padStart(2, '0'),
				group?.name ?? groupName(row.group),
				group?.location ?? '',
				row
			)
		);
	}
	lines.push(line('total', '', '', report.total));
	return `${lines.join('\r\n')}\r\n`;
}
