import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	createRound,
	expectStep,
	local,
	newPage,
	nextStep,
	open,
	participant
} from './helpers';

/** The ordered queue as a facilitator or the projector shows it. */
const queue = (page: Page) =>
	page.getByRole('list', { name: 'Handen omhoog, op volgorde' }).getByRole('listitem');
/** The live region that tells screen-reader users about hands. */
const handNews = (page: Page) =>
	page.getByRole('status').filter({ hasText: /hand op|aan het woord/ });
const raise = (page: Page) => page.getByRole('button', { name: 'Hand opsteken' });
const lower = (page: Page) => page.getByRole('button', { name: 'Hand omlaag' });
const place = (page: Page) => page.getByRole('status').filter({ hasText: /Je bent|aan het woord/ });

test('people at home ask for the word; the facilitator gives it, in order, in every step', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const screen = await open(browser, PROJECTOR, round.links.projector);
	const anna = await participant(browser, round, 'Anna', 'Thuis');
	const bram = await participant(browser, round, 'Bram', 'Thuis');
	await expectStep([facilitator, screen, anna, bram], 'Opening');
	await expect(facilitator.getByText('Nu geen handen omhoog.')).toBeVisible();

	// People at home sit around the kleed too, with a little house.
	await expect(screen.getByRole('list', { name: 'Rond het kleed' })).toContainText('Anna (thuis)');

	// Anna first, then Bram.
	await raise(anna).tap();
	await expect(place(anna)).toHaveText('Je hand is omhoog. Je bent 1e in de rij.');
	// Screen-reader users on the facilitator's laptop and the projector hear it.
	await expect(handNews(facilitator)).toHaveText('Anna steekt een hand op.');
	await expect(handNews(screen)).toHaveText('Anna steekt een hand op.');
	await raise(bram).tap();
	await expect(place(bram)).toContainText('Je bent 2e');
	await expect(handNews(facilitator)).toHaveText(/^Bram steekt een hand op\.\s?$/);
	for (const page of [facilitator, screen]) {
		await expect(queue(page)).toHaveText([/Anna/, /Bram/]);
	}
	await expect(queue(screen).first()).toContainText('thuis');

	// Anna lowers her own hand: Bram moves up.
	await lower(anna).tap();
	await expect(raise(anna)).toBeVisible();
	await expect(place(bram)).toContainText('Je bent 1e');
	await expect(queue(facilitator)).toHaveText([/Bram/]);
	await expect(queue(screen)).toHaveText([/Bram/]);

	// Hands work in every step. Raising again puts Anna at the back, as in a real circle.
	await nextStep(facilitator, 'Verhaalkeuze', [screen, anna, bram]);
	await raise(anna).tap();
	await expect(place(anna)).toContainText('Je bent 2e');
	for (const page of [facilitator, screen]) {
		await expect(queue(page)).toHaveText([/Bram/, /Anna/]);
	}

	// A hand lives in the round, not in the tablet: Bram reloads and is still first.
	await bram.reload();
	await expect(bram.getByText('Je naam: Bram')).toBeVisible();
	await expect(lower(bram)).toBeVisible();
	await expect(place(bram)).toContainText('Je bent 1e');
	await expect(queue(facilitator)).toHaveText([/Bram/, /Anna/]);

	// The facilitator gives the word to the first: Bram.
	await facilitator.getByRole('button', { name: 'Geef het woord aan Bram' }).click();
	await expect(place(bram)).toHaveText('Jij bent aan het woord.');
	await expect(raise(bram)).toBeVisible();
	for (const page of [facilitator, screen]) {
		await expect(page.getByText('Aan het woord: Bram')).toBeVisible();
		await expect(queue(page)).toHaveText([/Anna/]);
	}
	await expect(anna.getByText('Aan het woord: Bram')).toBeVisible();
	await expect(place(anna)).toContainText('Je bent 1e');
	await expect(handNews(screen)).toContainText('Bram is aan het woord.');

	// The facilitator can lower one hand, and then all of them.
	await raise(bram).tap();
	await expect(queue(facilitator)).toHaveText([/Anna/, /Bram/]);
	await facilitator.getByRole('button', { name: 'Hand van Anna omlaag' }).click();
	await expect(raise(anna)).toBeVisible();
	await expect(queue(screen)).toHaveText([/Bram/]);
	await raise(anna).tap();
	await expect(queue(facilitator)).toHaveText([/Bram/, /Anna/]);
	await facilitator.getByRole('button', { name: 'Alle handen omlaag' }).click();
	for (const page of [facilitator, screen]) {
		await expect(queue(page)).toHaveCount(0);
		await expect(page.getByText('Nu geen handen omhoog.')).toBeVisible();
		await expect(page.getByText('Aan het woord: Bram')).toHaveCount(0);
	}
	await expect(raise(anna)).toBeVisible();
	await expect(raise(bram)).toBeVisible();
	await expect(anna.getByText(/Je bent \d+e in de rij/)).toHaveCount(0);
});
