import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	createRound,
	expectStep,
	local,
	newPage,
	open,
	participant,
	storyCard
} from './helpers';

/** What has keyboard focus on a page, as a sighted keyboard user and a screen reader see it. */
interface Focused {
	tag: string;
	name: string;
	/** The text of the card (article) or dialog it sits in, to tell equal buttons apart. */
	context: string;
	inDialog: boolean;
	/** A visible focus ring: an outline or a box-shadow on it (or on the tile around a radio). */
	ring: boolean;
}

async function focused(page: Page): Promise<Focused> {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) {
			return { tag: 'BODY', name: '', context: '', inDialog: false, ring: false };
		}
		const labelled = el.getAttribute('aria-labelledby');
		const name = (
			el.getAttribute('aria-label') ??
			(labelled ? document.getElementById(labelled)?.textContent : null) ??
			(el as HTMLInputElement).labels?.[0]?.textContent ??
			el.textContent ??
			''
		)
			.replace(/\s+/g, ' ')
			.trim();
		const hasRing = (node: Element | null) => {
			if (!node) return false;
			const style = getComputedStyle(node);
			return (
				(style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
				style.boxShadow !== 'none'
			);
		};
		return {
			tag: el.tagName,
			name,
			context: el.closest('article, dialog')?.textContent?.replace(/\s+/g, ' ') ?? '',
			inDialog: el.closest('dialog[open]') !== null,
			ring: hasRing(el) || hasRing(el.closest('.tile'))
		};
	});
}

/** Focus is somewhere real (not <body>) and can be seen. */
async function expectVisibleFocus(page: Page, after: string) {
	const now = await focused(page);
	expect(now.tag, `focus fell to <body> after: ${after}`).not.toBe('BODY');
	expect(now.ring, `no focus ring on ${now.tag} "${now.name}" after: ${after}`).toBe(true);
}

/**
 * Presses Tab (or Shift+Tab) until the control named `name` has focus, checking on the way that
 * every stop shows a focus ring. Only the keyboard: no click, no focus().
 */
async function tabTo(
	page: Page,
	name: string | RegExp,
	{ back = false, within }: { back?: boolean; within?: string } = {}
) {
	const wanted = (f: Focused) =>
		(typeof name === 'string' ? f.name === name : name.test(f.name)) &&
		(within === undefined || f.context.includes(within));
	for (let i = 0; i < 250; i++) {
		const now = await focused(page);
		if (i > 0 && now.tag !== 'BODY') {
			expect(now.ring, `no focus ring on ${now.tag} "${now.name}"`).toBe(true);
		}
		if (wanted(now)) return;
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
	}
	throw new Error(`Tab never reached "${name}"`);
}

async function activate(
	page: Page,
	name: string | RegExp,
	options?: { back?: boolean; within?: string }
) {
	await tabTo(page, name, options);
	await page.keyboard.press('Enter');
}

