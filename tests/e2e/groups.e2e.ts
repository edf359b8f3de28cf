/**
 * Groups, prepared rounds and the annual report (#17) in a real browser: the coordinator opens
 * the report of the test year (130 rounds over 8 groups, held through the server's own stores
 * with a clock of that year) and reads exactly the expected figures in the table; a facilitator
 * prepares a round from the group's page and starts it in one tap; the new pages have no axe
 * violations, in Dutch and in English, Turkish and Arabic (right to left). KLEED_SCREENSHOTS=1
 * also saves the report page to docs/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { CoordinatorKey } from '../../server/CoordinatorKey.ts';
import { openDatabase } from '../../server/db.ts';
import { RoundStore } from '../../server/RoundStore.ts';
import { groupRoundKey } from '../../server/tokens.ts';
import type { CreateGroupResponse, GroupTemplate } from '../../src/lib/protocol.ts';
import { Scanner } from './a11y-scan';
import { test } from './fixtures';
import { LAPTOP, TABLET, deviceAddress, newPage } from './helpers';
import {
	TEST_GROUPS,
	at,
	expectedFigures,
	testYearRounds,
	type Figures
} from '../helpers/testYear.ts';

/** A past year: rounds other specs erase today never fall into it. */
const YEAR = 2025;
const dataDir = () => process.env.KLEED_E2E_DATA_DIR!;

const TEMPLATE: GroupTemplate = {
	title: 'Luisterronde Noord',
	warmups: ['Noem iets moois van deze week.', 'Sta op en strek je armen.'],
	moteSuggestions: ['Wie heeft dit ook meegemaakt, en wat hielp jou?'],
	closingText: 'We staan in een kring, handen op elkaars schouders.',
	extraRules: ['Telefoon op stil.'],
	timers: { opening: 20, choice: 25, deepening: 30, broadening: 40, closing: 15 },
	homeInstructions: 'Bel 020-1234567 om mee te luisteren.',
	namesOnProjector: true
};

async function api(page: Page, path: string, body?: unknown, key?: string) {
	const response = await page.request.fetch(path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: {
			'X-Forwarded-For': deviceAddress(),
			...(key ? { Authorization: `Bearer ${key}` } : {})
		},
		...(body === undefined ? {} : { data: body })
	});
	return response;
}

/**
 * The test year: 8 groups made through the API, then 130 rounds held through the server's own
 * RoundStore on its database with a clock of that year (prepared, started, people in, newcomers
 * ticked, erased: what the API and the relay do, as the integration test proves).
 */
async function playYear(page: Page) {
	const groups: CreateGroupResponse[] = [];
	for (const group of TEST_GROUPS) {
		const response = await api(page, '/api/groups', { ...group, template: TEMPLATE });
		expect(response.status()).toBe(201);
		groups.push((await response.json()) as CreateGroupResponse);
	}
	const db = openDatabase(join(dataDir(), 'kleed.db'));
	let now = 0;
	const rounds = new RoundStore(db, () => now);
	const plan = testYearRounds(130, YEAR);
	for (const r of plan) {
		const group = groups[r.group]!;
		now = at(r.day, 18);
		const { code } = rounds.create({
			title: TEMPLATE.title,
			language: 'nl',
			prepared: {
				groupId: group.id,
				plan: { ...TEMPLATE, date: r.day, warmup: '', mote: '' },
				facilitatorKey: (c) => groupRoundKey(group.key, c)
			}
		});
		now = at(r.day, 19);
		rounds.start(code);
		for (let k = 0; k < r.inRoom + r.remote; k++) {
			const { participantId } = rounds.addParticipant(code, {
				name: `Buur ${k}`,
				presence: k < r.inRoom ? 'room' : 'remote'
			});
			if (k < r.newcomers) rounds.setNewcomer(code, participantId, true);
		}
		now = at(r.day, 19) + r.minutes * 60_000;
		rounds.touch(code);
		rounds.erase(code, { checkpoint: false });
	}
	db.close();
	return { groups, expected: expectedFigures(plan) };
}

