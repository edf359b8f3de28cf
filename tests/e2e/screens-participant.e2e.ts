/**
 * The participant's own device as a screen made for its size (#14): on a phone (390x844), a
 * tablet (800x1280) and a tablet on its side (1280x800), the first screen of every moment of a
 * realistic round carries who I am (one line), the step now, and the step's main action; the
 * header is one row on a phone; nothing runs out of the screen. And hands that slip: a double
 * tap acts once, a heart is taken back only on purpose, and what the server has not confirmed
 * yet looks pending.
 */
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { test } from './fixtures';
import { local, newPage } from './helpers';
import { SIZES, cutOff, device, firstScreen, fit, realistic, type Size } from './screens';
import type { Moment, RealisticRound } from '../helpers/realisticRound';

const DEVICES = ['phone', 'tablet', 'tabletLandscape'] as const satisfies readonly Size[];

const STEP_NAME: Record<Moment, string> = {
	opening: 'Opening',
	choice: 'Verhaalkeuze',
	vote: 'Verhaalkeuze',
	tie: 'Verhaalkeuze',
	chosen: 'Verhaalkeuze',
	deepening: 'Verdieping',
	broadening: 'Verbreding',
	closing: 'Afsluiting',
	ended: 'Afsluiting'
};

/**
 * What a person does at each moment, as Samira sees it (in the room, no story of her own, no
 * heart given yet): the thing that must be on her first screen.
 */
const MAIN: Record<Moment, { what: string; at: (page: Page) => Locator }> = {
	opening: {
		what: 'lay something on the kleed',
		at: (p) => p.getByRole('list', { name: 'Leg iets op het kleed:' })
	},
	choice: { what: 'tell a story', at: (p) => p.getByLabel('Wat weegt zwaar voor jou?') },
	vote: {
		what: 'give your heart',
		at: (p) => p.getByRole('button', { name: /^Hart voor:/ }).first()
	},
	tie: { what: 'the result', at: (p) => p.getByRole('heading', { name: 'De uitslag' }) },
	chosen: {
		what: 'the chosen story',
		at: (p) => p.getByRole('heading', { name: 'Het gekozen verhaal' })
	},
	deepening: {
		what: 'ask for the word',
		at: (p) => p.getByRole('button', { name: 'Hand opsteken' })
	},
	broadening: {
		what: 'I recognise this',
		at: (p) => p.getByRole('button', { name: 'Ik herken dit' })
	},
	closing: {
		what: 'what I take home',
		at: (p) => p.getByLabel('Wat neem ik mee naar huis?')
	},
	ended: { what: 'thanks', at: (p) => p.getByRole('heading', { name: 'De ronde is klaar' }) }
};

/** A participant's own device, as person `i` of the round (the device remembers who they are). */
async function asPerson(browser: Browser, size: Size, r: RealisticRound, i: number) {
	const person = r.people[i]!;
	const page = await newPage(browser, device(size));
	await page.context().addInitScript(([key, value]) => window.localStorage.setItem(key, value), [
		`kleed:participant:${r.round.code}`,
		JSON.stringify({
			participantId: person.participantId,
			token: person.token,
			name: person.name,
			presence: person.presence
		})
	] as const);
	await page.goto(local(r.round.links.participant));
	return page;
}

/** The items of the bar at the top: all on one row when each starts above the first one's end. */
function headerRows(page: Page): Promise<number> {
	return page.evaluate(() => {
		const bar = document.querySelector('header');
		if (!bar) return 0;
		const items = [...bar.querySelectorAll<HTMLElement>('a, button, summary, p, h1')]
			.filter((el) => el.checkVisibility() && !el.closest('.visually-hidden'))
			.map((el) => el.getBoundingClientRect())
			.filter((r) => r.height > 0);
		const rows: number[] = [];
		for (const r of items) {
			const mid = r.top + r.height / 2;
			if (!rows.some((top) => Math.abs(top - mid) < 24)) rows.push(mid);
		}
		return rows.length;
	});
}

const SAMIRA = 12;

test('the first screen of a phone, a tablet and a tablet on its side carries the step and its main action, at every moment', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const r = await realistic();
	const pages = {} as Record<(typeof DEVICES)[number], Page>;
	for (const size of DEVICES) pages[size] = await asPerson(browser, size, r, SAMIRA);
	const figures: string[] = [];
	const problems: string[] = [];

	const moments: Moment[] = [
		'opening',
		'choice',
		'vote',
		'tie',
		'chosen',
		'deepening',
		'broadening',
		'closing',
		'ended'
	];
	for (const moment of moments) {
		await r.to(moment);
		for (const size of DEVICES) {
			const page = pages[size];
			const where = `${moment} × ${size} (${SIZES[size].width}x${SIZES[size].height})`;
			await expect(page.getByText(STEP_NAME[moment]).first()).toBeVisible();
			const main = MAIN[moment].at(page);
			await expect(main).toBeAttached();
			await page.evaluate(() => document.fonts.ready);
			const at = await firstScreen(main);
			const page_ = await fit(page);
			figures.push(
				`${where}: page ${page_.scrollHeight} px, ${MAIN[moment].what} at y=${at.top}–${at.bottom}`
			);
			if (!at.inside) problems.push(`${where}: ${MAIN[moment].what} is not on the first screen`);
			if (page_.scrollWidth > page_.width)
				problems.push(`${where}: the page is wider than the screen (${page_.scrollWidth})`);
			for (const cut of await cutOff(page)) problems.push(`${where}: cut off: ${cut}`);
			if (size === 'phone') {
				const rows = await headerRows(page);
				if (rows !== 1) problems.push(`${where}: the header has ${rows} rows`);
			}
		}
	}
	console.log(`participant first screens:\n  ${figures.join('\n  ')}`);
	test
		.info()
		.annotations.push({ type: 'participant-first-screens', description: figures.join('; ') });
	expect(problems).toEqual([]);
	r.close();
});
