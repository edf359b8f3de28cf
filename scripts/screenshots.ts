/**
 * Plays a realistic luisterronde (15 people with long, Arabic and duplicate names, some at home;
 * 20 objects; 8 stories of ~120 characters; a tie) and saves the first screen of every device at
 * every moment to docs/screenshots/: what a person sees without scrolling, at the device's real
 * size. Run with `npm run screenshots`; it uses playwright.screenshots.config.ts, so it builds
 * and starts its own server on 127.0.0.1 like the e2e tests, and it never runs in `npm test`.
 *
 * The round is made through the API (tests/helpers/realisticRound.ts); the pages look at it as
 * the people in it: the participant pages are two of the 15 (their device remembers them).
 */
import { mkdirSync } from 'node:fs';
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { test } from '../tests/e2e/fixtures';
import { local } from '../tests/e2e/helpers';
import { SIZES, STEP_NAME, device, type Size } from '../tests/e2e/screens';
import { realisticRound, type Moment, type RealisticRound } from '../tests/helpers/realisticRound';

const OUT = 'docs/screenshots';

/** Saved smaller than laid out where the picture is big: the README needs no more. */
const SCALE: Partial<Record<Size, number>> = { projector: 0.6, projectorHd: 0.75, laptop: 0.75 };

/** The device of screens.ts (size, touch, language), still and scaled for the picture. */
function options(size: Size): BrowserContextOptions {
	return {
		...device(size),
		deviceScaleFactor: SCALE[size] ?? 1,
		// A calm still picture: no pulsing dots half-way.
		reducedMotion: 'reduce'
	};
}

async function open(browser: Browser, size: Size, path: string) {
	const context = await browser.newContext({
		...options(size),
		baseURL: test.info().project.use.baseURL
	});
	const page = await context.newPage();
	await page.goto(path);
	return page;
}

/** A participant's own device, as person `i` of the round (the device remembers who they are). */
async function asPerson(browser: Browser, size: Size, r: RealisticRound, i: number) {
	const person = r.people[i]!;
	const key = `kleed:participant:${r.round.code}`;
	const value = JSON.stringify({
		participantId: person.participantId,
		token: person.token,
		name: person.name,
		presence: person.presence
	});
	const context = await browser.newContext({
		...options(size),
		baseURL: test.info().project.use.baseURL
	});
	await context.addInitScript(([key, value]) => window.localStorage.setItem(key, value), [
		key,
		value
	] as const);
	const page = await context.newPage();
	await page.goto(local(r.round.links.participant));
	return page;
}

/** The first screen only, as a person sees it before scrolling. */
async function shot(page: Page, name: string) {
	await page.evaluate(async () => {
		await document.fonts.ready;
		window.scrollTo(0, 0);
	});
	// Two frames: the last update from the server is painted.
	await page.evaluate(
		() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
	);
	await page.screenshot({ path: `${OUT}/${name}.png`, animations: 'disabled', caret: 'hide' });
}

