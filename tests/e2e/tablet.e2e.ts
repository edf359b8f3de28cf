import {
	devices,
	expect,
	type Browser,
	type BrowserContextOptions,
	type Locator,
	type Page
} from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	PROJECTOR,
	TABLET,
	createRound,
	expectStep,
	joinAs,
	local,
	newPage,
	nextStep,
	open,
	participant,
	storyCard,
	type CreatedRound,
	showGoodNews
} from './helpers';

/**
 * Cheap tablets, old iPads and the room's screen: every view fits, its main actions can be
 * reached, nothing sits on top of anything else, the screen reads from four metres, and a slow
 * tablet still takes part.
 */

const ipad = devices['iPad (gen 7)'];
const SIZES: [string, BrowserContextOptions][] = [
	['tablet staand 800×1280', TABLET],
	['tablet liggend 1280×800', { ...TABLET, viewport: { width: 1280, height: 800 } }],
	[
		'iPad 810×1080',
		{
			viewport: ipad.viewport,
			deviceScaleFactor: ipad.deviceScaleFactor,
			hasTouch: true,
			isMobile: true,
			locale: 'nl-NL'
		}
	]
];

type Moment =
	| 'opening'
	| 'stories'
	| 'vote'
	| 'tablet-vote'
	| 'revealed'
	| 'deepening'
	| 'broadening'
	| 'closing';

interface Round {
	round: CreatedRound;
	facilitator: Page;
	/** The participant whose screen is looked at. */
	anna: Page;
	shared: Page;
}

const heart = (page: Page, story: string) =>
	page.getByRole('button', { name: `Hart voor: ${story}` });
const ANNA_STORY = 'Mijn buurman maakt elke nacht lawaai';
const BRAM_STORY = 'Ik slaap slecht sinds de verhuizing';

/**
 * Plays a small round: Anna (the tablet being looked at), Bram at home, Dirk without a tablet
 * on the shared tablet. `at` is called at each moment, with every page showing it.
 */
