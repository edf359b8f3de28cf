import { expect, type Locator, type Page } from '@playwright/test';
import { MOMENTS, type Moment } from '../helpers/realisticRound.ts';
import { test } from './fixtures';
import { newPage } from './helpers';
import { cutOff, device, firstScreen, fit, openOn, realistic, type Size } from './screens';

/**
 * The facilitator's console (#14): on a laptop (1280×800 and 1024×768) it is a screen, not a
 * long page. In every moment of a realistic round, the step's main controls, next and previous
 * step, and people waiting at a locked door are on the first screen; nothing is cut off; a
 * console button acts once per press; and a facilitator is never locked out of their own round.
 */

const LAPTOPS: Size[] = ['laptop', 'laptopOld'];
/** One 40-character word (the most a name may have): it must not hide a button. */
const LONG_NAME = 'Aleksandrakonstantinopouloudevriesbakker';

/** Someone asks to join the (locked) round: they wait at the door. */
async function knock(code: string, name: string) {
	const res = await fetch(
		`http://127.0.0.1:${process.env.E2E_PORT}/api/rounds/${code}/participants`,
		{
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name, presence: 'room' })
		}
	);
	if (!res.ok) throw new Error(`knock: ${res.status}`);
}

/** The controls a facilitator needs in this moment (by their accessible names). */
function mainControls(page: Page, moment: Moment): [string, Locator][] {
	const button = (name: string | RegExp) => page.getByRole('button', { name, exact: true });
	const controls: [string, Locator][] = [
		['Volgende stap', button('Volgende stap')],
		['Vorige stap', button('Vorige stap')],
		// The alert: its heading and the first person's "Binnenlaten" (a long queue may scroll).
		['door alert', page.getByRole('heading', { name: /Wacht om binnen te komen/ })],
		['Binnenlaten (first)', page.getByRole('button', { name: /^Binnenlaten/ }).first()]
	];
	if (moment === 'ended') return controls.slice(2);
	if (moment === 'choice')
		controls.push(['Stemmen openen', page.getByRole('button', { name: /^Stemmen/ }).first()]);
	if (moment === 'vote') controls.push(['Uitslag tonen', button('Uitslag tonen')]);
	if (moment === 'tie')
		controls.push(['Kies (first)', page.getByRole('button', { name: /^Kies:/ }).first()]);
	if (moment === 'deepening')
		controls.push([
			'Geef het woord',
			page.getByRole('button', { name: /^Geef het woord/ }).first()
		]);
	return controls;
}

test.describe.configure({ timeout: 240_000 });

for (const size of LAPTOPS) {
	test(`the console fits a laptop ${size} in every moment`, async ({ browser }) => {
		const round = await realistic({ upTo: 'opening' });
		// Someone with a 40-character word as a name (added by the facilitator: no tablet) lays
		// something on the kleed.
		// The id the facilitator gives is the person's id.
		const long = `person-long-${size}-${Date.now().toString(36)}`;
		const added = await round.steer({
			type: 'person.add',
			// Person ids are unique across rounds on the server: one per test.
			id: long,
			name: LONG_NAME,
			presence: 'room'
		});
		expect(added.ok, JSON.stringify(added)).toBe(true);
		const placed = await round.steer({
			type: 'kleed.place',
			id: `obj-long-${Date.now().toString(36)}`,
			icon: 'tea',
			by: long
		});
		expect(placed.ok, JSON.stringify(placed)).toBe(true);
		await round.steer({ type: 'round.lock', locked: true });
		await knock(round.round.code, 'Dirk');
		await knock(round.round.code, LONG_NAME);
		const page = await openOn(browser, size, round.round.links.facilitator);
		await expect(page.getByRole('button', { name: 'Volgende stap' })).toBeVisible();
		const report: string[] = [];
		for (const moment of MOMENTS) {
			await round.to(moment);
			const controls = mainControls(page, moment);
			for (const [, control] of controls) await expect(control).toBeVisible();
			const fits = await fit(page);
			const where: string[] = [];
			for (const [name, control] of controls) {
				const at = await firstScreen(control);
				where.push(`${name} ${at.top}–${at.bottom}`);
				expect.soft(at.inside, `${size} ${moment}: ${name} at y ${at.top}–${at.bottom}`).toBe(true);
			}
			if (moment === 'opening') {
				// The long name wraps; its "Weghalen" stays inside the card, in sight.
				// (The kleed's picture groups objects too; the list is the one with "Weghalen".)
				const item = page
					.locator('.objects li')
					.filter({ hasText: LONG_NAME })
					.filter({ has: page.getByRole('button', { name: /^Weghalen/ }) });
				const remove = item.getByRole('button', { name: /^Weghalen/ });
				await expect(remove).toBeVisible();
				const [itemBox, removeBox] = [await item.boundingBox(), await remove.boundingBox()];
				expect(removeBox!.x + removeBox!.width).toBeLessThanOrEqual(
					itemBox!.x + itemBox!.width + 1
				);
				expect(removeBox!.x).toBeGreaterThanOrEqual(itemBox!.x - 1);
			}
			report.push(`${size} ${moment}: page ${fits.scrollHeight}px; ${where.join('; ')}`);
			expect.soft(fits.fits, `${size} ${moment}: page is ${fits.scrollHeight}px`).toBe(true);
			expect.soft(await cutOff(page, 'main'), `${size} ${moment}: cut off`).toEqual([]);
			await page.screenshot({ path: `/tmp/console-${size}-${moment}.png` });
		}
		// Sharing opens on demand, in one dialog, and closes back to the console.
		const open = page.getByRole('button', { name: 'Code en links' });
		await open.click();
		const share = page.getByRole('dialog', { name: 'Code en links' });
		await expect(share.getByRole('img', { name: 'QR-code om mee te doen' })).toBeVisible();
		await expect(share.getByLabel('Link voor deelnemers')).toHaveValue(/^http/);
		await page.screenshot({ path: `/tmp/console-${size}-share.png` });
		await page.keyboard.press('Escape');
		await expect(share).toBeHidden();
		await expect(open).toBeFocused();
		console.log(report.join('\n'));
		round.close();
	});
}

