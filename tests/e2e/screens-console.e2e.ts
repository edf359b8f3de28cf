import { expect, type Locator, type Page } from '@playwright/test';
import { MOMENTS, type Moment } from '../helpers/realisticRound.ts';
import { test } from './fixtures';
import { local, newPage } from './helpers';
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
		['door alert', page.getByRole('region', { name: /Wacht om binnen te komen/ })]
	];
	if (moment === 'ended') return [['door alert', controls[2]![1]]];
	if (moment === 'choice')
		controls.push(['Stemmen openen', page.getByRole('button', { name: /^Stemmen/ }).first()]);
	if (moment === 'vote') controls.push(['Uitslag tonen', button('Uitslag tonen')]);
	if (moment === 'tie')
		controls.push(['Kies (first)', page.getByRole('button', { name: /^Kies/ }).first()]);
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
			report.push(`${size} ${moment}: page ${fits.scrollHeight}px; ${where.join('; ')}`);
			expect.soft(fits.fits, `${size} ${moment}: page is ${fits.scrollHeight}px`).toBe(true);
			expect.soft(await cutOff(page, 'main'), `${size} ${moment}: cut off`).toEqual([]);
			await page.screenshot({ path: `/tmp/console-${size}-${moment}.png` });
		}
		console.log(report.join('\n'));
		round.close();
	});
}
