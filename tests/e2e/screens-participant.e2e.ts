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
import {
	SIZES,
	cutOff,
	device,
	firstScreen,
	fit,
	realistic,
	STEP_NAME,
	type Size
} from './screens';
import type { Moment, RealisticRound } from '../helpers/realisticRound';
import { DOC_MAP, readKleed } from '../../src/lib/round/doc.ts';

const DEVICES = ['phone', 'tablet', 'tabletLandscape'] as const satisfies readonly Size[];

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
async function asPerson(
	browser: Browser,
	size: Size,
	r: RealisticRound,
	i: number,
	prepare?: (page: Page) => Promise<void>
) {
	const person = r.people[i]!;
	const page = await newPage(browser, device(size));
	await prepare?.(page);
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

/** The bar at the bottom of a participant's screen (hand, sound, rules). */
const BAR = 'Hand, geluid en afspraken';

/** Where the bar at the bottom begins (the viewport's height when there is none). */
/** Where a bar stuck to the bottom of the screen starts (none now: the tools are a row on top). */
function barTop(page: Page): Promise<number> {
	return page.evaluate((label) => {
		const bar = document.querySelector(`[aria-label="${label}"]`);
		const stuck = bar && ['sticky', 'fixed'].includes(getComputedStyle(bar).position);
		return stuck ? bar.getBoundingClientRect().top : window.innerHeight;
	}, BAR);
}

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
			const main = MAIN[moment].at(page);
			if (moment !== 'ended') {
				await expect(page.getByRole('status').filter({ hasText: 'Nu bezig' })).toContainText(
					STEP_NAME[moment]
				);
			}
			await expect(main).toBeVisible();
			await page.evaluate(() => document.fonts.ready);
			// KLEED_SHOTS=dir: the first screens as pictures, to look at.
			if (process.env.KLEED_SHOTS) {
				await page.evaluate(() => window.scrollTo(0, 0));
				await page.screenshot({ path: `${process.env.KLEED_SHOTS}-${moment}-${size}.png` });
			}
			const at = await firstScreen(main);
			const page_ = await fit(page);
			figures.push(
				`${where}: page ${page_.scrollHeight} px, ${MAIN[moment].what} at y=${at.top}–${at.bottom}`
			);
			// What the bar at the bottom covers is not on the first screen (unless it is in the bar).
			const bar = await barTop(page);
			const inBar = await main.evaluate(
				(el, label) => el.closest(`[aria-label="${label}"]`) !== null,
				BAR
			);
			if (!at.inside || (!inBar && at.bottom > bar))
				problems.push(`${where}: ${MAIN[moment].what} is not on the first screen`);
			if (moment !== 'ended') {
				// One tap away, on the first screen: who I am, the hand, the rules. (Samira is in
				// the room and this server has no sound: no "Geluid" button at all, see audio.e2e.)
				for (const [what, tool] of [
					['who I am', page.getByText('Je naam: Samira')],
					['the hand', page.getByRole('button', { name: /^Hand (opsteken|omlaag)$/ })],
					['the rules', page.getByRole('button', { name: 'Afspraken', exact: true })]
				] as const) {
					if (!(await firstScreen(tool)).inside)
						problems.push(`${where}: ${what} is not one tap away`);
				}
			}
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

/**
 * A finger on a touch screen, through Chromium's own touch input: each tap carries its time, and
 * Chromium counts taps on one spot within its double-tap time as one double tap (the second
 * click has `detail` 2), by those times. So a test can wait for a signal between the two taps of
 * a double tap (the first one answered, the list re-drawn) and still have them count as one.
 */
async function finger(page: Page) {
	const cdp = await page.context().newCDPSession(page);
	let clock = Date.now() / 1000;
	const tapAt = async (point: { x: number; y: number }, at: number) => {
		await cdp.send('Input.dispatchTouchEvent', {
			type: 'touchStart',
			touchPoints: [point],
			timestamp: at
		});
		await cdp.send('Input.dispatchTouchEvent', {
			type: 'touchEnd',
			touchPoints: [],
			timestamp: at + 0.03
		});
	};
	return {
		/** Taps `target` twice: the second 150 ms after the first, by the taps' own clock. */
		async doubleTap(target: Locator, between: (point: { x: number; y: number }) => Promise<void>) {
			const box = (await target.boundingBox())!;
			const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
			clock += 10;
			await tapAt(point, clock);
			await between(point);
			await tapAt(point, clock + 0.15);
		},
		/** One tap, long after any other: a new press. */
		async tap(target: Locator) {
			const box = (await target.boundingBox())!;
			clock += 10;
			await tapAt({ x: box.x + box.width / 2, y: box.y + box.height / 2 }, clock);
		}
	};
}

/** The button under a point of the screen, by its text (what a finger there would press). */
function under(page: Page, point: { x: number; y: number }): Promise<string> {
	return page.evaluate(({ x, y }) => {
		const el = document.elementFromPoint(x, y);
		return el?.closest('button')?.textContent?.trim() ?? '';
	}, point);
}

/**
 * The page's sync socket, through the test: counts the intents it sends, and can hold what the
 * server says (answers and doc updates) to show the page as it is before the server confirms.
 */
async function wire(page: Page) {
	const sent: string[] = [];
	let holding = false;
	const held: (() => void)[] = [];
	await page.routeWebSocket(/\/sync\//, (ws) => {
		const server = ws.connectToServer();
		ws.onMessage((message) => {
			sent.push(typeof message === 'string' ? message : message.toString('utf8'));
			server.send(message);
		});
		server.onMessage((message) => {
			if (holding) held.push(() => ws.send(message));
			else ws.send(message);
		});
	});
	return {
		/** How many intents of this type the page sent. */
		count: (type: string) => sent.filter((m) => m.includes(`"type":"${type}"`)).length,
		hold: () => (holding = true),
		release: () => {
			holding = false;
			for (const send of held.splice(0)) send();
		}
	};
}