const nl = (n: number) => new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 1 }).format(n);
const cells = (f: Figures) => [
	nl(f.rounds),
	nl(f.inRoom),
	nl(f.remote),
	nl(f.rounds ? (f.inRoom + f.remote) / f.rounds : 0),
	nl(f.newcomers),
	nl(f.attentionMinutes / 60)
];

test('the coordinator reads the test year in the report: figures, chart, table, CSV', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const page = await newPage(browser, LAPTOP);
	const { expected } = await playYear(page);
	// What `npm run coordinator:new` does: a new key, the running server reads it.
	const key = new CoordinatorKey(dataDir()).renew();
	await page.goto(`/?coordinator&jaar=${YEAR}#key=${key}`);
	await expect(page.getByRole('heading', { name: `Jaarverslag ${YEAR}` })).toBeVisible();
	// The key leaves the address bar; the device remembers it.
	await expect(page).toHaveURL(/\/\?coordinator&jaar=2025$/);

	const total = expected.total;
	await expect(page.locator('[data-figure="rounds"]')).toHaveText(nl(total.rounds));
	await expect(page.locator('[data-figure="newcomers"]')).toHaveText(nl(total.newcomers));
	await expect(page.locator('[data-figure="attention"]')).toHaveText(
		nl(total.attentionMinutes / 60)
	);

	const months = page.getByRole('table', { name: `Per maand · ${YEAR}` });
	const rows = months.locator('tbody tr');
	await expect(rows).toHaveCount(12);
	for (let m = 0; m < 12; m++) {
		await expect(rows.nth(m).locator('td'), `month ${m + 1}`).toHaveText(
			cells(expected.months[m]!)
		);
	}
	await expect(months.locator('tfoot td')).toHaveText(cells(total));

	const byGroup = page.getByRole('table', { name: `Per groep · ${YEAR}` });
	for (let g = 0; g < TEST_GROUPS.length; g++) {
		const row = byGroup.locator('tbody tr').filter({
			has: page.getByRole('rowheader', { name: TEST_GROUPS[g]!.name, exact: true })
		});
		await expect(row.locator('td'), TEST_GROUPS[g]!.name).toHaveText(cells(expected.groups[g]!));
	}

	// The chart is drawn (Chart.js, loaded for this page only) with a text alternative.
	const chart = page.getByRole('img', { name: /Grafiek: rondes en mensen per maand in 2025/ });
	await expect(chart).toBeVisible();
	await expect(chart.locator('canvas')).toHaveAttribute('width', /\d+/);
	await expect(page.getByRole('heading', { name: 'Wat dit verslag niet weet' })).toBeVisible();
	await expect(page.getByText('Kleed houdt geen namen bij')).toBeVisible();

	// The CSV: the same total, downloaded with the key in a header.
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'CSV downloaden' }).click();
	const file = await (await download).path();
	const { readFileSync } = await import('node:fs');
	const csv = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
	const last = csv.trimEnd().split('\r\n').at(-1)!.split(',');
	expect(last.slice(0, 2)).toEqual([String(YEAR), 'total']);
	expect(Number(last[4])).toBe(total.rounds);
	expect(Number(last[9])).toBe(total.newcomers);

	const a11y = new Scanner();
	await a11y.scan(page, 'coordinator', 'jaarverslag');
	a11y.expectClean();

	if (process.env.KLEED_SCREENSHOTS) {
		mkdirSync('docs/screenshots', { recursive: true });
		// The chart drawn at once (no animation half-way in the picture); the device keeps the key.
		await page.emulateMedia({ reducedMotion: 'reduce' });
		await page.reload();
		await expect(chart.locator('canvas')).toBeVisible();
		await page.screenshot({ path: 'docs/screenshots/report-coordinator.png', fullPage: true });
		await page.emulateMedia({ media: 'print' });
		await page.screenshot({ path: 'docs/screenshots/report-print.png', fullPage: true });
		await page.emulateMedia({ media: 'screen' });
	}
});

