/**
 * Plays a small luisterronde and saves a PNG of every view to docs/screenshots/ (for the README
 * and for looking at the design as a whole). Run with `npm run screenshots`; it uses
 * playwright.screenshots.config.ts, so it builds and starts its own server on 127.0.0.1 like
 * the e2e tests, and it never runs as part of `npm test`.
 */
import { mkdirSync } from 'node:fs';
import {
	expect,
	test,
	type Browser,
	type BrowserContextOptions,
	type Page
} from '@playwright/test';

const OUT = 'docs/screenshots';

const TABLET: BrowserContextOptions = {
	viewport: { width: 800, height: 1280 },
	hasTouch: true,
	isMobile: true,
	locale: 'nl-NL',
	// The README shows a calm still picture: no pulsing dots half-way.
	reducedMotion: 'reduce'
};
const LANDSCAPE: BrowserContextOptions = { ...TABLET, viewport: { width: 1280, height: 800 } };
const PROJECTOR: BrowserContextOptions = {
	viewport: { width: 1920, height: 1080 },
	// Laid out at 1920×1080, saved at 1152×648: the README needs no more, and files stay small.
	deviceScaleFactor: 0.6,
	hasTouch: true,
	locale: 'nl-NL',
	reducedMotion: 'reduce'
};

interface CreatedRound {
	code: string;
	links: Record<'facilitator' | 'participant' | 'projector' | 'observer' | 'tablet', string>;
}

const local = (link: string) => {
	const url = new URL(link);
	return url.pathname + url.hash;
};

async function device(browser: Browser, options: BrowserContextOptions): Promise<Page> {
	const context = await browser.newContext({
		...options,
		baseURL: test.info().project.use.baseURL
	});
	return context.newPage();
}

async function shot(page: Page, name: string) {
	// Let fonts and the last update settle, so every picture is complete.
	await page.evaluate(async () => {
		await document.fonts.ready;
		window.scrollTo(0, 0);
	});
	await page.waitForTimeout(300);
	await page.screenshot({ path: `${OUT}/${name}.png`, animations: 'disabled', caret: 'hide' });
}

async function join(page: Page, name: string, presence: 'In de zaal' | 'Thuis') {
	await page.getByLabel('Je naam').fill(name);
	await page.getByRole('radio', { name: new RegExp(`^${presence}`) }).tap();
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByText(`Je naam: ${name}`)).toBeVisible();
}

const nowAt = (page: Page, step: string) =>
	expect(
		page.getByRole('navigation', { name: 'Stappen van de ronde' }).locator('[aria-current="step"]')
	).toHaveText(new RegExp(step));

