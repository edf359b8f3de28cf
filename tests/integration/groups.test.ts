/**
 * Groups, prepared rounds, the coordinator link and the annual report (#17), through the real
 * server (API, relay over websockets, SQLite) with a clock the test moves through a year.
 */
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_GROUP, REMOVED_GROUP } from '../../src/lib/groups.ts';
import {
	type AnnualReport,
	type CoordinatorOverview,
	type CreateGroupResponse,
	type GroupInfo,
	type GroupTemplate,
	type PreparedRound,
	type StartRoundResponse
} from '../../src/lib/protocol.ts';
import { COORDINATOR_FILE, CoordinatorKey } from '../../server/CoordinatorKey.ts';
import { intents } from '../helpers/intents.ts';
import { provider, startInProcess, synced, tempDir, type Running } from '../helpers/server.ts';
import {
	TEST_GROUPS,
	TEST_YEAR,
	at,
	expectedFigures,
	testYearRounds,
	type Figures
} from '../helpers/testYear.ts';

const UNBOUNDED = {
	roundsBurst: 1e6,
	joinsBurst: 1e6,
	groupsBurst: 1e6,
	groupWritesBurst: 1e6,
	groupReadsBurst: 1e6
};

let dir: ReturnType<typeof tempDir>;
let server: Running;
let base: string;
/** The server's clock for rounds, groups and the sweep; the test moves it. */
let now = at(`${TEST_YEAR}-01-01`, 9);

beforeAll(async () => {
	dir = tempDir();
	server = await startInProcess(dir.path, {}, { httpLimits: UNBOUNDED, clock: () => now });
	base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
	await server.stop();
	dir.remove();
});

