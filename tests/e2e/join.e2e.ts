import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	TABLET,
	createRound,
	expectStep,
	joinAs,
	local,
	holdApp,
	newPage,
	open,
	participant,
	showFoot,
	type CreatedRound
} from './helpers';
import { intents } from '../helpers/intents.ts';
import { provider, synced } from '../helpers/server.ts';
import type { Intent } from '../../src/lib/round/intents.ts';

/** Steers the round as a facilitator's device does, over the relay (not through the console). */
async function steer(round: CreatedRound, ...list: Intent[]) {
	const port = Number(new URL(test.info().project.use.baseURL!).port);
	const f = provider(port, round.code, round.facilitatorKey);
	try {
		await synced(f.provider);
		const send = intents(f.provider);
		for (const intent of list) expect(await send(intent)).toMatchObject({ ok: true });
	} finally {
		f.destroy();
	}
}

const PHONE = { ...TABLET, viewport: { width: 390, height: 844 } };

async function openJoin(page: Page, round: CreatedRound) {
	await page.goto(local(round.links.participant));
	await expect(page.getByLabel('Je naam')).toBeVisible();
}

test('the join form comes with the page, before the app runs; "Meedoen" waits for the app', async ({
	browser
}) => {
	const setup = await newPage(browser, TABLET);
	const round = await createRound(setup);
	// Without JavaScript: what the server sends is all there is.
	const bare = await newPage(browser, { ...TABLET, javaScriptEnabled: false });
	await bare.goto(local(round.links.participant));
	await expect(bare.getByLabel('Je naam')).toBeVisible();
	await expect(bare.getByRole('radio', { name: /^In de zaal/ })).toBeVisible();
	await expect(bare.getByRole('button', { name: 'Meedoen' })).toBeDisabled();
	// With it: filled in while the app's code is still on its way, sent once the app runs.
	const tablet = await newPage(browser, TABLET);
	const { release } = await holdApp(tablet);
	await tablet.goto(local(round.links.participant));
	await tablet.getByLabel('Je naam').fill('Anna');
	await tablet.getByRole('radio', { name: /^In de zaal/ }).tap();
	await expect(tablet.getByRole('button', { name: 'Meedoen' })).toBeDisabled();
	release();
	await tablet.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(tablet.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	await expect(tablet.getByText('Je naam: Anna')).toBeVisible();
});

test('the start page is drawn before the app runs; its buttons wait for it, and nothing typed is lost', async ({
	browser
}) => {
	const setup = await newPage(browser, TABLET);
	const round = await createRound(setup);
	const tablet = await newPage(browser, TABLET);
	const { release } = await holdApp(tablet);
	await tablet.goto('/');
	const field = tablet.getByLabel('Code van de ronde');
	await field.fill(round.code.toLowerCase());
	await expect(tablet.getByRole('button', { name: 'Meedoen' })).toBeDisabled();
	await expect(tablet.getByRole('button', { name: 'Nieuwe ronde' })).toBeDisabled();
	// Enter with the button still waiting: not sent as a plain form (which reloaded the page and
	// lost the code).
	await field.press('Enter');
	await expect(tablet).toHaveURL(/\/$/);
	await expect(field).toHaveValue(round.code.toLowerCase());
	release();
	await tablet.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(tablet).toHaveURL(new RegExp(`/r/${round.code}$`));
	await expect(tablet.getByLabel('Je naam')).toBeVisible();
});

test('a name of only invisible characters is refused with a clear message', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	const page = await newPage(browser, PHONE);
	await openJoin(page, round);
	await page.getByLabel('Je naam').fill('\u200B\u200B\u3164\u200D');
	await page.getByRole('radio', { name: /^In de zaal/ }).tap();
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByRole('alert')).toHaveText('Vul je naam in.');
	await expect(page.getByLabel('Je naam')).toBeFocused();
	await expect(page.getByRole('heading', { name: 'Je doet mee' })).toHaveCount(0);
	// The server says the same to anyone who skips the form.
	const res = await page.request.post(`/api/rounds/${round.code}/participants`, {
		data: { name: '\u200B\uFEFF', presence: 'room' }
	});
	expect(res.status()).toBe(400);
});

test('a round that has ended says so kindly, and does not take or count anyone new', async ({
	browser
}) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	const anna = await participant(browser, round, 'Anna');
	const late = await newPage(browser, PHONE);
	await openJoin(late, round);
	await steer(round, { type: 'round.end' });
	await expect(anna.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();

	await joinAs(late, 'Laat', 'In de zaal').catch(() => undefined);
	await expect(late.getByText('Deze ronde is al afgelopen. Meedoen kan niet meer.')).toBeVisible();
	await expect(late.getByRole('heading', { name: 'Je doet mee' })).toHaveCount(0);
	// Anna, who was there, still sees her round.
	await anna.reload();
	await expect(anna.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();
});

test('a long round title wraps on a phone instead of running off the screen', async ({
	browser
}) => {
	const facilitator = await newPage(browser, LAPTOP);
	// One long word (no hyphen to break at), as a name of a place can be.
	const title = 'Luisterronde Zonnebloemoosterparkwijkbuurtkamerdinsdagavondgesprek';
	const round = await createRound(facilitator, title.slice(0, 80));
	const page = await newPage(browser, PHONE);
	await openJoin(page, round);
	const shown = page.getByText(title.slice(0, 40));
	await expect(shown).toBeVisible();
	const fits = await page.evaluate(
		() => document.documentElement.scrollWidth <= document.documentElement.clientWidth
	);
	expect(fits).toBe(true);
	// Nothing cut off inside the title's own box either.
	expect(await shown.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
	await page.screenshot({ path: '/tmp/sturdy-join-title.png' });
});

test('two people with the same name are told apart on every page', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const first = await participant(browser, round, 'Anna');
	const second = await participant(browser, round, 'Anna', 'Thuis');
	const projector = await open(
		browser,
		{ viewport: { width: 1920, height: 1080 } },
		round.links.projector
	);
	// On a participant's page the people are at its foot (loaded when scrolled to).
	for (const page of [first, second]) await showFoot(page);
	for (const page of [facilitator, first, second, projector]) {
		await expect(page.getByText('Anna (2)').first()).toBeVisible();
	}
});

test("a step's timer shows in its own step only, also once it ran out", async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const anna = await participant(browser, round, 'Anna');
	const projector = await open(
		browser,
		{ viewport: { width: 1920, height: 1080 } },
		round.links.projector
	);
	const pages = [facilitator, anna, projector];
	await expectStep([anna], 'Opening');
	await steer(
		round,
		{ type: 'timer.set', step: 'opening', seconds: 1 },
		{ type: 'timer.start', step: 'opening' }
	);
	for (const page of pages)
		await expect(page.getByText('De tijd is om', { exact: true })).toBeVisible();
	await steer(round, { type: 'step.set', from: 'opening', to: 'choice' });
	await expectStep([anna, facilitator], 'Verhaalkeuze');
	for (const page of pages) {
		await expect(page.getByRole('timer')).toHaveCount(0);
		await expect(page.getByText('De tijd is om', { exact: true })).toHaveCount(0);
	}
	await facilitator.screenshot({ path: '/tmp/sturdy-timer-facilitator.png', fullPage: true });
	await anna.screenshot({ path: '/tmp/sturdy-timer-later.png', fullPage: true });
});
