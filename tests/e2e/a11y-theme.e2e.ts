import AxeBuilder from '@axe-core/playwright';
import { expect, type BrowserContextOptions, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	TABLET,
	createRound,
	holdApp,
	local,
	newPage,
	nextStep,
	open,
	participant
} from './helpers';

/** The longest animation or transition on the page, and where it is. */
async function longestMotion(page: Page): Promise<{ seconds: number; where: string }> {
	return page.evaluate(() => {
		const seconds = (list: string) =>
			Math.max(
				0,
				...list.split(',').map((part) => {
					const value = parseFloat(part);
					return part.trim().endsWith('ms') ? value / 1000 : value;
				})
			);
		let worst = { seconds: 0, where: '' };
		for (const el of document.querySelectorAll('*')) {
			for (const pseudo of [null, '::before', '::after']) {
				const style = getComputedStyle(el, pseudo);
				const animated = style.animationName !== 'none' ? seconds(style.animationDuration) : 0;
				const moved = style.transitionProperty !== 'none' ? seconds(style.transitionDuration) : 0;
				const longest = Math.max(animated, moved);
				if (longest > worst.seconds) {
					worst = { seconds: longest, where: `${el.tagName}.${el.className}${pseudo ?? ''}` };
				}
			}
		}
		return worst;
	});
}

/** The speaking ring as the kleed shows it while someone talks (audio does not run here). */
async function showSpeaking(screen: Page, name: string) {
	await screen
		.getByRole('list', { name: 'Rond het kleed' })
		.getByRole('listitem')
		.filter({ hasText: name })
		.evaluate((li) => li.classList.add('speaking'));
}

for (const reducedMotion of ['no-preference', 'reduce'] as const) {
	test(`motion with prefers-reduced-motion: ${reducedMotion}`, async ({ browser }) => {
		const motion = (options: BrowserContextOptions) => ({ ...options, reducedMotion });
		const facilitator = await newPage(browser, motion(LAPTOP));
		const round = await createRound(facilitator);
		await facilitator.goto(local(round.links.facilitator));
		await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
		const anna = await open(browser, motion(TABLET), round.links.participant);
		await anna.getByLabel('Je naam').fill('Anna');
		await anna.getByRole('radio', { name: /^In de zaal/ }).tap();
		await anna.getByRole('button', { name: 'Meedoen' }).tap();
		const screen = await open(browser, motion(PROJECTOR), round.links.projector);
		// Opening: the kleed with Anna speaking.
		await showSpeaking(screen, 'Anna');
		const opening = await Promise.all([facilitator, anna, screen].map(longestMotion));
		await nextStep(facilitator, 'Verhaalkeuze', [anna, screen]);
		await anna.getByLabel('Wat weegt zwaar voor jou?').fill('Ik slaap slecht');
		await anna.getByRole('button', { name: 'Delen' }).tap();
		await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
		await anna.getByRole('button', { name: 'Hart voor: Ik slaap slecht' }).tap();
		await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
		await expect(screen.getByText(/^\s*1 hart\s*$/)).toBeVisible();

		// The choice: the vote bar and the revealed hearts.
		const revealed = await Promise.all([facilitator, anna, screen].map(longestMotion));
		const worst = [...opening, ...revealed];
		const longest = Math.max(...worst.map((w) => w.seconds));
		if (reducedMotion === 'reduce') {
			// ~0.01 s: nothing moves that anyone could see.
			expect(longest, JSON.stringify(worst)).toBeLessThanOrEqual(0.01);
		} else {
			// The same pages move without the setting: the check above looks at real motion.
			expect(longest).toBeGreaterThan(1);
		}
	});
}

/** WCAG contrast ratio between two computed CSS colours (rgb/rgba, alpha ignored). */
function ratio(a: string, b: string): number {
	const lum = (color: string) => {
		const [r, g, b] = (color.match(/[\d.]+/g) ?? ['0', '0', '0'])
			.slice(0, 3)
			.map((v) => Number(v) / 255)
			.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
		return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
	};
	const [light, dark] = [lum(a), lum(b)].sort((x, y) => y - x);
	return (light! + 0.05) / (dark! + 0.05);
}

/** Every visible control's border colour against the page background (3:1 for non-text, 1.4.11). */
async function controlBorders(
	page: Page
): Promise<{ where: string; border: string; bg: string }[]> {
	return page.evaluate(() => {
		const bg = getComputedStyle(document.body).backgroundColor;
		const found: { where: string; border: string; bg: string }[] = [];
		for (const el of document.querySelectorAll<HTMLElement>(
			'button, input:not([type="radio"]):not([type="checkbox"]), select, textarea'
		)) {
			if (!el.checkVisibility()) continue;
			const style = getComputedStyle(el);
			if (parseFloat(style.borderTopWidth) === 0) continue;
			found.push({
				where: `${el.tagName} ${el.textContent?.trim().slice(0, 30)}`,
				border: style.borderTopColor,
				bg
			});
		}
		return found;
	});
}