test('a double click on a console button acts once', async ({ browser }) => {
	const round = await realistic({ upTo: 'vote' });
	const page = await openOn(browser, 'laptop', round.round.links.facilitator);
	const reveal = page.getByRole('button', { name: 'Uitslag tonen', exact: true });
	await expect(reveal).toBeEnabled();
	// Where "Uitslag tonen" was, the tie's "Kies" buttons appear: a second click must not pick.
	await reveal.dblclick();
	await expect(page.getByRole('heading', { name: 'Gelijke stand' })).toBeVisible();
	await round.steer.fence();
	const choice = round.doc.getMap('choice').toJSON() as { storyId?: string | null };
	expect(choice.storyId ?? null).toBeNull();
	await expect(page.getByRole('button', { name: /^Kies:/ })).toHaveCount(2);
	await expect(page.locator('.field-error')).toHaveCount(0);

	// "Volgende stap", twice at once, moves the round one step on.
	await page
		.getByRole('button', { name: /^Kies:/ })
		.first()
		.click();
	await page.getByRole('button', { name: 'Volgende stap', exact: true }).dblclick();
	await expect(
		page.getByRole('navigation', { name: 'Stappen van de ronde' }).locator('[aria-current="step"]')
	).toContainText('Verdieping');
	await round.steer.fence();
	await expect(
		page.getByRole('navigation', { name: 'Stappen van de ronde' }).locator('[aria-current="step"]')
	).toContainText('Verdieping');
	round.close();
});

test('never locked out: a device that made a round finds its way back', async ({ browser }) => {
	const page = await newPage(browser, device('laptop'));
	const context = page.context();
	await page.goto('/');
	await page.getByLabel('Naam van de ronde (mag leeg blijven)').fill('Dinsdaggroep');
	await page.getByRole('button', { name: 'Nieuwe ronde' }).click();
	await expect(page).toHaveURL(/\/r\/[A-Z2-9]{6}\/begeleider$/);
	await expect(page.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	// It says plainly to keep the link, and what the co-facilitator link is for.
	await expect(page.getByText(/Bewaar dat adres/)).toBeVisible();
	await expect(page.getByText(/link voor de co-begeleider/).first()).toBeVisible();
	const bare = page.url();

	// The tab is closed; the same device opens the bare address again (a new tab has no memory).
	await page.close();
	const again = await context.newPage();
	await again.goto(bare);
	await expect(again.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	await expect(again.getByText('Dinsdaggroep')).toBeVisible();
	await again.close();

	// The start page offers the way back.
	const start = await context.newPage();
	await start.goto('/');
	const back = start.getByRole('link', { name: 'Terug naar mijn ronde' });
	await expect(back).toHaveCount(1);
	await expect(start.getByText('Dinsdaggroep')).toBeVisible();
	await back.click();
	await expect(start.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();

	// Another device (no memory of the key) is not let in by the bare address.
	const other = await newPage(browser, device('laptop'));
	await other.goto(bare);
	await expect(other.getByRole('button', { name: 'Volgende stap' })).toHaveCount(0);
	await expect(
		other.getByText('Open de link met de geheime sleutel.', { exact: false })
	).toBeVisible();
});

test('an erased round is forgotten by the device that led it', async ({ browser }) => {
	const page = await newPage(browser, device('laptop'));
	await page.goto('/');
	await page.getByRole('button', { name: 'Nieuwe ronde' }).click();
	await expect(page.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	const code = new URL(page.url()).pathname.split('/')[2]!;
	const remembered = () => page.evaluate(() => localStorage.getItem('kleed:my-rounds') ?? '');
	expect(await remembered()).toContain(code);
	await page.getByRole('button', { name: 'Ronde wissen' }).click();
	await page
		.getByRole('dialog', { name: 'Alles wissen?' })
		.getByRole('button', { name: 'Ja, alles wissen' })
		.click();
	await expect.poll(remembered).not.toContain(code);
	await page.goto('/');
	// The page's own rounds are read once the app runs ("Nieuwe ronde" waits for it).
	await expect(page.getByRole('button', { name: 'Nieuwe ronde' })).toBeEnabled();
	await expect(page.getByRole('link', { name: 'Terug naar mijn ronde' })).toHaveCount(0);
});

test('a double click on "Ronde afsluiten" asks, and does not end the round', async ({
	browser
}) => {
	const round = await realistic({ upTo: 'closing', people: 9 });
	const page = await openOn(browser, 'laptop', round.round.links.facilitator);
	await page.getByRole('button', { name: 'Ronde afsluiten', exact: true }).dblclick();
	// "Ja, afsluiten" takes the place of the button: the second click must not press it.
	await expect(page.getByRole('button', { name: 'Ja, afsluiten' })).toBeVisible();
	await page.getByRole('button', { name: 'Nee, terug' }).click();
	// Sent after anything the double click sent: a round that ended could not move back.
	await page.getByRole('button', { name: 'Vorige stap', exact: true }).click();
	await expect(
		page.getByRole('navigation', { name: 'Stappen van de ronde' }).locator('[aria-current="step"]')
	).toContainText('Verbreding');
	round.close();
});