async function playRound(
	browser: Browser,
	options: BrowserContextOptions,
	at: (moment: Moment, r: Round) => Promise<void>,
	extra: Page[] = []
): Promise<Round> {
	const facilitator = await newPage(browser, options);
	const round = await createRound(facilitator, 'Tabletronde');
	await facilitator.goto(local(round.links.facilitator));
	const anna = await open(browser, options, round.links.participant);
	await joinAs(anna, 'Anna', 'In de zaal');
	const bram = await participant(browser, round, 'Bram', 'Thuis');
	const shared = await open(browser, options, round.links.tablet);
	const r: Round = { round, facilitator, anna, shared };
	for (const page of extra) await page.goto(local(round.links.projector));

	await facilitator.getByText('Iemand zonder tablet toevoegen').click();
	await facilitator.getByLabel('Naam', { exact: true }).fill('Dirk');
	await facilitator.getByRole('button', { name: 'Toevoegen' }).click();

	await anna.getByRole('button', { name: 'Kaars' }).tap();
	await expect(anna.getByText('Kaars ligt op het kleed.')).toBeVisible();
	await bram.getByRole('button', { name: 'Bloem' }).tap();
	// Good news is below the kleed: its part loads when it comes near the screen, as people scroll.
	await anna.getByRole('heading', { name: 'Goed nieuws' }).scrollIntoViewIfNeeded();
	await showGoodNews(anna);
	await anna.getByText('Verjaardag', { exact: true }).tap();
	await anna.getByLabel('Een paar woorden (mag leeg blijven)').fill('Mijn kleinzoon is jarig');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	for (const page of extra) await expect(page.getByText('Mijn kleinzoon is jarig')).toBeVisible();
	await at('opening', r);

	await nextStep(facilitator, 'Verhaalkeuze', [anna, bram, ...extra]);
	for (const [page, text] of [
		[anna, ANNA_STORY],
		[bram, BRAM_STORY]
	] as const) {
		await page.getByLabel('Wat weegt zwaar voor jou?').fill(text);
		await page.getByRole('button', { name: 'Delen' }).tap();
		await expect(storyCard(page, text)).toContainText('Jouw verhaal');
	}
	for (const page of extra) await expect(page.getByRole('article')).toHaveCount(2);
	await at('stories', r);

	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await expect(heart(anna, BRAM_STORY)).toBeVisible();
	await expect(shared.getByRole('heading', { name: 'Wie stemt nu?' })).toBeVisible();
	await at('vote', r);

	await heart(anna, BRAM_STORY).tap();
	await expect(heart(anna, BRAM_STORY)).toHaveAttribute('aria-pressed', 'true');
	await shared.getByRole('button', { name: 'Dirk' }).tap();
	await expect(shared.getByRole('heading', { name: 'Hallo Dirk' })).toBeVisible();
	await at('tablet-vote', r);
	await heart(shared, BRAM_STORY).tap();
	await expect(shared.getByRole('heading', { name: 'Dank je, Dirk!' })).toBeVisible();
	await shared.getByRole('button', { name: 'Volgende persoon' }).tap();

	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await expect(storyCard(anna, BRAM_STORY)).toContainText('2 harten');
	await bram.getByRole('button', { name: 'Ja', exact: true }).tap();
	await expect(anna.getByRole('region', { name: 'Het gekozen verhaal' })).toBeVisible();
	for (const page of extra)
		await expect(page.getByRole('region', { name: 'Het gekozen verhaal' })).toBeVisible();
	await at('revealed', r);

	await nextStep(facilitator, 'Verdieping', [anna, ...extra]);
	await at('deepening', r);
	await nextStep(facilitator, 'Verbreding', [anna, ...extra]);
	await anna.getByRole('button', { name: 'Ik herken dit' }).tap();
	await at('broadening', r);
	await nextStep(facilitator, 'Afsluiting', [anna, ...extra]);
	await anna.getByLabel('Wat neem ik mee naar huis?').fill('Ik ben niet de enige');
	await anna.getByRole('button', { name: 'Opslaan' }).first().tap();
	for (const page of extra) await expect(page.getByText('Ik ben niet de enige')).toBeVisible();
	await at('closing', r);
	return r;
}

/** The main actions of each view at each moment. */
function keyActions(moment: Moment, { facilitator, anna, shared }: Round): [string, Locator][] {
	const button = (page: Page, name: string | RegExp) => page.getByRole('button', { name });
	const list: [string, Locator][] = [
		['begeleider: afspraken', button(facilitator, 'Afspraken')],
		['deelnemer: afspraken', button(anna, 'Afspraken')]
	];
	if (moment !== 'closing')
		list.push(['begeleider: volgende stap', button(facilitator, 'Volgende stap')]);
	else list.push(['begeleider: ronde afsluiten', button(facilitator, 'Ronde afsluiten')]);
	const more: Partial<Record<Moment, [string, Locator][]>> = {
		opening: [
			['deelnemer: kaars', button(anna, 'Kaars')],
			['deelnemer: goed nieuws delen', button(anna, 'Delen')]
		],
		stories: [['begeleider: stemmen openen', button(facilitator, 'Stemmen openen')]],
		vote: [
			['deelnemer: harten', button(anna, /^Hart voor:/)],
			['gedeelde tablet: namen', button(shared, 'Dirk')],
			['begeleider: uitslag tonen', button(facilitator, 'Uitslag tonen')]
		],
		'tablet-vote': [['gedeelde tablet: harten', button(shared, /^Hart voor:/)]],
		broadening: [['deelnemer: ik herken dit', button(anna, 'Ik herken dit')]],
		closing: [['deelnemer: opslaan', button(anna, 'Opslaan')]]
	};
	return [...list, ...(more[moment] ?? [])];
}

