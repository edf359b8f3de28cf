import { expect, type Locator, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	TABLET,
	createRound,
	local,
	newPage,
	nextStep,
	open,
	participant
} from './helpers';

/** The list of people on a page ("Wie doen er mee?"). */
const people = (page: Page) => page.getByRole('region', { name: /Wie doen er mee/ });

/** One number in a list of counts, by its label. */
const count = (region: Locator, page: Page, label: string) =>
	region
		.locator('div')
		.filter({ has: page.getByText(label, { exact: true }) })
		.getByRole('definition');

test('the facilitator ends and erases the round; only the counts stay, on that page only', async ({
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

	await anna.getByRole('button', { name: 'Bloem' }).tap();
	await expect(screen.getByRole('list', { name: 'Op het kleed' })).toContainText('Bloem van Anna');
	await people(facilitator)
		.getByRole('listitem')
		.filter({ hasText: 'Bram' })
		.getByRole('checkbox', { name: 'Nieuw (Bram)' })
		.check();

	for (const step of ['Verhaalkeuze', 'Verdieping', 'Verbreding', 'Afsluiting']) {
		await nextStep(facilitator, step, [anna, screen]);
	}
	await facilitator.getByRole('button', { name: 'Ronde afsluiten' }).click();
	await facilitator.getByRole('button', { name: 'Ja, afsluiten' }).click();
	await expect(facilitator.getByRole('region', { name: 'Samenvatting' })).toBeVisible();

	// "Are you sure?" says what happens, for whom, and that it cannot be undone.
	await facilitator.getByRole('button', { name: 'Ronde wissen' }).click();
	const confirm = facilitator.getByRole('dialog', { name: 'Alles wissen?' });
	await expect(confirm).toContainText('voor iedereen');
	await expect(confirm).toContainText('Dit kun je niet ongedaan maken.');
	await confirm.getByRole('button', { name: 'Ja, alles wissen' }).click();

	// The facilitator keeps the counts, read before the erase.
	await expect(facilitator.getByRole('heading', { name: 'De ronde is gewist.' })).toBeVisible();
	const summary = facilitator.getByRole('region', { name: 'Samenvatting' });
	const expected: [string, string][] = [
		['In de zaal', '1'],
		['Thuis', '1'],
		['Voor het eerst erbij', '1'],
		['Op het kleed', '1'],
		['Verhalen', '0']
	];
	for (const [label, value] of expected) {
		await expect(count(summary, facilitator, label)).toHaveText(value);
	}
	await expect(summary).not.toContainText('Anna');

	// Every other device is told, and forgets the round.
	for (const page of [anna, bram, screen, shared]) {
		await expect(
			page.getByRole('heading', { name: 'Deze ronde is afgelopen en gewist.' })
		).toBeVisible();
		await expect(page.getByText('Anna')).toHaveCount(0);
	}
	await anna.reload();
	await expect(anna.getByText('Deze ronde bestaat niet (meer).', { exact: false })).toBeVisible();
	await expect(anna.getByLabel('Je naam')).toHaveCount(0);

	// The participant link on a fresh device: the round does not exist.
	const late = await open(browser, TABLET, round.links.participant);
	await expect(late.getByText('Deze ronde bestaat niet (meer).', { exact: false })).toBeVisible();
	expect((await late.request.get(`/api/rounds/${round.code}`)).status()).toBe(404);

	// The facilitator's link does not open it again either.
	await facilitator.reload();
	await expect(facilitator.getByRole('heading', { name: 'De ronde is gewist.' })).toHaveCount(0);
	await expect(facilitator.getByText('Samenvatting')).toHaveCount(0);
});
