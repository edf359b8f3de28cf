/**
 * Days as Kleed counts them: the server's local calendar date (its TZ), as YYYY-MM-DD. A round
 * held on a Tuesday evening in Amsterdam counts for that Tuesday, and a prepared round's date is
 * the date people see on the wall calendar.
 */
export function localDay(ms: number): string {
	const d = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The day `days` after `day` (YYYY-MM-DD; negative: before). */
export function addDays(day: string, days: number): string {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}
