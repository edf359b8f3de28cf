/**
 * Practice rounds (#16), as a trainee alone would run one: "Oefenen" on the start page, six
 * simulated neighbours at the fast pace with a tie and a "no" asked for, all five steps from the
 * console, the recap at the end; and the trainer's demo view with its three live devices. The
 * neighbours are the server's own (server/practice/), acting through the same door as people.
 */
import { expect, type FrameLocator, type Page } from '@playwright/test';
import { test } from './fixtures';
import { Scanner } from './a11y-scan';
import { LAPTOP, PROJECTOR, newPage } from './helpers';

const NOTICE = 'Oefenronde: de buren zijn nagespeeld. Niets wordt bewaard of geteld.';
const people = (page: Page | FrameLocator) =>
	page.getByRole('region', { name: /Wie doen er mee/ }).getByRole('listitem');
const chosen = (page: Page | FrameLocator) =>
	page.getByRole('region', { name: 'Het gekozen verhaal' });
const stepNow = (page: Page | FrameLocator) =>
	page.getByRole('status').filter({ hasText: 'Nu bezig' });

async function makePractice(page: Page, situations: string[]) {
	await page.goto('/');
	const form = page.getByRole('region', { name: 'Oefenen' });
	await form.getByLabel('Hoeveel buren doen mee?').selectOption('6');
	await form.getByLabel('In welke taal praten de buren?').selectOption('nl');
	await form.getByLabel('Snel').check();
	for (const situation of situations) await form.getByLabel(situation).check();
	await form.getByRole('button', { name: 'Oefenronde maken' }).click();
	await expect(page).toHaveURL(/\/begeleider/);
	await expect(page.getByText(NOTICE)).toBeVisible();
}

async function next(facilitator: Page, name: string) {
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await expect(stepNow(facilitator)).toContainText(name);
}

test('a trainee runs a practice round alone: six neighbours at the fast pace, a tie and a "no", all five steps, a recap', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const facilitator = await newPage(browser, LAPTOP);
	await makePractice(facilitator, [
		'Een gelijke stand bij het stemmen',
		'De gekozen persoon zegt nee'
	]);
	const axe = new Scanner();
	await axe.scan(facilitator, 'practice console', 'opening');

	// They come in by themselves, through the same door as people.
	await expect(people(facilitator)).toHaveCount(6, { timeout: 60_000 });
	// The Opening: things on the kleed, good news.
	await expect(
		facilitator.getByRole('list', { name: 'Alles op het kleed' }).getByRole('listitem').first()
	).toBeVisible({ timeout: 60_000 });
	await expect(facilitator.getByText('Om te oefenen:', { exact: false })).toBeVisible();

	// Verhaalkeuze: stories come; then the vote, a tie, a pick, a "no", a yes.
	await next(facilitator, 'Verhaalkeuze');
	const stories = facilitator.getByRole('article');
	await expect(async () => expect(await stories.count()).toBeGreaterThanOrEqual(2)).toPass({
		timeout: 60_000
	});
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await expect(facilitator.getByText(/(\d+) van de \1 hebben gestemd/)).toBeVisible({
		timeout: 60_000
	});
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await expect(facilitator.getByRole('heading', { name: 'Gelijke stand' })).toBeVisible();
	await facilitator
		.getByRole('button', { name: /^Kies: / })
		.first()
		.click();
	// The chosen neighbour says no; the next story's teller says yes.
	await expect(chosen(facilitator)).toBeVisible({ timeout: 60_000 });

	await next(facilitator, 'Verdieping');
	// Hands go up; the trainee gives the word.
	const give = facilitator.getByRole('button', { name: /^Geef het woord aan / }).first();
	await expect(give).toBeVisible({ timeout: 60_000 });
	await give.click();

	await next(facilitator, 'Verbreding');
	await expect(
		facilitator.getByRole('button', { name: /^Geef het woord aan / }).first()
	).toBeVisible({ timeout: 60_000 });
	await next(facilitator, 'Afsluiting');
	await facilitator.getByRole('button', { name: 'Ronde afsluiten' }).click();
	await facilitator.getByRole('button', { name: 'Ja, afsluiten' }).click();

	const recap = facilitator.getByRole('region', { name: 'Zo ging je oefenronde' });
	await expect(recap).toBeVisible();
	await expect(recap).toContainText('Gelijke standen');
	await expect(recap.getByText(/^\d+ keer ja, [1-9]\d* keer nee$/)).toBeVisible();
	await axe.scan(facilitator, 'practice console', 'recap');
	axe.expectClean();
});

test("the demo view shows the console, a neighbour's tablet and the room's screen, live; a real round has none", async ({
	browser
}) => {
	test.setTimeout(120_000);
	const facilitator = await newPage(browser, LAPTOP);
	await makePractice(facilitator, []);
	await expect(people(facilitator)).toHaveCount(6, { timeout: 60_000 });
	const demoLink = facilitator.getByRole('link', { name: 'Alles tegelijk laten zien' });
	const href = await demoLink.getAttribute('href');
	const trainer = await newPage(browser, PROJECTOR);
	// A path of this server (?alles on the facilitator's page, the key in the fragment).
	await trainer.goto(href!);
	const console_ = trainer.frameLocator('iframe[title="Begeleider"]');
	const screen = trainer.frameLocator('iframe[title="Scherm in de zaal"]');
	const tablet = trainer.frameLocator('iframe[title^="Tablet van "]');
	for (const frame of [console_, screen, tablet])
		await expect(
			stepNow(frame)
				.or(frame.getByText('NU BEZIG', { exact: false }))
				.first()
		).toBeVisible();
	await expect(tablet.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();

	// The trainee moves on in their own window: all three follow.
	await next(facilitator, 'Verhaalkeuze');
	for (const frame of [console_, screen, tablet]) {
		await expect(frame.getByText('Verhaalkeuze').first()).toBeVisible();
	}
	// Another neighbour's tablet.
	const pick = trainer.getByLabel('Welke tablet?');
	const options = await pick.locator('option').allTextContents();
	await pick.selectOption({ index: 1 });
	await expect(trainer.locator('iframe[title^="Tablet van "]')).toHaveAttribute(
		'title',
		`Tablet van ${options[1]}`
	);
	await expect(tablet.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();

	const axe = new Scanner();
	await axe.scan(trainer, 'demo view', 'choice');
	axe.expectClean();
	// Everything fits one screen: nothing to scroll.
	expect(await trainer.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(
		1080
	);
});
