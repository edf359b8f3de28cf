/**
 * The test year of #17: a foundation's year as the issue tells it — 130 rounds on 8 locations,
 * about 10 people a round, 1-2 newcomers each time, about 2.5 hours — with attendance known in
 * advance, so the report's figures can be checked to the unit. The expected figures are added up
 * here by plain arithmetic over the plan, not by the report's code.
 */
export const TEST_YEAR = 2026;

export const TEST_GROUPS = [
	{ name: 'Luistergroep Noord', location: 'Buurthuis De Banjeer', language: 'nl' },
	{ name: 'Luistergroep Oost', location: 'Huis van de Wijk Oost', language: 'nl' },
	{ name: 'Kring Vogelbuurt', location: 'De Vogelkooi', language: 'nl' },
	{ name: 'Luistergroep Tuindorp', location: 'Wijkcentrum Tuindorp', language: 'nl' },
	{ name: 'Dinsdagkring', location: 'Bibliotheek Banne', language: 'nl' },
	{ name: 'Dinleme Çemberi', location: 'Moskee Noord', language: 'tr' },
	{ name: 'Listening Circle', location: 'Community Hub', language: 'en' },
	{ name: 'Luistergroep Nieuwendam', location: 'Het Nieuwendammerhuis', language: 'nl' }
] as const;

export interface PlannedRound {
	/** Index into TEST_GROUPS. */
	group: number;
	/** YYYY-MM-DD, the local date it is held. */
	day: string;
	inRoom: number;
	remote: number;
	/** Of the people, how many a facilitator ticks as new (counted in inRoom/remote). */
	newcomers: number;
	minutes: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The 130 rounds of the test year (or of `year`), in date order. */
export function testYearRounds(count = 130, year = TEST_YEAR): PlannedRound[] {
	const rounds: PlannedRound[] = [];
	for (let i = 0; i < count; i++) {
		const date = new Date(Date.UTC(year, 0, 6 + Math.floor((i * 355) / count), 12));
		rounds.push({
			group: i % TEST_GROUPS.length,
			day: `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`,
			inRoom: 6 + ((i * 7) % 6),
			remote: i % 3,
			newcomers: 1 + (i % 2),
			minutes: [150, 150, 140, 165][i % 4]!
		});
	}
	return rounds;
}

/** Local time `hh:mm` on `day`, in ms (the server counts local days). */
export function at(day: string, hh: number, mm = 0): number {
	const [y, m, d] = day.split('-').map(Number) as [number, number, number];
	return new Date(y, m - 1, d, hh, mm).getTime();
}

export interface Figures {
	rounds: number;
	inRoom: number;
	remote: number;
	newcomers: number;
	minutes: number;
	attentionMinutes: number;
}

const empty = (): Figures => ({
	rounds: 0,
	inRoom: 0,
	remote: 0,
	newcomers: 0,
	minutes: 0,
	attentionMinutes: 0
});

/** What the report must say: per month (1-12), per group index, per month and group, total. */
export function expectedFigures(rounds: readonly PlannedRound[]) {
	const months = Array.from({ length: 12 }, empty);
	const groups = TEST_GROUPS.map(empty);
	const cells = new Map<string, Figures>();
	const total = empty();
	for (const r of rounds) {
		const month = Number(r.day.slice(5, 7));
		const key = `${month} ${r.group}`;
		if (!cells.has(key)) cells.set(key, empty());
		for (const f of [months[month - 1]!, groups[r.group]!, cells.get(key)!, total]) {
			f.rounds += 1;
			f.inRoom += r.inRoom;
			f.remote += r.remote;
			f.newcomers += r.newcomers;
			f.minutes += r.minutes;
			f.attentionMinutes += (r.inRoom + r.remote) * r.minutes;
		}
	}
	return { months, groups, cells, total };
}