function call(method: string, path: string, key?: string, body?: unknown) {
	return fetch(`${base}${path}`, {
		method,
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...(key ? { authorization: `Bearer ${key}` } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
}

async function ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
	const r = await res;
	const body = await r.text();
	expect(r.status, body).toBe(status);
	return JSON.parse(body) as T;
}

const TEMPLATE: GroupTemplate = {
	title: 'Luisterronde',
	warmups: ['Noem iets wat je vandaag zag.', 'Schud elkaars hand.'],
	moteSuggestions: ['Wie heeft dit ook meegemaakt, en wat hielp jou?'],
	closingText: 'We staan in een kring en zingen samen.',
	extraRules: ['Telefoon op stil.'],
	timers: { opening: 20, choice: 25, deepening: 30, broadening: 40, closing: 15 },
	homeInstructions: 'Bel 020-1234567 om mee te luisteren.',
	namesOnProjector: false
};

async function newGroup(i: number, template: GroupTemplate = TEMPLATE) {
	return ok<CreateGroupResponse>(
		call('POST', '/api/groups', undefined, { ...TEST_GROUPS[i % TEST_GROUPS.length], template }),
		201
	);
}

/** Holds one round of a group: prepared, started, people joined, newcomers ticked, left. */
async function holdRound(
	group: CreateGroupResponse,
	round: { day: string; inRoom: number; remote: number; newcomers: number; minutes: number }
) {
	now = at(round.day, 18, 30);
	const prepared = await ok<PreparedRound>(
		call('POST', `/api/groups/${group.id}/rounds`, group.key, { date: round.day }),
		201
	);
	now = at(round.day, 19);
	const started = await ok<StartRoundResponse>(
		call('POST', `/api/groups/${group.id}/rounds/${prepared.code}/start`, group.key)
	);
	// The newcomers come without a device: a facilitator adds and ticks them (person.add, as in
	// the console); everyone else joins on their own device through the API.
	const people = round.inRoom + round.remote;
	const presences = Array.from({ length: people }, (_, k) =>
		k < round.inRoom ? ('room' as const) : ('remote' as const)
	);
	for (const presence of presences.slice(round.newcomers)) {
		await ok(
			call('POST', `/api/rounds/${started.code}/participants`, undefined, {
				name: 'Pseudoniem Q',
				presence
			}),
			201
		);
	}
	// The facilitator's device connects at the end (the relay marks the round as used then).
	now = at(round.day, 19) + round.minutes * 60_000;
	const facilitator = provider(server.port, started.code, started.facilitatorKey);
	await synced(facilitator.provider);
	const send = intents(facilitator.provider);
	for (let k = 0; k < round.newcomers; k++) {
		const id = `new-${started.code}-${k}`;
		expect(
			await send({ type: 'person.add', id, name: 'Nieuwkomer Q', presence: presences[k]! })
		).toMatchObject({ ok: true });
		expect(await send({ type: 'person.newcomer', who: id, on: true })).toMatchObject({ ok: true });
	}
	facilitator.destroy();
	return started.code;
}

const figures = (f: Figures) => ({
	rounds: f.rounds,
	inRoom: f.inRoom,
	remote: f.remote,
	newcomers: f.newcomers,
	minutes: f.minutes,
	attentionMinutes: f.attentionMinutes
});

describe('a year of rounds (#17)', () => {
	const plan = testYearRounds();
	const expected = expectedFigures(plan);
	let groups: CreateGroupResponse[] = [];
	let coordinator: string;

	beforeAll(async () => {
		coordinator = server.kleed.coordinator.renew();
		groups = [];
		for (let i = 0; i < TEST_GROUPS.length; i++) groups.push(await newGroup(i));
		for (const round of plan) await holdRound(groups[round.group]!, round);
		// Not counted: a practice round, and a round prepared and never started.
		now = at(`${TEST_YEAR}-06-01`, 10);
		const practice = await ok<StartRoundResponse>(
			call('POST', '/api/rounds', undefined, { practice: { neighbours: 4, language: 'nl' } }),
			201
		);
		const trainer = provider(server.port, practice.code, practice.facilitatorKey);
		await synced(trainer.provider);
		expect(await intents(trainer.provider)({ type: 'round.erase' })).toMatchObject({ ok: true });
		trainer.destroy();
		await ok(
			call('POST', `/api/groups/${groups[0]!.id}/rounds`, groups[0]!.key, {
				date: `${TEST_YEAR}-06-03`
			}),
			201
		);
		// The next year begins; the TTL sweep erases every round; only counts remain.
		now = at(`${TEST_YEAR + 1}-01-02`, 9);
		await server.kleed.sweep();
	}, 240_000);

	it('erases every round of the year (only counts remain)', () => {
		const left = server.kleed.db.prepare('SELECT count(*) AS n FROM rounds').get() as { n: number };
		expect(left.n).toBe(0);
		expect(server.kleed.rounds.stats(TEST_YEAR)).toHaveLength(plan.length);
	});

	it('gives exactly the expected figures per month, per group and for the year', async () => {
		const report = await ok<AnnualReport>(
			call('GET', `/api/coordinator/report?year=${TEST_YEAR}`, coordinator)
		);
		expect(report.year).toBe(TEST_YEAR);
		expect(report.total).toEqual(figures(expected.total));
		expect(report.total.rounds).toBe(130);
		for (let m = 1; m <= 12; m++) {
			expect(report.months[m - 1], `month ${m}`).toEqual({
				month: m,
				...figures(expected.months[m - 1]!)
			});
		}
		expect(report.rows).toHaveLength(expected.cells.size);
		for (const row of report.rows) {
			const g = groups.findIndex((x) => x.id === row.group);
			const cell = expected.cells.get(`${row.month} ${g}`);
			expect(cell, `${row.month} ${row.group}`).toBeDefined();
			expect(row).toEqual({ month: row.month, group: row.group, ...figures(cell!) });
		}
		expect(report.groups.map((g) => g.name).sort()).toEqual(TEST_GROUPS.map((g) => g.name).sort());
		// Counts only: no title, no name of a person anywhere in the answer.
		const text = JSON.stringify(report);
		expect(text).not.toContain('Luisterronde');
		expect(text).not.toContain('Pseudoniem Q');
		expect(text).not.toContain('Nieuwkomer Q');
	});

	it("gives each group its own figures with its own key, and nobody else's", async () => {
		for (let g = 0; g < groups.length; g++) {
			const group = groups[g]!;
			const own = await ok<AnnualReport>(
				call('GET', `/api/groups/${group.id}/report?year=${TEST_YEAR}`, group.key)
			);
			expect(own.total).toEqual(figures(expected.groups[g]!));
			expect(new Set(own.rows.map((r) => r.group))).toEqual(new Set([group.id]));
		}
	});

	it('writes the same figures as CSV, with the documented columns', async () => {
		const res = await call(
			'GET',
			`/api/coordinator/report.csv?year=${TEST_YEAR}&lang=en`,
			coordinator
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const text = (await res.text()).replace(/^\uFEFF/, '');
		const [header, ...lines] = text.trimEnd().split('\r\n');
		expect(header).toBe(
			'year,month,group,location,rounds,people_in_room,people_at_home,people_total,people_per_round,newcomers,round_hours,attention_hours'
		);
		const rows = lines.map((l) => l.split(','));
		const totalRow = rows.at(-1)!;
		const t = expected.total;
		expect(totalRow).toEqual([
			String(TEST_YEAR),
			'total',
			'',
			'',
			String(t.rounds),
			String(t.inRoom),
			String(t.remote),
			String(t.inRoom + t.remote),
			((t.inRoom + t.remote) / t.rounds).toFixed(1),
			String(t.newcomers),
			(Math.round((t.minutes / 60) * 10) / 10).toFixed(1),
			(Math.round((t.attentionMinutes / 60) * 10) / 10).toFixed(1)
		]);
		// Every month-and-group line, summed, gives the total again.
		const body = rows.slice(0, -1);
		expect(body).toHaveLength(expected.cells.size);
		const sum = (col: number) => body.reduce((n, r) => n + Number(r[col]), 0);
		expect(sum(4)).toBe(t.rounds);
		expect(sum(5)).toBe(t.inRoom);
		expect(sum(6)).toBe(t.remote);
		expect(sum(9)).toBe(t.newcomers);
		for (const r of body) {
			const g = TEST_GROUPS.findIndex((x) => x.name === r[2]);
			const cell = expected.cells.get(`${Number(r[1])} ${g}`)!;
			expect(r[3]).toBe(TEST_GROUPS[g]!.location);
			expect(Number(r[4])).toBe(cell.rounds);
			expect(Number(r[7])).toBe(cell.inRoom + cell.remote);
			expect(r[11]).toBe((Math.round((cell.attentionMinutes / 60) * 10) / 10).toFixed(1));
		}
		// The closing note's example (docs/examples/report-year.csv) is this file.
		if (process.env.KLEED_WRITE_EXAMPLES) {
			mkdirSync('docs/examples', { recursive: true });
			writeFileSync('docs/examples/report-year.csv', text);
		}
	});

	it('keeps the counts of an erased group under "removed group", and erases its template', async () => {
		const gone = groups[7]!;
		now = at(`${TEST_YEAR + 1}-01-03`, 9);
		await ok(call('DELETE', `/api/groups/${gone.id}`, coordinator));
		expect((await call('GET', `/api/groups/${gone.id}`, gone.key)).status).toBe(404);
		const row = server.kleed.db
			.prepare('SELECT count(*) AS n FROM groups WHERE id = ?')
			.get(gone.id);
		expect(row).toEqual({ n: 0 });
		const report = await ok<AnnualReport>(
			call('GET', `/api/coordinator/report?year=${TEST_YEAR}`, coordinator)
		);
		expect(report.total).toEqual(figures(expected.total));
		const removed = report.rows.filter((r) => r.group === REMOVED_GROUP);
		expect(removed.reduce((n, r) => n + r.rounds, 0)).toBe(expected.groups[7]!.rounds);
		expect(report.rows.some((r) => r.group === gone.id)).toBe(false);
		expect(report.groups.some((g) => g.id === gone.id)).toBe(false);
		const csv = await (
			await call('GET', `/api/coordinator/report.csv?year=${TEST_YEAR}`, coordinator)
		).text();
		expect(csv).toContain('(verwijderde groep)');
	});
});

describe('prepared rounds (#17)', () => {
	it('survive the TTL sweep until the day after their date, then go without counts', async () => {
		now = at('2027-03-01', 10);
		const group = await newGroup(0);
		const prepared = await ok<PreparedRound>(
			call('POST', `/api/groups/${group.id}/rounds`, group.key, { date: '2027-03-20' }),
			201
		);
		const before = server.kleed.rounds.stats().length;
		for (const day of ['2027-03-02', '2027-03-19', '2027-03-20']) {
			now = at(day, 23, 30);
			await server.kleed.sweep();
			expect(server.kleed.rounds.get(prepared.code), day).not.toBeNull();
		}
		now = at('2027-03-21', 0, 30);
		await server.kleed.sweep();
		expect(server.kleed.rounds.get(prepared.code)).toBeNull();
		expect(server.kleed.rounds.stats()).toHaveLength(before);
	});

	it('once started ahead of its date, goes by ROUND_TTL_HOURS like any round', async () => {
		now = at('2027-03-01', 10);
		const group = await newGroup(0);
		const prepared = await ok<PreparedRound>(
			call('POST', `/api/groups/${group.id}/rounds`, group.key, { date: '2027-03-25' }),
			201
		);
		await ok(call('POST', `/api/groups/${group.id}/rounds/${prepared.code}/start`, group.key));
		now = at('2027-03-02', 10);
		await server.kleed.sweep();
		expect(server.kleed.rounds.get(prepared.code)).toBeNull();
	});

	it('fills the plan from the template, can be changed ahead, and starts with it', async () => {
		now = at('2027-04-01', 10);
		const group = await newGroup(1);
		const prepared = await ok<PreparedRound>(
			call('POST', `/api/groups/${group.id}/rounds`, group.key, { date: '2027-04-08' }),
			201
		);
		expect(prepared.plan).toMatchObject({
			date: '2027-04-08',
			title: TEMPLATE.title,
			warmup: TEMPLATE.warmups[0],
			mote: TEMPLATE.moteSuggestions[0],
			extraRules: TEMPLATE.extraRules,
			timers: TEMPLATE.timers,
			namesOnProjector: false
		});
		expect(prepared.startedAt).toBeNull();
		const changed = await ok<PreparedRound>(
			call('PUT', `/api/groups/${group.id}/rounds/${prepared.code}`, group.key, {
				warmup: TEMPLATE.warmups[1],
				title: 'Lente'
			})
		);
		expect(changed.plan).toMatchObject({ warmup: TEMPLATE.warmups[1], title: 'Lente' });
		// Nobody joins before "Start".
		const early = await call('POST', `/api/rounds/${prepared.code}/participants`, undefined, {
			name: 'Anna',
			presence: 'room'
		});
		expect(early.status).toBe(409);
		expect(((await early.json()) as { error: string }).error).toBe('round_not_open');
		now = at('2027-04-08', 19);
		const started = await ok<StartRoundResponse>(
			call('POST', `/api/groups/${group.id}/rounds/${prepared.code}/start`, group.key)
		);
		// A second tap opens the same round with the same key.
		const again = await ok<StartRoundResponse>(
			call('POST', `/api/groups/${group.id}/rounds/${prepared.code}/start`, group.key)
		);
		expect(again.facilitatorKey).toBe(started.facilitatorKey);
		expect(started.links.facilitator).toContain(`#key=${started.facilitatorKey}`);
		const facilitator = provider(server.port, started.code, started.facilitatorKey);
		await synced(facilitator.provider);
		const meta = facilitator.doc.getMap('meta');
		expect(meta.get('title')).toBe('Lente');
		expect(meta.get('warmup')).toBe(TEMPLATE.warmups[1]);
		expect(meta.get('mote')).toBe(TEMPLATE.moteSuggestions[0]);
		expect(meta.get('closingText')).toBe(TEMPLATE.closingText);
		expect(meta.get('audioHelp')).toBe(TEMPLATE.homeInstructions);
		expect(meta.get('extraRules')).toEqual(TEMPLATE.extraRules);
		expect(meta.get('hideNames')).toBe(true);
		expect(facilitator.doc.getMap('timers').get('deepening')).toMatchObject({
			durationMs: 30 * 60_000,
			endsAt: null
		});
		facilitator.destroy();
		await ok(
			call('POST', `/api/rounds/${prepared.code}/participants`, undefined, {
				name: 'Anna',
				presence: 'room'
			}),
			201
		);
		// Started: the plan is the console's now.
		const late = await call('PUT', `/api/groups/${group.id}/rounds/${prepared.code}`, group.key, {
			title: 'Te laat'
		});
		expect(late.status).toBe(409);
		const info = await ok<GroupInfo>(call('GET', `/api/groups/${group.id}`, group.key));
		expect(info.rounds.find((r) => r.code === prepared.code)?.startedAt).toBe(now);
	});

	it('refuses dates in the past or too far ahead, and more than maxPreparedPerGroup', async () => {
		now = at('2027-05-01', 10);
		const group = await newGroup(2);
		for (const date of ['2027-04-30', '2028-05-02', '2027-02-30', 'morgen']) {
			const res = await call('POST', `/api/groups/${group.id}/rounds`, group.key, { date });
			expect(res.status, date).toBe(400);
		}
	});
});

describe('keys (#17)', () => {
	let a: CreateGroupResponse;
	let b: CreateGroupResponse;
	let coordinator: string;
	beforeAll(async () => {
		now = at('2027-06-01', 10);
		a = await newGroup(3);
		b = await newGroup(4);
		coordinator = server.kleed.coordinator.renew();
	});

	it("a group's key opens its own group only, never another nor the coordinator's view", async () => {
		expect((await call('GET', `/api/groups/${a.id}`, a.key)).status).toBe(200);
		for (const [method, path] of [
			['GET', `/api/groups/${b.id}`],
			['PUT', `/api/groups/${b.id}`],
			['DELETE', `/api/groups/${b.id}`],
			['GET', `/api/groups/${b.id}/report`],
			['GET', `/api/groups/${b.id}/report.csv`],
			['POST', `/api/groups/${b.id}/rounds`],
			['GET', '/api/coordinator'],
			['GET', '/api/coordinator/report'],
			['GET', '/api/coordinator/report.csv']
		] as const) {
			const res = await call(method, path, a.key, method === 'GET' ? undefined : {});
			expect(res.status, `${method} ${path}`).toBe(403);
		}
		// A round of group b is not found through group a, even with a's key.
		const prepared = await ok<PreparedRound>(
			call('POST', `/api/groups/${b.id}/rounds`, b.key, { date: '2027-06-10' }),
			201
		);
		for (const [method, path] of [
			['PUT', `/api/groups/${a.id}/rounds/${prepared.code}`],
			['DELETE', `/api/groups/${a.id}/rounds/${prepared.code}`],
			['POST', `/api/groups/${a.id}/rounds/${prepared.code}/start`]
		] as const) {
			expect((await call(method, path, a.key, {})).status, `${method} ${path}`).toBe(404);
		}
		expect((await call('GET', `/api/groups/${b.id}`, b.key)).status).toBe(200);
	});

	it('the coordinator reads every group but cannot prepare or start its rounds', async () => {
		const info = await ok<GroupInfo>(call('GET', `/api/groups/${a.id}`, coordinator));
		expect(info.name).toBe(TEST_GROUPS[3].name);
		const overview = await ok<CoordinatorOverview>(call('GET', '/api/coordinator', coordinator));
		expect(overview.groups.map((g) => g.id)).toEqual(expect.arrayContaining([a.id, b.id]));
		expect(JSON.stringify(overview)).not.toContain(a.key);
		const res = await call('POST', `/api/groups/${a.id}/rounds`, coordinator, {
			date: '2027-06-10'
		});
		expect(res.status).toBe(403);
	});

	it('refuses no key (401), a wrong key (403) and an unknown group (404)', async () => {
		expect((await call('GET', `/api/groups/${a.id}`)).status).toBe(401);
		expect((await call('GET', '/api/coordinator')).status).toBe(401);
		expect((await call('GET', `/api/groups/${a.id}`, 'x'.repeat(43))).status).toBe(403);
		expect((await call('GET', '/api/coordinator', a.key.slice(1) + 'A')).status).toBe(403);
		expect((await call('GET', '/api/groups/nosuchgroup1', a.key)).status).toBe(404);
	});

	it('keeps only the hash of the coordinator key, owner-only, and a new link retires the old', async () => {
		const file = `${dir.path}/${COORDINATOR_FILE}`;
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const stored = readFileSync(file, 'utf8');
		expect(stored).not.toContain(coordinator);
		expect(stored.trim()).toMatch(/^[0-9a-f]{64}$/);
		// What `npm run coordinator:new` does, from another process's point of view: a new file.
		const fresh = new CoordinatorKey(dir.path).renew();
		expect((await call('GET', '/api/coordinator', coordinator)).status).toBe(403);
		expect((await call('GET', '/api/coordinator', fresh)).status).toBe(200);
		coordinator = fresh;
	});

	it('validates a template like every body: bounded lists and texts, no unknown fields', async () => {
		const bad: unknown[] = [
			{ ...TEMPLATE, warmups: Array(13).fill('x') },
			{ ...TEMPLATE, extraRules: ['x'.repeat(121)] },
			{ ...TEMPLATE, timers: { opening: 181 } },
			{ ...TEMPLATE, timers: { lunch: 5 } },
			{ ...TEMPLATE, secret: 1 },
			{ ...TEMPLATE, namesOnProjector: 'ja' }
		];
		for (const template of bad) {
			const res = await call('PUT', `/api/groups/${a.id}`, a.key, { template });
			expect(res.status, JSON.stringify(template).slice(0, 80)).toBe(400);
		}
		const info = await ok<GroupInfo>(call('GET', `/api/groups/${a.id}`, a.key));
		expect(info.template).toEqual(TEMPLATE);
	});
});

describe('bounds (#17)', () => {
	it('per address: new groups, group writes and reads (HTTP_LIMITS)', async () => {
		const own = tempDir();
		const strict = await startInProcess(own.path, {}, { clock: () => at('2027-07-01', 10) });
		const url = `http://127.0.0.1:${strict.port}`;
		const post = (path: string, key: string | null, body: unknown) =>
			fetch(`${url}${path}`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					...(key ? { authorization: `Bearer ${key}` } : {})
				},
				body: JSON.stringify(body)
			});
		try {
			const made: CreateGroupResponse[] = [];
			for (let i = 0; i < 10; i++) {
				const res = await post('/api/groups', null, TEST_GROUPS[0]);
				expect(res.status).toBe(201);
				made.push((await res.json()) as CreateGroupResponse);
			}
			const eleventh = await post('/api/groups', null, TEST_GROUPS[0]);
			expect(eleventh.status).toBe(429);
			expect(eleventh.headers.get('retry-after')).toBe('30');
			// Writes: a burst of 60 from one address, then 429 (the template is not changed).
			const group = made[0]!;
			const statuses: number[] = [];
			for (let i = 0; i < 61; i++) {
				const res = await post(`/api/groups/${group.id}/rounds`, group.key, {
					date: '2027-07-02'
				});
				statuses.push(res.status);
			}
			expect(statuses.slice(0, 60).every((s) => s === 201)).toBe(true);
			expect(statuses[60]).toBe(429);
			// Reads: a burst of 60, then 429.
			const reads: number[] = [];
			for (let i = 0; i < 61; i++) {
				const res = await fetch(`${url}/api/groups/${group.id}`, {
					headers: { authorization: `Bearer ${group.key}` }
				});
				reads.push(res.status);
			}
			expect(reads.slice(0, 60).every((s) => s === 200)).toBe(true);
			expect(reads[60]).toBe(429);
		} finally {
			await strict.stop();
			own.remove();
		}
	});

	it('a group holds at most maxPreparedPerGroup prepared rounds', async () => {
		now = at('2027-07-01', 10);
		const group = await newGroup(5);
		for (let i = 0; i < 60; i++) {
			await ok(
				call('POST', `/api/groups/${group.id}/rounds`, group.key, { date: '2027-07-02' }),
				201
			);
		}
		const res = await call('POST', `/api/groups/${group.id}/rounds`, group.key, {
			date: '2027-07-02'
		});
		expect(res.status).toBe(409);
		expect(((await res.json()) as { error: string }).error).toBe('too_many_prepared');
	});

	it('an installation holds at most maxGroups groups', async () => {
		while (server.kleed.groups.count() < 200) server.kleed.groups.create(TEST_GROUPS[1]);
		const res = await call('POST', '/api/groups', undefined, TEST_GROUPS[2]);
		expect(res.status).toBe(409);
		expect(((await res.json()) as { error: string }).error).toBe('too_many_groups');
		expect(server.kleed.groups.count()).toBe(200);
	});
});

describe('a round without a group', () => {
	it('is counted under "no group" in the coordinator\'s report', async () => {
		now = at('2027-08-01', 19);
		const res = await ok<{ code: string; facilitatorKey: string }>(
			call('POST', '/api/rounds', undefined, { title: 'Los' }),
			201
		);
		await ok(
			call('POST', `/api/rounds/${res.code}/participants`, undefined, {
				name: 'Anna',
				presence: 'remote'
			}),
			201
		);
		now = at('2027-08-02', 19);
		await server.kleed.sweep();
		const coordinator = server.kleed.coordinator.renew();
		const report = await ok<AnnualReport>(
			call('GET', '/api/coordinator/report?year=2027', coordinator)
		);
		const none = report.rows.filter((r) => r.group === NO_GROUP);
		expect(none).toEqual([
			{
				month: 8,
				group: NO_GROUP,
				rounds: 1,
				inRoom: 0,
				remote: 1,
				newcomers: 0,
				minutes: 0,
				attentionMinutes: 0
			}
		]);
	});
});