test('the facilitator runs a whole round with the keyboard alone; focus stays visible and in place', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Met het toetsenbord');
	await facilitator.goto(local(round.links.facilitator));
	await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	const anna = await participant(browser, round, 'Anna');
	const bram = await participant(browser, round, 'Bram');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	const f = facilitator;
	await f.bringToFront();

	// The skip link comes first and jumps to the content.
	await f.keyboard.press('Tab');
	expect((await focused(f)).name).toBe('Naar de inhoud');
	await expectVisibleFocus(f, 'the first Tab');

	// The rules: open with Enter, the dialog holds focus, Escape closes it, focus returns.
	await activate(f, 'Afspraken');
	const rules = f.getByRole('dialog', { name: 'Onze afspraken' });
	await expect(rules).toBeVisible();
	for (let i = 0; i < 3; i++) {
		const now = await focused(f);
		expect(now.inDialog, `focus left the open dialog (${i}): ${now.tag} "${now.name}"`).toBe(true);
		await f.keyboard.press('Tab');
	}
	await f.keyboard.press('Escape');
	await expect(rules).toBeHidden();
	expect((await focused(f)).name).toBe('Afspraken');
	await expectVisibleFocus(f, 'closing the rules');

	// A timer: minutes typed, set, started, paused.
	await tabTo(f, 'Aantal minuten');
	await f.keyboard.press('Control+A');
	await f.keyboard.type('5');
	await activate(f, 'Tijd instellen');
	await activate(f, 'Start');
	await expect(screen.getByRole('timer', { name: 'Tijd over voor Opening' })).toHaveText(
		/^\s*(5:00|4:5\d)\s*$/
	);
	await expectVisibleFocus(f, 'starting the timer');
	await activate(f, 'Pauze', { back: true });
	await expect(screen.getByText('De tijd staat stil')).toBeVisible();
	await expectVisibleFocus(f, 'pausing the timer');

	// Dirk has no tablet: added from the keyboard.
	await tabTo(f, 'Iemand zonder tablet toevoegen');
	await f.keyboard.press('Enter');
	await tabTo(f, 'Naam');
	await f.keyboard.type('Dirk');
	await activate(f, 'Toevoegen');
	await expect(screen.getByRole('list', { name: 'Rond het kleed' })).toContainText('Dirk');
	await expectVisibleFocus(f, 'adding Dirk');

	// --- Verhaalkeuze ----------------------------------------------------------------------
	await activate(f, 'Volgende stap', { back: true });
	await expectStep([f, anna, screen], 'Verhaalkeuze');
	await expectVisibleFocus(f, 'the next step');

	for (const [page, text] of [
		[anna, 'Mijn buurman maakt lawaai'],
		[bram, 'Ik slaap slecht']
	] as const) {
		await page.getByLabel('Wat weegt zwaar voor jou?').fill(text);
		await page.getByRole('button', { name: 'Delen' }).tap();
		await expect(storyCard(screen, text)).toBeVisible();
	}

	// A story for Dirk: the select follows the arrow keys.
	await tabTo(f, 'Van wie is het verhaal?');
	for (let i = 0; i < 6; i++) {
		const chosen = await f.getByLabel('Van wie is het verhaal?').evaluate((el) => {
			const select = el as HTMLSelectElement;
			return select.selectedOptions[0]?.textContent?.trim();
		});
		if (chosen === 'Dirk') break;
		await f.keyboard.press('ArrowDown');
	}
	await tabTo(f, 'Het verhaal, kort');
	await f.keyboard.type('Ik mis mijn moeder');
	await activate(f, 'Verhaal toevoegen');
	await expect(storyCard(screen, 'Ik mis mijn moeder')).toContainText('Dirk');
	await expectVisibleFocus(f, 'adding a story for Dirk');

	// Removing a story: focus goes to a neighbour, not to the top of the page.
	await activate(f, 'Weghalen', { back: true, within: 'Mijn buurman' });
	await expect(storyCard(screen, 'Mijn buurman')).toHaveCount(0);
	await expectVisibleFocus(f, 'removing a story');

	// The vote: opened, hearts given on the tablets, revealed.
	await activate(f, 'Stemmen openen');
	await expect(screen.getByText('0 van de 3 hebben gestemd')).toBeVisible();
	await expectVisibleFocus(f, 'opening the vote');
	await anna.getByRole('button', { name: 'Hart voor: Ik mis mijn moeder' }).tap();
	await bram.getByRole('button', { name: 'Hart voor: Ik mis mijn moeder' }).tap();
	await expect(f.getByText('2 van de 3 hebben gestemd')).toBeVisible();
	await activate(f, 'Uitslag tonen');
	await expect(storyCard(screen, 'Ik mis mijn moeder')).toContainText('2 harten');
	await expectVisibleFocus(f, 'the reveal');

	// Dirk has no tablet: the facilitator records his yes.
	await activate(f, 'Antwoord: ja');
	await expect(screen.getByRole('region', { name: 'Het gekozen verhaal' })).toContainText(
		'Ik mis mijn moeder'
	);
	await expectVisibleFocus(f, 'recording consent');

	// --- Verdieping, Verbreding, Afsluiting --------------------------------------------------
	for (const step of ['Verdieping', 'Verbreding', 'Afsluiting']) {
		await activate(f, 'Volgende stap', { back: true });
		await expectStep([f, anna, screen], step);
		// On the last step "Volgende stap" is disabled: focus must land on a neighbour.
		await expectVisibleFocus(f, `moving to ${step}`);
	}
	expect((await focused(f)).name).toBe('Vorige stap');

	// Ending the round: "are you sure?" and the way back, then yes.
	await activate(f, 'Ronde afsluiten');
	await expect(f.getByText('Weet je het zeker?', { exact: false })).toBeVisible();
	await expectVisibleFocus(f, 'asking "are you sure?"');
	await activate(f, 'Nee, terug');
	await expect(f.getByRole('button', { name: 'Ronde afsluiten' })).toBeVisible();
	expect((await focused(f)).name).toBe('Ronde afsluiten');
	await f.keyboard.press('Enter');
	await activate(f, 'Ja, afsluiten', { back: true });
	await expect(f.getByRole('region', { name: 'Samenvatting' })).toBeVisible();
	await expect(anna.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();
	expect((await focused(f)).name).toBe('Samenvatting');
	await expectVisibleFocus(f, 'ending the round');

	// "Alles wissen?": the safe answer has focus, Tab stays inside, Escape returns to the opener.
	await activate(f, 'Ronde wissen');
	const erase = f.getByRole('dialog', { name: 'Alles wissen?' });
	await expect(erase).toBeVisible();
	expect((await focused(f)).name).toBe('Nee, terug');
	for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
		await f.keyboard.press(key);
		const now = await focused(f);
		expect(now.inDialog, `${key} left the dialog for ${now.tag} "${now.name}"`).toBe(true);
		expect(now.ring).toBe(true);
	}
	await f.keyboard.press('Escape');
	await expect(erase).toBeHidden();
	expect((await focused(f)).name).toBe('Ronde wissen');
	await expect(anna.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();
});