async function expectHighContrast(page: Page, view: string) {
	const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
	expect(bg, `${view}: page background`).toBe('rgb(255, 255, 255)');
	// Text: 7:1 (WCAG AAA 1.4.6), which axe checks as color-contrast-enhanced.
	const result = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze();
	const text = result.violations.flatMap((v) =>
		v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`)
	);
	expect(text, `${view}: text below 7:1`).toEqual([]);
	const weak = (await controlBorders(page)).filter((c) => ratio(c.border, c.bg) < 3);
	expect(weak, `${view}: control borders below 3:1`).toEqual([]);
}

test('high contrast: from the system or the "Meer contrast" button, kept per device', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const laptop = await newPage(browser, LAPTOP);
	await laptop.goto('/');
	const toggle = laptop.getByRole('button', { name: 'Meer contrast' });
	await expect(toggle).toHaveAttribute('aria-pressed', 'false');
	const background = () => laptop.evaluate(() => getComputedStyle(document.body).backgroundColor);
	expect(await background()).toBe('rgb(247, 241, 232)');

	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-pressed', 'true');
	await expectHighContrast(laptop, 'start (button)');

	// Kept on this device: after a reload, and on the facilitator page.
	const round = await createRound(laptop, 'Contrast');
	await laptop.goto(local(round.links.facilitator));
	await expect(laptop.getByRole('button', { name: 'Meer contrast' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(laptop.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	await expectHighContrast(laptop, 'facilitator (button)');

	// Another device is not changed.
	const other = await newPage(browser, LAPTOP);
	await other.goto('/');
	await expect(other.getByRole('button', { name: 'Meer contrast' })).toHaveAttribute(
		'aria-pressed',
		'false'
	);

	// A tablet whose system asks for more contrast gets it without asking; the button undoes it.
	const anna = await participant(browser, round, 'Anna');
	await anna.close();
	const system: BrowserContextOptions = { ...TABLET, contrast: 'more' };
	const bram = await open(browser, system, round.links.participant);
	await bram.getByLabel('Je naam').fill('Bram');
	await bram.getByRole('radio', { name: /^Thuis/ }).tap();
	await bram.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(bram.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	const bramToggle = bram.getByRole('button', { name: 'Meer contrast' });
	await expect(bramToggle).toHaveAttribute('aria-pressed', 'true');
	await expectHighContrast(bram, 'participant (system)');
	const screen = await open(browser, { ...PROJECTOR, contrast: 'more' }, round.links.projector);
	await expect(screen.getByRole('list', { name: 'Rond het kleed' })).toContainText('Bram');
	await expectHighContrast(screen, 'projector (system)');

	await bramToggle.tap();
	await expect(bramToggle).toHaveAttribute('aria-pressed', 'false');
	// The choice holds from the first paint, before the app runs (app.html), not a second later.
	const { release } = await holdApp(bram);
	await bram.reload();
	expect(await bram.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
		'rgb(247, 241, 232)'
	);
	release();
	await expect(bram.getByRole('button', { name: 'Meer contrast' })).toHaveAttribute(
		'aria-pressed',
		'false'
	);
	expect(await bram.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
		'rgb(247, 241, 232)'
	);
});

test('forced colours (Windows high contrast): state that colour alone showed keeps an outline', async ({
	browser
}) => {
	const page = await newPage(browser, { ...LAPTOP, forcedColors: 'active' });
	const round = await createRound(page, 'Systeemkleuren');
	await page.goto(local(round.links.facilitator));
	await expect(page.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	const outline = (locator: ReturnType<Page['locator']>) =>
		locator.evaluate((el) => getComputedStyle(el).outlineStyle);
	const step = page
		.getByRole('navigation', { name: 'Stappen van de ronde' })
		.locator('[aria-current="step"]');
	expect(await outline(step)).toBe('solid');
	const toggle = page.getByRole('button', { name: 'Meer contrast' });
	await toggle.press('Enter');
	await expect(toggle).toHaveAttribute('aria-pressed', 'true');
	// Moved away, so the outline seen is the pressed state's, not the focus ring.
	await page.keyboard.press('Tab');
	expect(await outline(toggle)).toBe('solid');
});
