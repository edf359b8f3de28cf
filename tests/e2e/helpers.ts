import {
	expect,
	test,
	type Browser,
	type BrowserContextOptions,
	type Locator,
	type Page
} from '@playwright/test';
import type { CreateRoundResponse } from '../../src/lib/protocol.ts';

/** A cheap Android tablet, held upright. */
export const TABLET: BrowserContextOptions = {
	viewport: { width: 800, height: 1280 },
	hasTouch: true,
	isMobile: true,
	locale: 'nl-NL'
};

/** The room's screen. */
export const PROJECTOR: BrowserContextOptions = {
	viewport: { width: 1920, height: 1080 },
	locale: 'nl-NL'
};

/** The facilitator's (or the trainer's) laptop. */
export const LAPTOP: BrowserContextOptions = {
	viewport: { width: 1440, height: 1000 },
	locale: 'nl-NL'
};

export const OBSERVED = 'Er kijkt iemand mee (trainer)';

/** What POST /api/rounds answers: the protocol's own type, under the name the specs use. */
export type CreatedRound = CreateRoundResponse;

/** Every URL any page of this test process asked for (requests and websockets). */
const requested = new Set<string>();

/** What was requested from anywhere but the app's own origin (privacy: must stay empty). */
export function foreignRequests(): string[] {
	const own = new URL(test.info().project.use.baseURL!);
	return [...requested].filter((url) => {
		if (url.startsWith('data:') || url.startsWith('blob:')) return false;
		const u = new URL(url);
		return u.host !== own.host;
	});
}

export function requestCount(): number {
	return requested.size;
}

/**
 * The e2e server sits "behind a proxy" (TRUST_PROXY=127.0.0.1 in playwright.config.ts): each
 * device says where it comes from in X-Forwarded-For, as a reverse proxy would. So every device
 * has its own address, like tablets of different households, and the per-address limits (#15)
 * count each test's own requests, not the whole suite's.
 */
export function deviceAddress(): string {
	const byte = () => Math.floor(Math.random() * 256);
	return `10.${byte()}.${byte()}.${byte()}`;
}

/** Each device is its own browser context: its own storage, like a separate tablet. */
export async function newPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
	// Contexts made by hand do not get the config's baseURL.
	const context = await browser.newContext({
		...options,
		extraHTTPHeaders: { 'X-Forwarded-For': deviceAddress(), ...options.extraHTTPHeaders },
		baseURL: test.info().project.use.baseURL
	});
	context.on('request', (request) => requested.add(request.url()));
	const page = await context.newPage();
	page.on('websocket', (ws) => requested.add(ws.url()));
	return page;
}

/** Path and fragment of a link: the server may hand out another host name than the test uses. */
export function local(link: string): string {
	const url = new URL(link);
	return url.pathname + url.hash;
}

export async function createRound(page: Page, title = 'Proefronde'): Promise<CreatedRound> {
	const response = await page.request.post('/api/rounds', { data: { title } });
	expect(response.status()).toBe(201);
	return (await response.json()) as CreatedRound;
}

/**
 * An old tablet, made certain: the page the server drew is on screen, but the app's code is held
 * back until `release()` is called, so the test can act in the second before the app runs.
 */
export async function holdApp(page: Page): Promise<{ release: () => void }> {
	let release = () => {};
	const released = new Promise<void>((resolve) => (release = resolve));
	await page.route(/\/_app\/immutable\/entry\/start\./, async (route) => {
		await released;
		await route.continue();
	});
	return { release };
}

/** Opens a device on one of the round's links (facilitator, projector, observer, tablet). */
export async function open(
	browser: Browser,
	options: BrowserContextOptions,
	link: string
): Promise<Page> {
	const page = await newPage(browser, options);
	await page.goto(local(link));
	return page;
}

/** A participant joins through the form, as people do. */
export async function joinAs(page: Page, name: string, presence: 'In de zaal' | 'Thuis') {
	await page.getByLabel('Je naam').fill(name);
	await page.getByRole('radio', { name: new RegExp(`^${presence}`) }).tap();
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	await expect(page.getByText(`Je naam: ${name}`)).toBeVisible();
}

/** A tablet opens the participant link and joins. */
export async function participant(
	browser: Browser,
	round: CreatedRound,
	name: string,
	presence: 'In de zaal' | 'Thuis' = 'In de zaal'
): Promise<Page> {
	const page = await open(browser, TABLET, round.links.participant);
	await joinAs(page, name, presence);
	return page;
}

/** The step marked as current in the step bar. */
export const currentStep = (page: Page): Locator =>
	page.getByRole('navigation', { name: 'Stappen van de ronde' }).locator('[aria-current="step"]');

/** The big "Nu bezig" block, a live region. */
export const stepNow = (page: Page): Locator =>
	page.getByRole('status').filter({ hasText: 'Nu bezig' });

/**
 * Scrolls a participant's page down until its foot (the steps and the people) is there: it loads
 * its code when it comes near the screen (ParticipantView). Other pages have it at once.
 */
export async function showFoot(page: Page) {
	const bar = page.getByRole('navigation', { name: 'Stappen van de ronde' });
	await expect(async () => {
		if ((await bar.count()) === 0) {
			await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		}
		await expect(bar).toBeAttached({ timeout: 1000 });
	}).toPass();
}

/** Scrolls a participant's Opening to the good news, whose form loads when it comes on screen. */
export async function showGoodNews(page: Page) {
	const card = page.getByRole('region', { name: 'Goed nieuws' });
	await card.evaluate((el) => el.scrollIntoView({ block: 'end' }));
	await expect(card.getByRole('button', { name: 'Delen' })).toBeVisible();
}

export async function expectStep(pages: Page[], name: string) {
	for (const page of pages) {
		await expect(stepNow(page)).toContainText(name);
		await showFoot(page);
		await expect(currentStep(page)).toHaveText(new RegExp(name));
	}
}

/** The facilitator moves the round on and every page follows. */
export async function nextStep(facilitator: Page, name: string, everyone: Page[] = []) {
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await expectStep([facilitator, ...everyone], name);
}

/** A story as a card in the list on a page (participant, facilitator, projector). */
export const storyCard = (page: Page, text: string): Locator =>
	page.getByRole('article').filter({ hasText: text });

/** Any "N harten" / "1 hart" on a page: totals, which must not show before the reveal. */
export const heartTotals = (page: Page): Locator => page.getByText(/^\s*\d+ hart(en)?\s*$/);