test('screenshots of every view', async ({ browser }) => {
	mkdirSync(OUT, { recursive: true });

	const start = await device(browser, TABLET);
	await start.goto('/');
	await shot(start, 'start');

	const facilitator = await device(browser, LANDSCAPE);
	const response = await facilitator.request.post('/api/rounds', {
		data: { title: 'Luistergroep dinsdag' }
	});
	const round = (await response.json()) as CreatedRound;
	await facilitator.goto(local(round.links.facilitator));

	const anna = await device(browser, TABLET);
	await anna.goto(local(round.links.participant));
	await expect(anna.getByLabel('Je naam')).toBeVisible();
	await shot(anna, 'join');
	await join(anna, 'Anna', 'In de zaal');

	const people: Page[] = [];
	for (const [name, presence] of [
		['Bram', 'Thuis'],
		['Cem', 'In de zaal'],
		['Fatima', 'Thuis'],
		['Gerrit', 'In de zaal']
	] as const) {
		const page = await device(browser, TABLET);
		await page.goto(local(round.links.participant));
		await join(page, name, presence);
		people.push(page);
	}
	const [bram, cem, fatima] = people as [Page, Page, Page, Page];
	await facilitator.getByText('Iemand zonder tablet toevoegen').click();
	await facilitator.getByLabel('Naam', { exact: true }).fill('Dirk');
	await facilitator.getByRole('button', { name: 'Toevoegen' }).click();

	const screen = await device(browser, PROJECTOR);
	await screen.goto(local(round.links.projector));
	const shared = await device(browser, TABLET);
	await shared.goto(local(round.links.tablet));
	const trainer = await device(browser, LANDSCAPE);
	await trainer.goto(local(round.links.observer));

	// --- Opening: things on the kleed, good news --------------------------------------------
	await facilitator
		.getByLabel('Opwarmer: een vraag of een spel')
		.fill('Noem een kleur die bij je dag past.');
	await facilitator
		.getByRole('region', { name: 'Opwarmer' })
		.getByRole('button', { name: 'Opslaan' })
		.click();
	for (const [page, thing] of [
		[anna, 'Kaars'],
		[bram, 'Thee'],
		[cem, 'Bloem'],
		[fatima, 'Fruit']
	] as const) {
		await page.getByRole('button', { name: thing }).tap();
		await expect(page.getByText(`${thing} ligt op het kleed.`)).toBeVisible();
	}
	await anna.getByText('Verjaardag', { exact: true }).tap();
	await anna.getByLabel('Een paar woorden (mag leeg blijven)').fill('Mijn kleinzoon is jarig');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await expect(screen.getByText('Mijn kleinzoon is jarig')).toBeVisible();
	await shot(anna, 'participant-opening');
	await shot(screen, 'projector-opening');

	// --- Verhaalkeuze ---------------------------------------------------------------------
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await nowAt(anna, 'Verhaalkeuze');
	for (const [page, text] of [
		[anna, 'Mijn buurman maakt elke nacht lawaai'],
		[bram, 'Ik slaap slecht sinds de verhuizing'],
		[fatima, 'Mijn dochter woont ver weg']
	] as const) {
		await page.getByLabel('Wat weegt zwaar voor jou?').fill(text);
		await page.getByRole('button', { name: 'Delen' }).tap();
	}
	await expect(screen.getByRole('article')).toHaveCount(3);
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	const heart = (page: Page, story: string) =>
		page.getByRole('button', { name: `Hart voor: ${story}` });
	await heart(anna, 'Ik slaap slecht sinds de verhuizing').tap();
	await heart(cem, 'Ik slaap slecht sinds de verhuizing').tap();
	await heart(fatima, 'Mijn buurman maakt elke nacht lawaai').tap();
	await expect(screen.getByText(/3 van de 6 hebben gestemd/)).toBeVisible();
	await shot(screen, 'projector-stories');
	await shot(anna, 'participant-choice');
	await shot(facilitator, 'facilitator');
	await shared.getByRole('button', { name: 'Dirk' }).tap();
	await expect(shared.getByRole('heading', { name: 'Hallo Dirk' })).toBeVisible();
	await shot(shared, 'shared-tablet');
	await heart(shared, 'Ik slaap slecht sinds de verhuizing').tap();
	await shared.getByRole('button', { name: 'Volgende persoon' }).tap();

	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await expect(screen.getByRole('article').first()).toContainText(/hart/);
	await bram.getByRole('button', { name: 'Ja', exact: true }).tap();
	await expect(screen.getByRole('region', { name: 'Het gekozen verhaal' })).toBeVisible();
	await shot(screen, 'projector-revealed');
	await shot(trainer, 'observer');

	// --- Verdieping, Verbreding, Afsluiting ------------------------------------------------
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await nowAt(anna, 'Verdieping');
	await shot(anna, 'participant-deepening');
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await nowAt(anna, 'Verbreding');
	await anna.getByRole('button', { name: 'Ik herken dit' }).tap();
	await shot(anna, 'participant-broadening');
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await nowAt(anna, 'Afsluiting');
	await anna.getByLabel('Wat neem ik mee naar huis?').fill('Ik ben niet de enige');
	await anna.getByRole('button', { name: 'Opslaan' }).first().tap();
	await expect(screen.getByText('Ik ben niet de enige')).toBeVisible();
	await shot(anna, 'participant-closing');
	await shot(screen, 'projector-closing');
});
