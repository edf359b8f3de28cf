import {
	expect,
	type Browser,
	type BrowserContextOptions,
	type Locator,
	type Page
} from '@playwright/test';
import { test } from './fixtures';
import { deviceAddress, expectStep, showFoot } from './helpers';
import type { CreateRoundResponse } from '../../src/lib/protocol.ts';

/** A cheap Android tablet, held upright. */
const TABLET: BrowserContextOptions = {
	viewport: { width: 800, height: 1280 },
	hasTouch: true,
	isMobile: true,
	locale: 'nl-NL'
};

const PROJECTOR: BrowserContextOptions = {
	viewport: { width: 1920, height: 1080 },
	locale: 'nl-NL'
};

const grouped = (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`;

async function newPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
	// Contexts made by hand do not get the config's baseURL.
	const context = await browser.newContext({
		...options,
		extraHTTPHeaders: { 'X-Forwarded-For': deviceAddress() },
		baseURL: test.info().project.use.baseURL
	});
	return context.newPage();
}

const participantList = (page: Page): Locator =>
	page.getByRole('region', { name: /Wie doen er mee/ }).getByRole('listitem');

async function joinAs(page: Page, name: string, presence: 'In de zaal' | 'Thuis') {
	await page.getByLabel('Je naam').fill(name);
	await page.getByRole('radio', { name: new RegExp(`^${presence}`) }).tap();
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	await expect(page.getByText(`Je naam: ${name}`)).toBeVisible();
}

async function createRoundViaApi(page: Page): Promise<string> {
	const response = await page.request.post('/api/rounds', { data: { title: 'Proefronde' } });
	expect(response.status()).toBe(201);
	return ((await response.json()) as CreateRoundResponse).code;
}

test('a round from the start page to the steps, on facilitator, tablets and projector', async ({
	page: facilitator,
	browser
}) => {
	// The facilitator starts a round.
	await facilitator.goto('/');
	await facilitator.getByLabel('Naam van de ronde (mag leeg blijven)').fill('Luistergroep dinsdag');
	await facilitator.getByRole('button', { name: 'Nieuwe ronde' }).click();
	// The secret key is taken out of the address bar once the tab remembers it.
	await expect(facilitator).toHaveURL(/\/r\/[A-Z2-9]{6}\/begeleider$/);

	const participantLink = await facilitator.getByLabel('Link voor deelnemers').inputValue();
	const projectorLink = await facilitator
		.getByLabel('Link voor het scherm (beamer of tv)')
		.inputValue();
	const code = new URL(participantLink).pathname.split('/').pop() ?? '';
	expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
	expect(new URL(projectorLink).hash).toMatch(/^#token=.+/);

	// Code, QR code and links open on demand, in one dialog (the console fits a laptop, #14).
	await facilitator.getByRole('button', { name: 'Code en links' }).click();
	const share = facilitator.getByRole('dialog', { name: 'Code en links' });
	await expect(share.getByText(grouped(code), { exact: true })).toBeVisible();
	await expect(share.getByRole('img', { name: 'QR-code om mee te doen' })).toBeVisible();
	await share.getByRole('button', { name: 'Sluiten' }).click();
	await expect(share).toBeHidden();
	await expect(participantList(facilitator)).toHaveCount(0);
	await expect(facilitator.getByText('Nog niemand.', { exact: false })).toBeVisible();
	await expectStep([facilitator], 'Opening');
	await expect(facilitator.getByRole('button', { name: 'Vorige stap' })).toBeDisabled();

	// Anna types the code from the screen on the start page, the sloppy way.
	const anna = await newPage(browser, TABLET);
	await anna.goto('/');
	await anna
		.getByLabel('Code van de ronde')
		.fill(`${code.slice(0, 3).toLowerCase()}-${code.slice(3)}`);
	await anna.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(anna).toHaveURL(new RegExp(`/r/${code}$`));
	await expect(anna.getByText('Ronde: Luistergroep dinsdag')).toBeVisible();
	await joinAs(anna, 'Anna', 'In de zaal');

	// Bram scans the QR code (the participant link) at home.
	const bram = await newPage(browser, TABLET);
	await bram.goto(participantLink);
	await joinAs(bram, 'Bram', 'Thuis');

	// The facilitator sees both, where they sit, and that they are online.
	const people = participantList(facilitator);
	await expect(people).toHaveCount(2);
	const annaRow = people.filter({ hasText: 'Anna' });
	const bramRow = people.filter({ hasText: 'Bram' });
	await expect(annaRow).toContainText('In de zaal');
	await expect(annaRow).toContainText('online');
	await expect(bramRow).toContainText('Thuis');
	await expect(bramRow).toContainText('online');
	// Participants see the same list, themselves marked (at the foot of their page).
	await showFoot(anna);
	await expect(participantList(anna)).toHaveCount(2);
	await expect(participantList(anna).filter({ hasText: 'Anna' })).toContainText('jij');

	// The projector, opened from its link, shows the code and how to join.
	const screen = await newPage(browser, PROJECTOR);
	await screen.goto(projectorLink);
	await expect(screen).toHaveURL(new RegExp(`/r/${code}/scherm$`));
	await expect(screen.getByRole('heading', { name: 'Doe mee' })).toBeVisible();
	await expect(screen.getByText(grouped(code), { exact: true })).toBeVisible();
	// Everyone who joined sits around the kleed.
	await expect(
		screen.getByRole('list', { name: 'Rond het kleed' }).getByRole('listitem')
	).toHaveCount(2);

	const everyone = [facilitator, anna, bram, screen];
	await expectStep(everyone, 'Opening');

	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await expectStep(everyone, 'Verhaalkeuze');
	await expect(facilitator.getByRole('button', { name: 'Vorige stap' })).toBeEnabled();

	await facilitator.getByRole('button', { name: 'Vorige stap' }).click();
	await expectStep(everyone, 'Opening');
	await expect(facilitator.getByRole('button', { name: 'Vorige stap' })).toBeDisabled();

	// A reload (or a tablet waking up) brings back the same person, not a second Anna.
	await anna.reload();
	await expect(anna.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	await expect(anna.getByText('Je naam: Anna')).toBeVisible();
	await expect(anna.getByLabel('Je naam')).toHaveCount(0);
	await expectStep([anna], 'Opening');
	await expect(people).toHaveCount(2);
	await expect(annaRow).toContainText('online');

	// When Bram closes his tablet, the facilitator sees him go offline (but he stays on the kleed).
	await bram.context().close();
	await expect(bramRow).toContainText('offline');
	await expect(people).toHaveCount(2);

	// The facilitator can go all the way to the end, and not beyond.
	for (const step of ['Verhaalkeuze', 'Verdieping', 'Verbreding', 'Afsluiting']) {
		await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
		await expectStep([facilitator, anna, screen], step);
	}
	await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeDisabled();
});

test('a participant who loses the connection sees a calm message and catches up by itself', async ({
	page: facilitator,
	browser
}) => {
	await facilitator.goto('/');
	await facilitator.getByRole('button', { name: 'Nieuwe ronde' }).click();
	await expect(facilitator).toHaveURL(/\/begeleider$/);
	const link = await facilitator.getByLabel('Link voor deelnemers').inputValue();

	const anna = await newPage(browser, TABLET);
	// Every websocket of this tablet goes through here, so the test can cut the wifi.
	let wifi = true;
	const sockets: { close: () => Promise<void> }[] = [];
	await anna.routeWebSocket(/\/sync\//, (ws) => {
		if (!wifi) {
			void ws.close({ code: 4500, reason: 'no wifi' });
			return;
		}
		ws.connectToServer();
		sockets.push({ close: () => ws.close({ code: 4500, reason: 'wifi lost' }) });
	});
	await anna.goto(link);
	await joinAs(anna, 'Anna', 'Thuis');
	await expectStep([anna], 'Opening');

	wifi = false;
	for (const socket of sockets.splice(0)) await socket.close();
	await expect(anna.getByText('Geen verbinding.', { exact: false })).toBeVisible();
	await expect(participantList(facilitator).filter({ hasText: 'Anna' })).toContainText('offline');

	// Meanwhile the round moves on.
	await facilitator.getByRole('button', { name: 'Volgende stap' }).click();
	await expectStep([facilitator], 'Verhaalkeuze');

	wifi = true;
	await expect(anna.getByText('Weer verbonden')).toBeVisible({ timeout: 15_000 });
	await expectStep([anna], 'Verhaalkeuze');
	await expect(participantList(facilitator).filter({ hasText: 'Anna' })).toContainText('online');
	await expect(participantList(facilitator)).toHaveCount(1);
});

test('the join form explains mistakes in plain Dutch', async ({ browser }) => {
	const page = await newPage(browser, TABLET);
	const code = await createRoundViaApi(page);

	// No name, no choice.
	await page.goto(`/r/${code}`);
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	const name = page.getByLabel('Je naam');
	await expect(page.getByText('Vul je naam in.')).toBeVisible();
	await expect(name).toHaveAttribute('aria-invalid', 'true');
	await expect(name).toHaveAccessibleDescription(/Vul je naam in\./);
	await expect(name).toBeFocused();
	await expect(page.getByText('Kies: in de zaal of thuis.')).toBeVisible();
	// Only spaces is no name either.
	await name.fill('   ');
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByText('Vul je naam in.')).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Je doet mee' })).toHaveCount(0);

	// A code that cannot be one, typed on the start page.
	await page.goto('/');
	await page.getByLabel('Code van de ronde').fill('12');
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByText('Een code heeft 6 tekens', { exact: false })).toBeVisible();
	await expect(page).toHaveURL(/\/$/);

	// A well-formed code of a round that does not exist.
	await page.getByLabel('Code van de ronde').fill('ZZZ 999');
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByText('Er is geen ronde met deze code.', { exact: false })).toBeVisible();
	await expect(page).toHaveURL(/\/$/);

	// The same code opened as a link.
	await page.goto('/r/ZZZ999');
	await expect(page.getByRole('alert')).toContainText('Deze ronde bestaat niet (meer).');
	await expect(page.getByLabel('Je naam')).toHaveCount(0);
});

test('the facilitator page refuses a missing or wrong key', async ({ page }) => {
	const code = await createRoundViaApi(page);

	await page.goto(`/r/${code}/begeleider`);
	await expect(page.getByRole('alert')).toContainText('alleen voor de begeleiders');

	const other = await page.context().newPage();
	await other.goto(`/r/${code}/begeleider#key=not-the-key`);
	await expect(other.getByRole('alert')).toContainText('Deze sleutel hoort niet bij deze ronde.');
	await expect(other.getByRole('button', { name: 'Volgende stap' })).toHaveCount(0);
	// A wrong key is not remembered: after a reload the page asks for the right link again.
	await other.reload();
	await expect(other.getByRole('alert')).toContainText('alleen voor de begeleiders');
});

test('the co-facilitator opens the facilitator link on another device and steers too', async ({
	page,
	browser
}) => {
	const response = await page.request.post('/api/rounds', { data: {} });
	const round = (await response.json()) as CreateRoundResponse;
	const path = new URL(round.links.facilitator);
	const co = await newPage(browser, { viewport: { width: 1280, height: 900 } });
	// Count websocket connections: a healthy page opens one and keeps it.
	let sockets = 0;
	co.on('websocket', () => sockets++);
	await co.goto(path.pathname + path.hash);
	// The other laptop also gets the projector link (from the server, not from the first tab).
	const projectorLink = await co.getByLabel('Link voor het scherm (beamer of tv)').inputValue();
	expect(new URL(projectorLink).hash).toBe(new URL(round.links.projector).hash);
	await co.getByRole('button', { name: 'Volgende stap' }).click();
	await expectStep([co], 'Verhaalkeuze');
	await co.waitForTimeout(2000);
	expect(sockets).toBe(1);
});
