import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	TABLET,
	createRound,
	expectStep,
	joinAs,
	local,
	holdApp,
	newPage,
	nextStep,
	open,
	storyCard
} from './helpers';

/** The texts as the translators wrote them, so a changed word does not break these tests. */
const text = (locale: string, key: string): string =>
	(JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8')) as Record<string, string>)[key]!;

/** Each language by its own name, in its own script. */
const LANGUAGES = [
	{ locale: 'nl', name: 'Nederlands', dir: 'ltr' },
	{ locale: 'en', name: 'English', dir: 'ltr' },
	{ locale: 'tr', name: 'Türkçe', dir: 'ltr' },
	{ locale: 'ar', name: 'العربية', dir: 'rtl' }
] as const;

/** The big language buttons on the start and join page. */
const languageButtons = (page: Page): Locator =>
	page.getByRole('group', { name: /Taal.*Language.*Dil.*اللغة/ });

/** The language menu in the header of every page (and on the projector). */
async function chooseInMenu(page: Page, name: string) {
	await page.locator('details.language-menu > summary').click();
	await page.locator('details.language-menu').getByRole('button', { name, exact: true }).click();
}

async function expectLanguage(page: Page, locale: string, dir: string) {
	await expect(page.locator('html')).toHaveAttribute('lang', locale);
	await expect(page.locator('html')).toHaveAttribute('dir', dir);
}

async function box(locator: Locator) {
	await expect(locator).toBeVisible();
	const b = await locator.boundingBox();
	expect(b).not.toBeNull();
	return b!;
}

test('each language is picked on the join page by its own name, and the choice stays on this device', async ({
	browser
}) => {
	const page = await newPage(browser, TABLET);
	const round = await createRound(page);
	await page.goto(local(round.links.participant));

	await expectLanguage(page, 'nl', 'ltr');
	const buttons = languageButtons(page);
	for (const { locale, name, dir } of LANGUAGES) {
		const button = buttons.getByRole('button', { name, exact: true });
		await expect(button).toHaveAttribute('lang', locale);
		await expect(button).toHaveAttribute('dir', dir);
		// Big enough for a finger.
		const { height, width } = await box(button);
		expect(height).toBeGreaterThanOrEqual(48);
		expect(width).toBeGreaterThanOrEqual(48);
	}
	await expect(buttons.getByRole('button', { name: 'Nederlands' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	for (const { locale, name, dir } of [...LANGUAGES.slice(1), LANGUAGES[0]]) {
		await languageButtons(page).getByRole('button', { name, exact: true }).click();
		await expectLanguage(page, locale, dir);
		await expect(page.getByRole('heading', { name: text(locale, 'join_heading') })).toBeVisible();
		await expect(page.getByLabel(text(locale, 'join_name_label'))).toBeVisible();
		await expect(languageButtons(page).getByRole('button', { name, exact: true })).toHaveAttribute(
			'aria-pressed',
			'true'
		);
	}

	// Turkish, then a reload: still Turkish.
	await languageButtons(page).getByRole('button', { name: 'Türkçe' }).click();
	await expectLanguage(page, 'tr', 'ltr');
	await page.reload();
	await expectLanguage(page, 'tr', 'ltr');
	await expect(page.getByRole('heading', { name: text('tr', 'join_heading') })).toBeVisible();

	// The start page of the same device too; another device keeps its own language.
	await page.goto('/');
	await expectLanguage(page, 'tr', 'ltr');
	await expect(page.getByText(text('tr', 'start_intro'))).toBeVisible();
	const other = await open(browser, TABLET, round.links.participant);
	await expectLanguage(other, 'nl', 'ltr');
	await expect(other.getByRole('heading', { name: 'Meedoen' })).toBeVisible();
});

test('a name half typed on the join page stays when the language changes', async ({ browser }) => {
	const page = await newPage(browser, TABLET);
	const round = await createRound(page);
	await page.goto(local(round.links.participant));
	await page.getByLabel(text('nl', 'join_name_label')).fill('Fatma');
	await languageButtons(page).getByRole('button', { name: 'Türkçe', exact: true }).click();
	await expectLanguage(page, 'tr', 'ltr');
	await expect(page.getByLabel(text('tr', 'join_name_label'))).toHaveValue('Fatma');

	// A draft lives for that reload only: one older than a minute is not put back, but dropped.
	await page.evaluate(() =>
		sessionStorage.setItem(
			'kleed:drafts',
			JSON.stringify({ at: Date.now() - 120_000, values: { 'join-name': 'Oud' } })
		)
	);
	await page.reload();
	// The form is drawn by the server: it is empty before the app runs and takes drafts back.
	// Once "Meedoen" works, the app has run, and the old draft must still not be in the field.
	await expect(page.getByRole('button', { name: text('tr', 'join_button') })).toBeEnabled();
	await expect(page.getByLabel(text('tr', 'join_name_label'))).toHaveValue('');
	expect(await page.evaluate(() => sessionStorage.getItem('kleed:drafts'))).toBeNull();
});

test('a language tapped before the app runs is chosen once it runs, with the name typed before it', async ({
	browser
}) => {
	const setup = await newPage(browser, TABLET);
	const round = await createRound(setup);
	// An old tablet: the page is on screen, the app's code still on its way.
	const page = await newPage(browser, TABLET);
	const { release } = await holdApp(page);
	await page.goto(local(round.links.participant));
	await page.getByLabel(text('nl', 'join_name_label')).fill('Fatma');
	const arabic = languageButtons(page).getByRole('button', { name: 'العربية', exact: true });
	await arabic.tap();
	// The tap is seen at once (the app is not there yet to act on it).
	await expect(arabic).toHaveAttribute('aria-pressed', 'true');
	await expect(
		languageButtons(page).getByRole('button', { name: 'Nederlands', exact: true })
	).toHaveAttribute('aria-pressed', 'false');
	await expectLanguage(page, 'nl', 'ltr');
	await expect(page.getByRole('button', { name: text('nl', 'join_button') })).toBeDisabled();
	release();
	await expectLanguage(page, 'ar', 'rtl');
	await expect(page.getByRole('heading', { name: text('ar', 'join_heading') })).toBeVisible();
	await expect(page.getByLabel(text('ar', 'join_name_label'))).toHaveValue('Fatma');
	await expect(page.getByRole('button', { name: text('ar', 'join_button') })).toBeEnabled();
	// Once the app runs, a tap acts at once, as before.
	await languageButtons(page).getByRole('button', { name: 'English', exact: true }).tap();
	await expectLanguage(page, 'en', 'ltr');
	await expect(page.getByLabel(text('en', 'join_name_label'))).toHaveValue('Fatma');
});

test('a participant who switches language in the middle of a round stays in it', async ({
	browser
}) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const anna = await open(browser, TABLET, round.links.participant);
	await joinAs(anna, 'Anna', 'In de zaal');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	await nextStep(facilitator, 'Verhaalkeuze', [anna, screen]);
	// Anna is typing her story when she changes the language: the page reloads, her text stays.
	const story = 'Mijn buurman groet me niet meer';
	await anna.getByLabel(text('nl', 'story_label')).fill(story);

	// By keyboard: open the menu in the header, Escape closes it, then Tab to English.
	const summary = anna.locator('header details.language-menu > summary');
	const menu = anna
		.locator('header details.language-menu')
		.getByRole('button', { name: 'English' });
	await summary.focus();
	await anna.keyboard.press('Enter');
	await expect(menu).toBeVisible();
	await anna.keyboard.press('Escape');
	await expect(menu).toBeHidden();
	await expect(summary).toBeFocused();
	await anna.keyboard.press('Enter');
	await anna.keyboard.press('Tab');
	await anna.keyboard.press('Tab');
	await expect(menu).toBeFocused();
	await anna.keyboard.press('Enter');
	await expectLanguage(anna, 'en', 'ltr');
	await expect(anna.getByRole('heading', { name: text('en', 'joined_heading') })).toBeVisible();
	await expect(anna.getByText(text('en', 'joined_as').replace('{name}', 'Anna'))).toBeVisible();
	await expect(anna.getByLabel(text('en', 'story_label'))).toHaveValue(story);
	// Kept for that reload only: once back in its field, it is gone from the tab's storage.
	expect(await anna.evaluate(() => sessionStorage.getItem('kleed:drafts'))).toBeNull();
	await expect(anna.getByRole('button', { name: text('en', 'story_post') })).toBeEnabled();
	// Still the same person in the same step, and still live: her story reaches the others.
	const people = facilitator.getByRole('region', { name: /Wie doen er mee/ }).getByRole('listitem');
	await expect(people).toHaveCount(1);
	await expect(people).toContainText('online');
	await expect(
		anna
			.getByRole('navigation', { name: text('en', 'steps_nav_label') })
			.locator('[aria-current="step"]')
	).toHaveText(new RegExp(text('en', 'step_choice')));
	await anna.getByLabel(text('en', 'story_label')).fill('Mijn fiets is gestolen');
	await anna.getByRole('button', { name: text('en', 'story_post'), exact: true }).tap();
	await expect(storyCard(facilitator, 'Mijn fiets is gestolen')).toContainText('Anna');

	// The projector follows its own choice, not the facilitator's, and the other way round.
	await chooseInMenu(screen, 'English');
	await expectLanguage(screen, 'en', 'ltr');
	await expect(screen.getByText(text('en', 'projector_join_go'))).toBeVisible();
	await expect(storyCard(screen, 'Mijn fiets is gestolen')).toBeVisible();
	await expectLanguage(facilitator, 'nl', 'ltr');
	await expectStep([facilitator], 'Verhaalkeuze');
});

test('Arabic is mirrored, and what people type shows as they typed it', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));

	const layla = await open(browser, TABLET, round.links.participant);
	const width = TABLET.viewport!.width;
	const brand = layla.locator('.app-header .brand');
	// Dutch: the brand at the left, the first language (Nederlands) left of the next one.
	expect((await box(brand)).x + (await box(brand)).width / 2).toBeLessThan(width / 2);
	const first = () => languageButtons(layla).getByRole('button', { name: 'Nederlands' });
	const second = () => languageButtons(layla).getByRole('button', { name: 'English' });
	expect((await box(first())).x).toBeLessThan((await box(second())).x);

	await languageButtons(layla).getByRole('button', { name: 'العربية' }).click();
	await expectLanguage(layla, 'ar', 'rtl');
	await expect(layla.getByRole('heading', { name: text('ar', 'join_heading') })).toBeVisible();
	// Arabic: the same things, mirrored.
	expect((await box(brand)).x + (await box(brand)).width / 2).toBeGreaterThan(width / 2);
	expect((await box(first())).x).toBeGreaterThan((await box(second())).x);
	const nameField = layla.getByLabel(text('ar', 'join_name_label'));
	expect((await box(nameField)).x + (await box(nameField)).width).toBeGreaterThan(width * 0.9);
	// The arrow into the door on the join button points the Arabic way.
	const arrow = layla.locator('form button[type="submit"] svg.flip-rtl');
	expect(await arrow.evaluate((el) => getComputedStyle(el).transform)).toBe(
		'matrix(-1, 0, 0, 1, 0, 0)'
	);

	// Layla types her name in Arabic and joins.
	await nameField.fill('ليلى');
	await layla.getByRole('radio', { name: new RegExp(`^${text('ar', 'presence_room')}`) }).tap();
	await layla.getByRole('button', { name: text('ar', 'join_button'), exact: true }).tap();
	await expect(layla.getByRole('heading', { name: text('ar', 'joined_heading') })).toBeVisible();
	await expectLanguage(layla, 'ar', 'rtl');

	// On the Dutch facilitator page her name is Arabic, right to left, inside a Dutch list.
	await expectLanguage(facilitator, 'nl', 'ltr');
	const people = facilitator.getByRole('region', { name: /Wie doen er mee/ });
	const name = people.getByText('ليلى', { exact: true });
	await expect(name).toHaveAttribute('dir', 'auto');
	expect(await name.evaluate((el) => el.matches(':dir(rtl)'))).toBe(true);
	expect(
		await people
			.getByRole('heading', { name: 'Wie doen er mee?' })
			.evaluate((el) => el.matches(':dir(ltr)'))
	).toBe(true);

	// And a Dutch story stays left to right in her Arabic view.
	await nextStep(facilitator, 'Verhaalkeuze');
	await facilitator.getByLabel('Het verhaal, kort').fill('Ik mis mijn moeder');
	await facilitator.getByRole('button', { name: 'Verhaal toevoegen' }).click();
	const story = layla.getByText('Ik mis mijn moeder', { exact: true });
	await expect(story).toHaveAttribute('dir', 'auto');
	expect(await story.evaluate((el) => el.matches(':dir(ltr)'))).toBe(true);
});