/** Rectangles (in page coordinates) of controls that overlap, excluding one inside another. */
function overlaps(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const selector = 'button, a[href], summary, input, select, textarea, label.tile';
		const els = [...document.querySelectorAll<HTMLElement>(selector)].filter((el) => {
			const rect = el.getBoundingClientRect();
			// Visually hidden (1px) and not rendered controls do not count.
			return el.checkVisibility({ visibilityProperty: true }) && rect.width > 2 && rect.height > 2;
		});
		const boxes = els.map((el) => {
			const r = el.getBoundingClientRect();
			return { el, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height };
		});
		const name = (el: HTMLElement) =>
			`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
		const found: string[] = [];
		for (let i = 0; i < boxes.length; i++) {
			for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i]!;
				const b = boxes[j]!;
				if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
				// A label and its own input are one control.
				const la = a.el.closest('label');
				if (la && la === b.el.closest('label')) continue;
				const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
				const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
				if (dx > 1 && dy > 1) found.push(`${name(a.el)} ∩ ${name(b.el)}`);
			}
		}
		return found;
	});
}

async function checkLayout(moment: Moment, r: Round, size: string) {
	for (const [view, page] of [
		['begeleider', r.facilitator],
		['deelnemer', r.anna],
		['gedeelde tablet', r.shared]
	] as const) {
		const where = `${size}, ${moment}, ${view}`;
		const width = await page.evaluate(() => ({
			scroll: document.documentElement.scrollWidth,
			inner: window.innerWidth
		}));
		expect(width.scroll, `no sideways scrolling: ${where}`).toBeLessThanOrEqual(width.inner);
		expect(await overlaps(page), `nothing on top of anything: ${where}`).toEqual([]);
	}
	for (const [what, locator] of keyActions(moment, r)) {
		const all = await locator.all();
		expect(all.length, `${size}, ${moment}: ${what} is there`).toBeGreaterThan(0);
		for (const one of all) {
			// Visible, or reachable by scrolling down: never only sideways.
			await one.scrollIntoViewIfNeeded();
			await expect(one, `${size}, ${moment}: ${what}`).toBeInViewport();
			const box = await one.boundingBox();
			const inner = await one.page().evaluate(() => window.innerWidth);
			expect(box!.x, `${size}, ${moment}: ${what}`).toBeGreaterThanOrEqual(0);
			expect(box!.x + box!.width, `${size}, ${moment}: ${what}`).toBeLessThanOrEqual(inner);
		}
	}
}

for (const [size, options] of SIZES) {
	test(`every view fits a ${size} in every step`, async ({ browser }) => {
		test.setTimeout(120_000);
		await playRound(browser, options, (moment, r) => checkLayout(moment, r, size));
	});
}

test('the screen reads from four metres: no text under 28 px at 1920×1080', async ({ browser }) => {
	test.setTimeout(120_000);
	const screen = await newPage(browser, PROJECTOR);
	const seen: string[] = [];
	await playRound(
		browser,
		{ ...LAPTOP, hasTouch: true },
		async (moment) => {
			const small = await screen.evaluate(() => {
				const found: string[] = [];
				const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
				for (let node = walker.nextNode(); node; node = walker.nextNode()) {
					const text = node.textContent?.trim();
					const parent = node.parentElement;
					if (!text || !parent || !parent.checkVisibility({ visibilityProperty: true })) continue;
					// Screen-reader-only text (clipped to nothing) is not on the screen.
					let hidden = false;
					for (let el: Element | null = parent; el; el = el.parentElement) {
						const style = getComputedStyle(el);
						const box = el.getBoundingClientRect();
						if (style.clip === 'rect(0px, 0px, 0px, 0px)' || (box.width <= 1 && box.height <= 1))
							hidden = true;
					}
					if (hidden) continue;
					const range = document.createRange();
					range.selectNodeContents(node);
					const rect = range.getBoundingClientRect();
					// Empty boxes and things scrolled out of the page do not count.
					if (rect.width <= 1 || rect.height <= 1 || rect.bottom < 0) continue;
					const size = parseFloat(getComputedStyle(parent).fontSize);
					if (size < 28) found.push(`${size}px "${text.slice(0, 40)}"`);
				}
				return found;
			});
			seen.push(moment);
			expect(small, `text under 28 px on the screen at ${moment}`).toEqual([]);
		},
		[screen]
	);
	expect(seen).toHaveLength(8);
});

test('a slow tablet (4× CPU slowdown) joins, gives a heart and sees the reveal', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Trage tablet');
	await facilitator.goto(local(round.links.facilitator));
	const bram = await participant(browser, round, 'Bram');

	const slow = await newPage(browser, TABLET);
	const cdp = await slow.context().newCDPSession(slow);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
	const times: string[] = [];
	const timed = async (what: string, step: () => Promise<void>) => {
		const start = Date.now();
		await step();
		times.push(`${what}: ${Date.now() - start} ms`);
	};

	await timed('opens and joins', async () => {
		await slow.goto(local(round.links.participant));
		await joinAs(slow, 'Anna', 'In de zaal');
	});
	await nextStep(facilitator, 'Verhaalkeuze', [bram]);
	await timed('follows the step', () => expectStep([slow], 'Verhaalkeuze'));
	await bram.getByLabel('Wat weegt zwaar voor jou?').fill(BRAM_STORY);
	await bram.getByRole('button', { name: 'Delen' }).tap();
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await timed('gives a heart', async () => {
		await heart(slow, BRAM_STORY).tap();
		await expect(heart(slow, BRAM_STORY)).toHaveAttribute('aria-pressed', 'true');
	});
	await expect(facilitator.getByText('1 van de 2 hebben gestemd')).toBeVisible();
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await timed('sees the reveal', () => expect(storyCard(slow, BRAM_STORY)).toContainText('1 hart'));
	// For information only: no thresholds, the machine running the tests varies too much.
	test.info().annotations.push({ type: 'timing (4× CPU slowdown)', description: times.join('; ') });
});

test('the room screen shows the whole kleed and everyone around it, also under a warm-up', async ({
	browser
}) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Grote ronde');
	await facilitator.goto(local(round.links.facilitator));
	const screen = await open(browser, PROJECTOR, round.links.projector);
	await facilitator.getByText('Iemand zonder tablet toevoegen').click();
	for (const name of ['Anna', 'Bram', 'Cem', 'Dirk', 'Eva', 'Fatima', 'Gerrit', 'Hanna']) {
		await facilitator.getByLabel('Naam', { exact: true }).fill(name);
		await facilitator.getByRole('button', { name: 'Toevoegen' }).click();
		await expect(screen.locator('figure.kleed .names').getByText(name)).toBeVisible();
	}
	const whole = async () => {
		// In the room, the screen is the window in front.
		await screen.bringToFront();
		// Nobody scrolls a projector: the cloth and every name are on the screen as it is.
		await expect(async () => {
			const boxes = await screen.evaluate(() =>
				[...document.querySelectorAll('figure.kleed, figure.kleed .names li')].map((el) => {
					const { top, bottom, left, right } = el.getBoundingClientRect();
					return { top, bottom, left, right, scrolled: window.scrollY };
				})
			);
			expect(boxes).toHaveLength(9);
			for (const box of boxes) {
				expect(box.scrolled).toBe(0);
				expect(box.top).toBeGreaterThanOrEqual(0);
				expect(box.left).toBeGreaterThanOrEqual(0);
				expect(box.bottom).toBeLessThanOrEqual(1080);
				expect(box.right).toBeLessThanOrEqual(1920);
			}
		}).toPass();
	};
	await whole();
	await facilitator
		.getByLabel('Opwarmer: een vraag of een spel')
		.fill('Noem een kleur die bij je dag past. Of een geluid dat je vandaag hoorde.');
	await facilitator
		.getByRole('region', { name: 'Opwarmer' })
		.getByRole('button', { name: 'Opslaan' })
		.click();
	await expect(screen.getByText('Noem een kleur die bij je dag past.')).toBeVisible();
	await whole();
});