test('a facilitator prepares a round from the group and starts it in one tap', async ({
	browser
}) => {
	const setup = await newPage(browser, LAPTOP);
	const created = await api(setup, '/api/groups', {
		name: 'Luistergroep Vogeldorp',
		location: 'Buurthuis Vogeldorp',
		language: 'nl',
		template: TEMPLATE
	});
	expect(created.status()).toBe(201);
	const group = (await created.json()) as CreateGroupResponse;

	const page = await newPage(browser, LAPTOP);
	const link = new URL(group.link);
	await page.goto(link.pathname + link.search + link.hash);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Luistergroep Vogeldorp' })
	).toBeVisible();
	// The device remembers the group; the key leaves the address bar.
	await expect(page).toHaveURL(new RegExp(`/\\?groep=${group.id}$`));

	const a11y = new Scanner();
	await a11y.scan(page, 'groep', 'leeg');

	// Today's round: prepared from the template, then changed a little ahead.
	const today = await page.evaluate(() => {
		const d = new Date();
		return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
	});
	await page.getByLabel('Datum', { exact: true }).fill(today);
	await page.getByRole('button', { name: 'Ronde voorbereiden' }).click();
	const round = page.getByRole('listitem').filter({ hasText: 'Vandaag' });
	await expect(round).toBeVisible();
	await expect(round.getByText('Luisterronde Noord')).toBeVisible();
	// The editor of the new round is open, filled in from the template.
	const warmup = round.getByRole('textbox', { name: 'Opwarmer' });
	await expect(warmup).toHaveValue(TEMPLATE.warmups[0]!);
	await round.getByRole('combobox', { name: 'Opwarmer' }).selectOption(TEMPLATE.warmups[1]!);
	await expect(warmup).toHaveValue(TEMPLATE.warmups[1]!);
	await round.getByRole('button', { name: 'Opslaan' }).click();
	await expect(round.getByRole('status')).toHaveText('Opgeslagen.');
	await a11y.scan(page, 'groep', 'ronde voorbereid');
	// The group's place, changed on its page.
	await page.getByText('Naam, plek en taal').click();
	await page.getByLabel('Buurt of plek').fill('Buurthuis Vogeldorp, zaal 2');
	const settings = page.locator('form').filter({ has: page.getByLabel('Buurt of plek') });
	await settings.getByRole('button', { name: 'Opslaan' }).click();
	await expect(settings.getByRole('status')).toHaveText('Opgeslagen.');
	await expect(page.getByText('Buurthuis Vogeldorp, zaal 2', { exact: true })).toBeVisible();
	await a11y.scan(page, 'groep', 'naam, plek en taal');
	await page.getByText('Naam, plek en taal').click();
	if (process.env.KLEED_SCREENSHOTS) {
		await page.screenshot({ path: 'docs/screenshots/group-prepared.png', fullPage: true });
	}

	// Before Start nobody can join; the join page says so.
	const early = (await round.getByText(/^code /).textContent())!.replace(/^code | /g, '');
	const phone = await newPage(browser, TABLET);
	await phone.goto(`/r/${early}`);
	await phone.getByLabel('Je naam').fill('Bram');
	await phone.getByRole('radio', { name: /^In de zaal/ }).tap();
	await phone.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(phone.getByText('Deze ronde is nog niet begonnen.')).toBeVisible();

	// One tap: the console opens with the code and the QR code live.
	await round.getByRole('button', { name: /^Start de ronde van/ }).click();
	await expect(page).toHaveURL(/\/r\/[A-Z2-9]{6}\/begeleider/);
	const code = /\/r\/([A-Z2-9]{6})\//.exec(page.url())![1]!;
	const share = page.getByRole('dialog');
	await expect(share.getByRole('img', { name: 'QR-code om mee te doen' })).toBeVisible();
	await expect(share.getByText(`${code.slice(0, 3)} ${code.slice(3)}`).first()).toBeVisible();
	await a11y.scan(page, 'begeleider', 'gestart vanuit de groep');
	await share.getByRole('button', { name: 'Sluiten' }).click();
	// The plan is in the round: the warm-up chosen ahead.
	await expect(page.getByRole('textbox', { name: /^Opwarmer/ })).toHaveValue(TEMPLATE.warmups[1]!);
	// Now people can join.
	const join = await setup.request.post(`/api/rounds/${code}/participants`, {
		data: { name: 'Anna', presence: 'room' },
		headers: { 'X-Forwarded-For': deviceAddress() }
	});
	expect(join.status()).toBe(201);

	// Back on the group's page (the bare address: the device remembers), the round is running.
	await page.goto(`/?groep=${group.id}`);
	await expect(page.getByRole('listitem').filter({ hasText: 'Bezig' })).toBeVisible();

	// The new group page and the start page's list of groups.
	await page.goto('/');
	await expect(page.getByRole('link', { name: 'Naar groep Luistergroep Vogeldorp' })).toBeVisible();
	await page.goto('/?groep');
	await expect(page.getByRole('heading', { name: 'Een nieuwe groep' })).toBeVisible();
	await a11y.scan(page, 'nieuwe groep', 'formulier');
	a11y.expectClean();
});