const HENK = 13;

test('a heart: a double tap gives it once and does not take it back; it says "Wordt verstuurd…" until the server has it; only "Hart terugnemen" takes it back', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const r = await realistic({ upTo: 'vote' });
	const person = r.people[HENK]!;
	const page = await newPage(browser, device('phone'));
	const socket = await wire(page);
	await page
		.context()
		.addInitScript(([key, value]) => window.localStorage.setItem(key, value), [
			`kleed:participant:${r.round.code}`,
			JSON.stringify({ ...person, send: undefined })
		] as const);
	await page.goto(local(r.round.links.participant));
	const story = 'Sinds de verhuizing slaap ik slecht';
	const heart = page.getByRole('button', { name: new RegExp(`^Hart voor: ${story}`) });
	await expect(heart).toHaveAttribute('aria-pressed', 'false');
	await expect(page.getByText('12 van de 15 hebben gestemd')).toBeVisible();
	await heart.scrollIntoViewIfNeeded();
	const hand = await finger(page);

	socket.hold();
	await hand.doubleTap(heart, async () => {
		// Before the server answers, the heart shows as given, and as on its way.
		await expect(heart).toHaveAttribute('aria-pressed', 'true');
		await expect(heart).toHaveAttribute('data-pending', 'true');
		await expect(heart).toContainText('Wordt verstuurd…');
		await expect(page.getByRole('status').filter({ hasText: 'Wordt verstuurd…' })).toBeVisible();
		socket.release();
		// Confirmed: no longer pending. The second tap of the double tap comes now.
		await expect(heart).not.toHaveAttribute('data-pending');
		await expect(heart).toContainText('Jouw hart');
	});
	await expect(page.getByText('13 van de 15 hebben gestemd')).toBeVisible();
	// A later, separate tap on one's own heart keeps it too.
	await hand.tap(heart);
	// Whatever those taps sent went out before the hand's raise, on the same socket.
	await page.getByRole('button', { name: 'Hand opsteken' }).tap();
	await expect(page.getByText('Je hand is omhoog. Je bent 1e in de rij.')).toBeVisible();
	await expect(heart).toHaveAttribute('aria-pressed', 'true');
	await expect(page.getByText('Je hart is gegeven. Je mag nog wisselen.')).toBeVisible();
	expect(socket.count('vote.cast')).toBe(1);
	expect(socket.count('vote.clear')).toBe(0);

	// Taking it back is its own button.
	await page.getByRole('button', { name: 'Hart terugnemen' }).tap();
	await expect(heart).toHaveAttribute('aria-pressed', 'false');
	await expect(page.getByText('12 van de 15 hebben gestemd')).toBeVisible();
	expect(socket.count('vote.clear')).toBe(1);
	r.close();
});

