import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	createRound,
	expectStep,
	heartTotals,
	local,
	newPage,
	nextStep,
	open,
	participant,
	storyCard
} from './helpers';

const heart = (page: Page, story: string) =>
	page.getByRole('button', { name: `Hart voor: ${story}` });
const question = (page: Page) =>
	page.getByRole('heading', { name: 'Wil je hier meer over vertellen?' });
const chosen = (page: Page) => page.getByRole('region', { name: 'Het gekozen verhaal' });

async function post(page: Page, text: string) {
	await page.getByLabel('Wat weegt zwaar voor jou?').fill(text);
	await page.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(page, text)).toContainText('Jouw verhaal');
}

test('a tie: vote again among the tied stories, pick one, "no" moves on, the facilitator answers for a story without a name', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const anna = await participant(browser, round, 'Anna');
	const bram = await participant(browser, round, 'Bram', 'Thuis');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	await nextStep(facilitator, 'Verhaalkeuze', [anna, bram, screen]);

	await post(anna, 'Mijn fiets is gestolen');
	await post(bram, 'Mijn zus belt nooit meer');
	await facilitator.getByLabel('Het verhaal, kort').fill('Geldzorgen');
	await facilitator.getByRole('button', { name: 'Verhaal toevoegen' }).click();
	await expect(storyCard(anna, 'Geldzorgen')).toContainText('Zonder naam');

	// One heart each: a tie.
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await heart(anna, 'Mijn fiets is gestolen').tap();
	await heart(bram, 'Mijn zus belt nooit meer').tap();
	await expect(facilitator.getByText('2 van de 2 hebben gestemd')).toBeVisible();
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await expect(facilitator.getByRole('heading', { name: 'Gelijke stand' })).toBeVisible();
	// The room's screen says so, and shows only the tied stories, large (#14).
	await expect(screen.getByText('Gelijke stand').first()).toBeVisible();
	await expect(storyCard(screen, 'Mijn fiets')).toContainText('1 hart');
	await expect(storyCard(screen, 'Mijn zus')).toContainText('1 hart');
	await expect(storyCard(screen, 'Geldzorgen')).toHaveCount(0);
	// Nobody is asked yet: the facilitator decides first.
	for (const page of [anna, bram]) await expect(question(page)).toHaveCount(0);

	// Vote again, among the two tied stories only.
	await facilitator.getByRole('button', { name: 'Opnieuw stemmen tussen deze verhalen' }).click();
	await expect(heart(anna, 'Mijn fiets is gestolen')).toBeVisible();
	await expect(heart(anna, 'Mijn zus belt nooit meer')).toBeVisible();
	await expect(heart(anna, 'Geldzorgen')).toHaveCount(0);
	// A new vote: last round's heart is gone, and so are the totals.
	await expect(heart(anna, 'Mijn fiets is gestolen')).toHaveAttribute('aria-pressed', 'false');
	await expect(heartTotals(anna)).toHaveCount(0);
	await heart(anna, 'Mijn zus belt nooit meer').tap();
	await heart(bram, 'Mijn fiets is gestolen').tap();
	await expect(facilitator.getByText('2 van de 2 hebben gestemd')).toBeVisible();
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();

	// Still a tie: the facilitator picks one.
	await facilitator.getByRole('button', { name: 'Kies: Mijn fiets is gestolen' }).click();
	await expect(question(anna)).toBeVisible();
	await expect(question(bram)).toHaveCount(0);
	await expect(screen.getByText('Even wachten', { exact: false })).toBeVisible();

	// Anna would rather not: the next story is proposed, and only Bram is asked.
	await anna.getByRole('button', { name: 'Nee', exact: true }).tap();
	await expect(question(anna)).toHaveCount(0);
	await expect(question(bram)).toBeVisible();
	await expect(facilitator.getByText('We wachten op het antwoord van Bram.')).toBeVisible();
	await bram.getByRole('button', { name: 'Nee', exact: true }).tap();
	await expect(question(bram)).toHaveCount(0);
	await expect(
		facilitator.getByText('Er is nu geen verhaal gekozen.', { exact: false })
	).toBeVisible();

	// The story without a name: the facilitator asks in the circle and records the answer.
	await storyCard(facilitator, 'Geldzorgen')
		.getByRole('button', { name: 'Kies dit verhaal' })
		.click();
	await expect(
		facilitator.getByText('Dit verhaal heeft geen naam.', { exact: false })
	).toBeVisible();
	await facilitator.getByRole('button', { name: 'Antwoord: ja' }).click();
	for (const page of [facilitator, anna, bram, screen]) {
		await expect(chosen(page)).toContainText('Geldzorgen');
	}
	await nextStep(facilitator, 'Verdieping', [anna, bram, screen]);
	await expect(chosen(screen)).toContainText('Geldzorgen');
	await expect(chosen(screen)).not.toContainText('Van ');
});

test('a room without tablets counts hands; names can be hidden on the projector', async ({
	browser
}) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const anna = await participant(browser, round, 'Anna');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	await expect(screen.getByRole('list', { name: 'Rond het kleed' })).toContainText('Anna');
	await facilitator.getByLabel('Namen verbergen op het scherm').check();
	await expect(screen.getByRole('list', { name: 'Rond het kleed' })).toHaveCount(0);

	await nextStep(facilitator, 'Verhaalkeuze', [anna, screen]);
	await post(anna, 'Ik voel me vaak alleen');
	await facilitator.getByLabel('Van wie is het verhaal?').selectOption({ label: 'Anna' });
	await facilitator.getByLabel('Het verhaal, kort').fill('Dit is een tweede verhaal');
	await facilitator.getByRole('button', { name: 'Verhaal toevoegen' }).click();
	// Names hidden: the projector shows the stories, not whose they are.
	await expect(storyCard(screen, 'Ik voel me vaak alleen')).toBeVisible();
	await expect(storyCard(screen, 'Ik voel me vaak alleen')).not.toContainText('Anna');
	await expect(storyCard(facilitator, 'Ik voel me vaak alleen')).toContainText('Anna');

	await facilitator.getByText('Handen tellen (zonder tablets)').click();
	await facilitator.getByLabel('Ik voel me vaak alleen').fill('5');
	await facilitator.getByLabel('Dit is een tweede verhaal').fill('2');
	await facilitator.getByRole('button', { name: 'Uitslag opslaan' }).click();
	await expect(storyCard(anna, 'Ik voel me vaak alleen')).toContainText('5 harten');
	await expect(storyCard(screen, 'Dit is een tweede verhaal')).toContainText('2 harten');
	await expect(question(anna)).toBeVisible();
	await anna.getByRole('button', { name: 'Ja', exact: true }).tap();
	await expect(chosen(screen)).toContainText('Ik voel me vaak alleen');
	await expect(chosen(screen)).not.toContainText('Anna');
	await expectStep([screen], 'Verhaalkeuze');
});