test('the first screen of every device, at every moment of a realistic round', async ({
	browser
}) => {
	test.setTimeout(600_000);
	mkdirSync(OUT, { recursive: true });
	const origin = new URL(test.info().project.use.baseURL!).origin;

	const start = await open(browser, 'tablet', '/');
	await shot(start, 'start');
	await start.setViewportSize(SIZES.phone);
	await shot(start, 'start-phone');

	const r = await realisticRound(origin, { upTo: 'opening' });
	const join = await open(browser, 'phone', local(r.round.links.participant));
	await expect(join.getByLabel('Je naam')).toBeVisible();
	await shot(join, 'join-phone');

	const projector = await open(browser, 'projector', local(r.round.links.projector));
	const projectorHd = await open(browser, 'projectorHd', local(r.round.links.projector));
	const laptop = await open(browser, 'laptop', local(r.round.links.facilitator));
	// Anna (the second one) tells the story the round picks; Bram is at home, on a phone.
	const tablet = await asPerson(browser, 'tablet', r, 1);
	const phone = await asPerson(browser, 'phone', r, 6);
	const shared = await open(browser, 'tablet', local(r.round.links.tablet));
	const trainer = await open(browser, 'laptop', local(r.round.links.observer));
	const pages = { projector, projectorHd, laptop, tablet, phone };

	const at = async (moment: Moment) => {
		await r.to(moment);
		const step = STEP_NAME[moment];
		for (const page of [laptop, tablet, phone]) {
			await expect(page.getByText(step).first()).toBeVisible();
		}
		for (const [name, page] of Object.entries(pages)) await shot(page, `${name}-${moment}`);
	};

	await at('opening');
	await at('choice');
	await at('vote');
	await shot(shared, 'shared-tablet-vote');
	await at('tie');
	// The facilitator picks one of the two; its owner is asked on her own tablet.
	const picked = await r.steer({ type: 'choice.pick', storyId: r.stories[1]! });
	expect(picked.ok).toBe(true);
	await expect(
		tablet.getByRole('heading', { name: 'Wil je hier meer over vertellen?' })
	).toBeVisible();
	await shot(tablet, 'tablet-consent');
	await at('chosen');
	await shot(trainer, 'observer-chosen');
	await at('deepening');
	await at('broadening');
	await at('closing');
	await r.to('ended');
	await expect(laptop.getByRole('region', { name: 'Samenvatting' })).toBeVisible();
	for (const [name, page] of Object.entries(pages)) await shot(page, `${name}-ended`);
	r.close();
});

/** A practice round (#16) made through the API, as "Oefenen" makes it. */
async function practiceRound(origin: string, language: 'nl' | 'tr', neighbours: number) {
	const res = await fetch(`${origin}/api/rounds`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.16.0.${neighbours}` },
		body: JSON.stringify({
			title: language === 'tr' ? 'Alıştırma turu' : 'Oefenronde',
			practice: { neighbours, language, speed: 'fast', situations: ['tie'] }
		})
	});
	expect(res.status).toBe(201);
	return (await res.json()) as {
		code: string;
		facilitatorKey: string;
		links: Record<string, string>;
	};
}

test("a practice round: its room screen in two languages, and the trainer's demo view", async ({
	browser
}) => {
	test.setTimeout(300_000);
	mkdirSync(OUT, { recursive: true });
	const origin = new URL(test.info().project.use.baseURL!).origin;
	for (const [language, locale] of [
		['nl', 'nl-NL'],
		['tr', 'tr-TR']
	] as const) {
		const round = await practiceRound(origin, language, 10);
		const context = await browser.newContext({
			...options('projector'),
			locale,
			baseURL: test.info().project.use.baseURL
		});
		const screen = await context.newPage();
		await screen.goto(local(round.links.projector!));
		// The neighbours come in and lay things on the kleed (at the fast pace, within seconds).
		// Count the kinds of things on the cloth (one chip per kind), not the seats around it.
		const objects = screen.locator('figure.kleed ul.objects > li');
		await expect(objects).not.toHaveCount(0, { timeout: 60_000 });
		await expect(async () => expect(await objects.count()).toBeGreaterThanOrEqual(5)).toPass({
			timeout: 60_000
		});
		await shot(screen, `practice-projector-${language}`);
		await context.close();
	}

	const round = await practiceRound(origin, 'nl', 8);
	const facilitator = new URL(round.links.facilitator!);
	const steer = await open(browser, 'laptop', facilitator.pathname + facilitator.hash);
	await expect(steer.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	const demo = await open(
		browser,
		'projectorHd',
		`${facilitator.pathname}?alles${facilitator.hash}`
	);
	const tablet = demo.frameLocator('iframe[title^="Tablet van "]');
	await expect(tablet.getByRole('heading', { name: 'Je doet mee' })).toBeVisible({
		timeout: 60_000
	});
	await steer.getByRole('button', { name: 'Volgende stap' }).click();
	// Stories come in; the trainee opens the vote.
	await expect(async () =>
		expect(await steer.getByRole('article').count()).toBeGreaterThanOrEqual(3)
	).toPass({ timeout: 60_000 });
	await steer.getByRole('button', { name: 'Stemmen openen' }).click();
	await expect(tablet.getByRole('button', { name: /^Hart voor:/ }).first()).toBeVisible();
	await shot(demo, 'practice-demo');
});
