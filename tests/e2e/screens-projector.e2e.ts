import { expect, type Locator, type Page } from '@playwright/test';
import { test } from './fixtures';
import { STORIES, MOMENTS, type Moment } from '../helpers/realisticRound.ts';
import {
	brokenWords,
	lonelyIcons,
	cutOff,
	firstScreen,
	fit,
	openOn,
	overlaps,
	realistic,
	stageAreas,
	type Size
} from './screens';

/**
 * The projector is a stage (#14): at every moment of a realistic round (15 people, 20 objects,
 * 8 stories, a tie) and on every projector size, the page never scrolls, what the room needs
 * now is on the first screen, labels on the kleed never cover each other and nothing is cut.
 * It prints, per moment, the page height and where the main element sits (the closing note).
 */

const PROJECTORS: Size[] = ['projector', 'projectorHd', 'projectorOld'];

/** What the room needs most at each moment. */
const MAIN: Record<Moment, (page: Page) => Locator> = {
	opening: (page) => page.locator('figure.kleed'),
	choice: (page) => page.getByRole('article').filter({ hasText: STORIES[7]! }),
	vote: (page) => page.getByText(/hebben gestemd/).first(),
	tie: (page) => page.getByText('Gelijke stand', { exact: true }).first(),
	chosen: (page) => page.getByText(STORIES[1]!).first(),
	deepening: (page) => page.getByText(/^\s*Aan het woord: /).first(),
	broadening: (page) => page.getByText('De vraag van vandaag').first(),
	closing: (page) => page.getByText('Afsluiten', { exact: true }).first(),
	ended: (page) => page.getByText('De ronde is klaar').first()
};

/** The join card: the code, while people can still join. */
const joinCode = (page: Page) => page.getByRole('region', { name: /Doe mee/ });

for (const size of PROJECTORS) {
	test(`the projector is a stage at every moment (${size})`, async ({ browser }) => {
		test.setTimeout(180_000);
		const round = await realistic();
		try {
			// One size with the system's "reduce motion" on, as many older people's computers have
			// it: the stage must fit its text the same (it once measured before sizes applied).
			const page = await openOn(
				browser,
				size,
				round.round.links.projector,
				size === 'projector' ? { reducedMotion: 'reduce' } : {}
			);
			await expect(page.getByRole('list', { name: 'Rond het kleed' })).toContainText('Samira');
			for (const moment of MOMENTS) {
				await round.to(moment);
				if (moment === 'closing') {
					// A long queue: eight hands. The stage names five and counts the rest.
					for (const person of round.people.slice(10, 15)) {
						const raised = await person.send({ type: 'hand.raise' });
						expect(raised.ok).toBe(true);
					}
					const hands = page.getByRole('list', { name: 'Handen omhoog, op volgorde' });
					await expect(hands.getByRole('listitem')).toHaveCount(5);
					await expect(page.getByText('+2 meer', { exact: true })).toBeVisible();
				}
				const main = MAIN[moment](page);
				await expect.soft(main, `${moment}: main element`).toBeVisible();
				if (moment === 'ended') {
					await expect.soft(page.getByText('Nu bezig')).toHaveCount(0);
					await expect.soft(joinCode(page)).toHaveCount(0);
				} else {
					await expect.soft(joinCode(page), `${moment}: join card`).toBeVisible();
				}
				// Let the layout settle (fonts, the QR code) before measuring.
				await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
				// boundingBox() waits for an element that is not there: ask first.
				const where =
					(await main.count()) > 0
						? await firstScreen(main)
						: { top: -1, bottom: -1, inside: false };
				const page_ = await fit(page);
				console.log(
					`[projector ${size} ${page_.width}x${page_.height}] ${moment}: page ${page_.scrollWidth}x${page_.scrollHeight}, main y ${where.top}-${where.bottom}`
				);
				expect.soft(page_.fits, `${moment}: the page fits (no scroll)`).toBe(true);
				expect.soft(where.inside, `${moment}: main element on the first screen`).toBe(true);
				if (moment !== 'ended' && (await joinCode(page).count()) > 0) {
					const join = await firstScreen(joinCode(page));
					expect.soft(join.inside, `${moment}: join card on the first screen`).toBe(true);
				}
				expect.soft(await overlaps(page, 'figure.kleed li'), `${moment}: kleed labels`).toEqual([]);
				expect
					// 0.7rem: the smallest a seat's name gets (KleedCircle.svelte).
					.soft(
						await brokenWords(page, 'figure.kleed .names .name', 0.7 * 16),
						`${moment}: names whole`
					)
					.toEqual([]);
				expect
					.soft(
						await lonelyIcons(page, 'figure.kleed .names .name'),
						`${moment}: the house of someone at home before their name, not on a line of its own`
					)
					.toEqual([]);
				// Within the stage: SvelteKit's route announcer (1 px, visually hidden) is not ours.
				expect.soft(await cutOff(page, '.stage'), `${moment}: nothing cut off`).toEqual([]);
				expect.soft(await stageAreas(page), `${moment}: stage text as large as fits`).toEqual([]);
				if (moment === 'deepening') {
					// The hands, in order, with names, stay visible to the room.
					const hands = page.getByRole('list', { name: 'Handen omhoog, op volgorde' });
					await expect.soft(hands).toBeVisible();
					if ((await hands.count()) > 0)
						expect.soft((await firstScreen(hands)).inside, 'hands on the first screen').toBe(true);
				}
				await page.screenshot({ path: `/tmp/projector-${size}-${moment}.png` });
			}
		} finally {
			round.close();
		}
	});
}
