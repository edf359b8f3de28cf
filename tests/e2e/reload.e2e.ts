import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	OBSERVED,
	PROJECTOR,
	TABLET,
	createRound,
	expectStep,
	local,
	newPage,
	nextStep,
	open,
	participant,
	storyCard
} from './helpers';

const heart = (page: Page, story: string) =>
	page.getByRole('button', { name: `Hart voor: ${story}` });
const timer = (page: Page, step: string) =>
	page.getByRole('timer', { name: `Tijd over voor ${step}` });

test('every device comes back as it was after a reload in the middle of a vote', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const anna = await participant(browser, round, 'Anna');
	const bram = await participant(browser, round, 'Bram', 'Thuis');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	const shared = await open(browser, TABLET, round.links.tablet);
	const trainer = await open(browser, LAPTOP, round.links.observer);

	await anna.getByRole('button', { name: 'Bloem' }).tap();
	await nextStep(facilitator, 'Verhaalkeuze', [anna, bram, screen, trainer]);
	await facilitator.getByLabel('Aantal minuten').fill('5');
	await facilitator.getByRole('button', { name: 'Tijd instellen' }).click();
	await facilitator.getByRole('button', { name: 'Start' }).click();

	await anna.getByLabel('Wat weegt zwaar voor jou?').fill('Mijn hond is ziek');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await bram.getByLabel('Wat weegt zwaar voor jou?').fill('Ik zoek werk');
	await bram.getByRole('button', { name: 'Delen' }).tap();
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await heart(anna, 'Ik zoek werk').tap();
	await expect(heart(anna, 'Ik zoek werk')).toHaveAttribute('aria-pressed', 'true');
	await expect(facilitator.getByText('1 van de 2 hebben gestemd')).toBeVisible();

	for (const page of [anna, bram, facilitator, screen, shared, trainer]) await page.reload();

	// Anna: still herself, her story still hers, her heart still where she put it.
	await expect(anna.getByText('Je naam: Anna')).toBeVisible();
	await expectStep([anna], 'Verhaalkeuze');
	await expect(heart(anna, 'Ik zoek werk')).toHaveAttribute('aria-pressed', 'true');
	await expect(heart(anna, 'Mijn hond is ziek')).toHaveAttribute('aria-pressed', 'false');
	await expect(anna.getByText('Je hart is gegeven.', { exact: false })).toBeVisible();
	await expect(timer(anna, 'Verhaalkeuze')).toHaveText(/^\s*4:[45]\d\s*$/);
	// Bram has not voted; his page says so, and shows no heart of anyone else.
	await expect(heart(bram, 'Ik zoek werk')).toHaveAttribute('aria-pressed', 'false');
	await expect(bram.getByText('Je hebt je hart nog niet gegeven.')).toBeVisible();

	// The facilitator, the screen, the shared tablet and the trainer pick up where they were.
	await expectStep([facilitator, screen, trainer], 'Verhaalkeuze');
	await expect(facilitator.getByText('1 van de 2 hebben gestemd')).toBeVisible();
	await expect(facilitator.getByRole('button', { name: 'Uitslag tonen' })).toBeVisible();
	await expect(screen.getByText('1 van de 2 hebben gestemd')).toBeVisible();
	await expect(storyCard(screen, 'Mijn hond is ziek')).toBeVisible();
	await expect(timer(screen, 'Verhaalkeuze')).toHaveText(/^\s*4:[45]\d\s*$/);
	await expect(shared.getByRole('heading', { name: 'Wie stemt nu?' })).toBeVisible();
	await expect(trainer.getByRole('complementary', { name: /wat doe je nu\?/ })).toBeVisible();
	for (const page of [anna, bram, facilitator, screen, shared, trainer]) {
		await expect(page.getByText(OBSERVED)).toBeVisible();
	}

	// The flower Anna laid in the Opening is still on the kleed.
	await facilitator.getByRole('button', { name: 'Vorige stap' }).click();
	await expectStep([screen], 'Opening');
	await expect(screen.getByRole('list', { name: 'Op het kleed' })).toContainText('Bloem van Anna');
});