test('"Weghalen": a double tap removes one object, though the next one\'s button is under the finger by the second tap; the hand goes up once', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const r = await realistic({ upTo: 'opening' });
	const samira = r.people[SAMIRA]!;
	// Samira has one object on the kleed; one more, so that a row follows a row. (Not three: at
	// the limit a line above the list says so, and goes when one is removed.)
	const placed = await samira.send({ type: 'kleed.place', id: 'obj-extra-music', icon: 'music' });
	expect(placed.ok).toBe(true);
	const page = await asPerson(browser, 'phone', r, SAMIRA);
	const sent: string[] = [];
	const count = (type: string) => sent.filter((m) => m.includes(`"type":"${type}"`)).length;
	page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(frame.payload.toString())));
	await page.reload();
	const mine = page.getByRole('list', { name: 'Van jou op het kleed' }).getByRole('listitem');
	await expect(mine).toHaveCount(2);
	const first = mine.first().getByRole('button', { name: /^Weghalen/ });
	// In the middle of the screen: clear of the bar at the bottom. Without scroll anchoring (as
	// in Safari on an iPad): Chromium would scroll along with a removed row and keep the next one
	// where it was; without it, the list closes up under the finger.
	await first.evaluate((el) => {
		document.documentElement.style.overflowAnchor = 'none';
		document.body.style.overflowAnchor = 'none';
		el.scrollIntoView({ block: 'center' });
	});
	const finger_ = await finger(page);
	let nextUnderFinger = '';
	await finger_.doubleTap(first, async (point) => {
		await expect(mine).toHaveCount(1);
		// The list closed up: the next object's "Weghalen" is where the finger is.
		nextUnderFinger = await under(page, point);
	});
	expect(nextUnderFinger).toMatch(/^Weghalen/);

	// The hand: a double tap raises it, and does not lower it again.
	const raise = page.getByRole('button', { name: 'Hand opsteken' });
	await raise.scrollIntoViewIfNeeded();
	await finger_.doubleTap(raise, async () => {
		await expect(page.getByText('Je hand is omhoog. Je bent 1e in de rij.')).toBeVisible();
	});
	// Whatever the second taps sent went out before this, on the same socket.
	await page.getByRole('button', { name: 'Boek' }).tap();
	await expect(page.getByText('Boek ligt op het kleed.')).toBeVisible();
	await expect(mine).toHaveCount(2);
	await expect(page.getByText('Je hand is omhoog. Je bent 1e in de rij.')).toBeVisible();
	expect(count('kleed.remove')).toBe(1);
	expect(count('hand.lower')).toBe(0);
	// And the round agrees: Samira has two objects on the kleed (music and the book).
	await r.steer.fence();
	const hers = readKleed(r.doc.getMap(DOC_MAP.kleed)).filter((o) => o.by === samira.participantId);
	expect(hers.map((o) => o.icon).sort()).toEqual(['book', 'music']);
	r.close();
});

test('the question to the teller is on her first screen; "Ja" says "Wordt verstuurd…" until the server has it, and a second press meanwhile sends nothing', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const r = await realistic({ upTo: 'tie' });
	let socket: Awaited<ReturnType<typeof wire>> | null = null;
	const pages: Page[] = [];
	for (const size of DEVICES) {
		pages.push(
			await asPerson(browser, size, r, 1, async (page) => {
				if (size === 'phone') socket = await wire(page);
			})
		);
	}
	expect((await r.steer({ type: 'choice.pick', storyId: r.stories[1]! })).ok).toBe(true);
	const question = (page: Page) =>
		page.getByRole('region', { name: 'Wil je hier meer over vertellen?' });
	for (const [i, page] of pages.entries()) {
		await expect(question(page)).toBeVisible();
		const yes = question(page).getByRole('button', { name: 'Ja', exact: true });
		const at = await firstScreen(yes);
		expect(at.inside && at.bottom <= (await barTop(page)), `${DEVICES[i]}: "Ja" at ${at.top}`).toBe(
			true
		);
	}
	const phone = pages[0]!;
	const wired = socket!;
	const yes = question(phone).getByRole('button', { name: 'Ja', exact: true });
	const finger_ = await finger(phone);
	wired.hold();
	await finger_.tap(yes);
	const sending = question(phone).getByRole('button', { name: 'Wordt verstuurd…' });
	await expect(sending).toHaveAttribute('aria-busy', 'true');
	// A second, separate press while the first waits for the server.
	await finger_.tap(sending);
	await expect(sending).toBeVisible();
	wired.release();
	await expect(question(phone)).toHaveCount(0);
	await phone.getByRole('button', { name: 'Hand opsteken' }).tap();
	await expect(phone.getByText('Je hand is omhoog. Je bent 1e in de rij.')).toBeVisible();
	expect(wired.count('consent.answer')).toBe(1);
	r.close();
});
