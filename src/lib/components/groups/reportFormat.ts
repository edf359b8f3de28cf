/**
 * Numbers and names of the annual report as the page shows them: in the reader's language, one
 * decimal at most. The table, the chart and the summary all use these, so they say the same.
 */
import { getLocale } from '$lib/paraglide/runtime.js';
import { m } from '$lib/paraglide/messages.js';
import { NO_GROUP, REMOVED_GROUP } from '$lib/groups';
import type { AnnualReport, ReportFigures } from '$lib/protocol';

/** Each language's own name (as locale.ts has them; never translated). */
export const LANGUAGE_NAMES: Record<string, string> = {
	nl: 'Nederlands',
	en: 'English',
	tr: 'Türkçe',
	ar: 'العربية'
};

export const formatNumber = (n: number, digits = 1): string =>
	new Intl.NumberFormat(getLocale(), { maximumFractionDigits: digits }).format(n);

/** January .. December in the reader's language. */
export function monthNames(): string[] {
	const format = new Intl.DateTimeFormat(getLocale(), { month: 'long', timeZone: 'UTC' });
	return Array.from({ length: 12 }, (_, i) => format.format(new Date(Date.UTC(2026, i, 15))));
}

export const people = (f: ReportFigures) => f.inRoom + f.remote;
export const perRound = (f: ReportFigures) => (f.rounds ? people(f) / f.rounds : 0);
export const hours = (minutes: number) => minutes / 60;

/** A row's group as the reader sees it. */
export function groupLabel(report: AnnualReport, id: string): string {
	if (id === NO_GROUP) return m.report_no_group();
	if (id === REMOVED_GROUP) return m.report_removed_group();
	return report.groups.find((g) => g.id === id)?.name ?? m.report_removed_group();
}

/** The year's figures per group (the rows of each group added up), groups by name. */
export function byGroup(report: AnnualReport): (ReportFigures & { group: string })[] {
	const sums = new Map<string, ReportFigures & { group: string }>();
	for (const row of report.rows) {
		let s = sums.get(row.group);
		if (!s) {
			s = {
				group: row.group,
				rounds: 0,
				inRoom: 0,
				remote: 0,
				newcomers: 0,
				minutes: 0,
				attentionMinutes: 0
			};
			sums.set(row.group, s);
		}
		s.rounds += row.rounds;
		s.inRoom += row.inRoom;
		s.remote += row.remote;
		s.newcomers += row.newcomers;
		s.minutes += row.minutes;
		s.attentionMinutes += row.attentionMinutes;
	}
	const order = (g: string) => (g === NO_GROUP ? 2 : g === REMOVED_GROUP ? 1 : 0);
	return [...sums.values()].sort(
		(a, b) =>
			order(a.group) - order(b.group) ||
			groupLabel(report, a.group).localeCompare(groupLabel(report, b.group), getLocale())
	);
}
