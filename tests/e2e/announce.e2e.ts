import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	createRound,
	local,
	newPage,
	nextStep,
	open,
	participant,
	storyCard
} from './helpers';

/** A polite live region on the page (what a screen reader reads out without being asked). */
const live = (page: Page, text: string | RegExp) =>
	page
		.locator('[aria-live="polite"], [role="status"]:not([aria-live="off"])')
		.filter({ hasText: text });

async function expectAnnounced(pages: Page[], text: string | RegExp) {
	for (const page of pages) await expect(live(page, text).first()).toBeAttached();
}

test('screen readers hear step changes, new stories, the result, raised hands and the timer end', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Horen wat er gebeurt');
	await facilitator.goto(local(round.links.facilitator));
	await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	const anna = await participant(browser, round, 'Anna', 'Thuis');
	const bram = await participant(browser, round, 'Bram');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	const all = [facilitator, anna, screen];

	// A raised hand: the facilitator and the room's screen hear who. (The screen must have the
	// round first: what is already there when a page opens is not news.)
	await expect(screen.getByText('Anna').first()).toBeVisible();
	await anna.getByRole('button', { name: 'Hand opsteken' }).tap();
	await expectAnnounced([facilitator, screen], 'Anna steekt een hand op.');

	// The timer ends: everyone who sees it hears it.
	await facilitator.getByLabel('Aantal minuten').fill('0.05');
	await facilitator.getByRole('button', { name: 'Tijd instellen' }).click();
	for (const page of all) await expect(live(page, 'De tijd is om.')).toHaveCount(0);
	await facilitator.getByRole('button', { name: 'Start' }).click();
	await expectAnnounced(all, 'De tijd is om.');

	// A new step.
	await nextStep(facilitator, 'Verhaalkeuze', [anna, screen]);
	await expectAnnounced(all, /Verhaalkeuze/);

	// A new story, told to the others.
	await bram.getByLabel('Wat weegt zwaar voor jou?').fill('Ik slaap slecht');
	await bram.getByRole('button', { name: 'Delen' }).tap();
	await expectAnnounced(all, 'Er is een nieuw verhaal.');
	await anna.getByLabel('Wat weegt zwaar voor jou?').fill('Mijn buurman maakt lawaai');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(screen, 'Mijn buurman')).toBeVisible();

	// The vote opens, and the reveal says the result, not only that there is one.
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await expectAnnounced(all, 'Het stemmen is begonnen.');
	await anna.getByRole('button', { name: 'Hart voor: Ik slaap slecht' }).tap();
	await bram.getByRole('button', { name: 'Hart voor: Ik slaap slecht' }).tap();
	await expect(facilitator.getByText('2 van de 2 hebben gestemd')).toBeVisible();
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await expectAnnounced(all, 'Uitslag: de meeste harten (2) zijn voor: Ik slaap slecht');
	// Bram's own tablet asks him, out loud too.
	await expectAnnounced([bram], 'De groep koos jouw verhaal.');
});

test('a participant lands on the new step: focus moves to its heading', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();

	// The join form: the name field has focus from the start.
	const page = await open(browser, LAPTOP, round.links.participant);
	await expect(page.getByLabel('Je naam')).toBeFocused();
	// An empty name: the error is said, linked to the field, and the field keeps focus.
	await page.getByRole('radio', { name: /^In de zaal/ }).check();
	await page.keyboard.press('Shift+Tab');
	await page.getByRole('button', { name: 'Meedoen' }).click();
	const name = page.getByLabel('Je naam');
	await expect(name).toBeFocused();
	await expect(name).toHaveAttribute('aria-invalid', 'true');
	await expect(name).toHaveAccessibleDescription(/Vul je naam in/);
	await name.fill('Anna');
	await page.getByRole('button', { name: 'Meedoen' }).click();
	await expect(page.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	// Opening the page is not a step change: focus is not moved on load.
	await expect(page.getByRole('heading', { name: 'Opening' })).not.toBeFocused();

	await nextStep(facilitator, 'Verhaalkeuze', [page]);
	await expect(page.getByRole('heading', { name: 'Verhaalkeuze' })).toBeFocused();
	await nextStep(facilitator, 'Verdieping', [page]);
	await expect(page.getByRole('heading', { name: 'Verdieping' })).toBeFocused();
});