test("a group's link does not open another group nor the coordinator's page", async ({
	browser
}) => {
	const page = await newPage(browser, LAPTOP);
	const make = async (name: string) =>
		(await (
			await api(page, '/api/groups', { name, location: '', language: 'nl' })
		).json()) as CreateGroupResponse;
	const a = await make('Groep A');
	const b = await make('Groep B');
	await page.goto(`/?groep=${b.id}#key=${a.key}`);
	await expect(page.getByText('Deze link werkt niet (meer).')).toBeVisible();
	await page.goto(`/?coordinator#key=${a.key}`);
	await expect(page.getByText('Deze coördinatorlink werkt niet (meer).')).toBeVisible();
});

/** A message of messages/{locale}.json, with its {placeholders} filled in. */
const text = (locale: string, key: string, values: Record<string, string> = {}): string =>
	Object.entries(values).reduce(
		(t, [name, value]) => t.replace(`{${name}}`, value),
		(JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8')) as Record<string, string>)[key]!
	);

for (const { locale, dir } of [
	{ locale: 'en', dir: 'ltr' },
	{ locale: 'tr', dir: 'ltr' },
	{ locale: 'ar', dir: 'rtl' }
]) {
	test(`the group, new-group and coordinator pages have no axe violations in ${locale}`, async ({
		browser
	}) => {
		const page = await newPage(browser, LAPTOP);
		// The language a device chose (paraglide's cookie), as the language menu sets it.
		await page
			.context()
			.addCookies([
				{ name: 'PARAGLIDE_LOCALE', value: locale, url: test.info().project.use.baseURL! }
			]);
		const created = await api(page, '/api/groups', {
			name: 'Kleed Noord',
			location: 'Buurthuis',
			language: locale,
			template: TEMPLATE
		});
		expect(created.status()).toBe(201);
		const group = (await created.json()) as CreateGroupResponse;
		const link = new URL(group.link);
		await page.goto(link.pathname + link.search + link.hash);
		await expect(page.locator('html')).toHaveAttribute('lang', locale);
		await expect(page.locator('html')).toHaveAttribute('dir', dir);
		await expect(page.getByRole('heading', { level: 1, name: 'Kleed Noord' })).toBeVisible();
		const a11y = new Scanner();
		await a11y.scan(page, `groep (${locale})`, 'leeg');

		await page.goto('/?groep');
		await expect(
			page.getByRole('heading', { name: text(locale, 'group_new_heading') })
		).toBeVisible();
		await a11y.scan(page, `nieuwe groep (${locale})`, 'formulier');

		const key = new CoordinatorKey(dataDir()).renew();
		await page.goto(`/?coordinator&jaar=${YEAR}#key=${key}`);
		await expect(
			page.getByRole('heading', { name: text(locale, 'report_heading', { year: String(YEAR) }) })
		).toBeVisible();
		await a11y.scan(page, `coordinator (${locale})`, 'jaarverslag');
		a11y.expectClean();
	});
}
