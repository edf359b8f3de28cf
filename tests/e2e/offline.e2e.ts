import { expect, type Page, type WebSocketRoute } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	createRound,
	expectStep,
	local,
	newPage,
	nextStep,
	participant,
	TABLET,
	joinAs,
	storyCard
} from './helpers';

/**
 * Weak wifi: the network goes away, the banner says so calmly, and when the network is back the
 * page catches up by itself: no reload, no lost place.
 *
 * Chromium's offline emulation (context.setOffline, or CDP Network.emulateNetworkConditions with
 * offline: true) stops new requests but leaves an open websocket alone: tried here, the banner
 * never showed. So the wifi is cut in two places: offline emulation for every HTTP request, and
 * the sync websocket through routeWebSocket, which closes the live socket and refuses new ones.
 */
class Wifi {
	#on = true;
	#sockets: WebSocketRoute[] = [];

	private constructor(private readonly page: Page) {}

	static async of(page: Page): Promise<Wifi> {
		const wifi = new Wifi(page);
		await page.routeWebSocket(/\/sync\//, (ws) => {
			if (!wifi.#on) {
				void ws.close({ code: 4500, reason: 'no wifi' }).catch(() => undefined);
				return;
			}
			ws.connectToServer();
			wifi.#sockets.push(ws);
		});
		return wifi;
	}

	async off() {
		this.#on = false;
		await this.page.context().setOffline(true);
		for (const ws of this.#sockets.splice(0)) await ws.close({ code: 4500, reason: 'wifi lost' });
	}

	async on() {
		this.#on = true;
		await this.page.context().setOffline(false);
	}
}

test('a participant loses the wifi and catches up without a reload', async ({ browser }) => {
	test.setTimeout(90_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Slechte wifi');
	await facilitator.goto(local(round.links.facilitator));
	const anna = await newPage(browser, TABLET);
	const wifi = await Wifi.of(anna);
	await anna.goto(local(round.links.participant));
	await joinAs(anna, 'Anna', 'In de zaal');
	const bram = await participant(browser, round, 'Bram');
	await expectStep([anna, bram], 'Opening');

	// Set on this very document: if the page reloads or navigates, it is gone.
	await anna.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'hier'));
	let navigations = 0;
	anna.on('framenavigated', (frame) => {
		if (frame === anna.mainFrame()) navigations++;
	});

	await wifi.off();
	const offline = anna.getByRole('status').filter({ hasText: 'Geen verbinding.' });
	await expect(offline).toBeVisible();
	await expect(offline).toContainText('We proberen het opnieuw');

	// Meanwhile the round goes on without Anna.
	await nextStep(facilitator, 'Verhaalkeuze', [bram]);
	await bram.getByLabel('Wat weegt zwaar voor jou?').fill('Mijn fiets is gestolen');
	await bram.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(facilitator, 'Mijn fiets is gestolen')).toBeVisible();
	// Anna is still cut off: she has not seen any of it.
	await expect(offline).toBeVisible();
	await expect(storyCard(anna, 'Mijn fiets is gestolen')).toHaveCount(0);

	await wifi.on();
	await expect(anna.getByText('Weer verbonden')).toBeVisible({ timeout: 20_000 });
	await expect(offline).toHaveCount(0);
	await expectStep([anna], 'Verhaalkeuze');
	await expect(storyCard(anna, 'Mijn fiets is gestolen')).toBeVisible();

	// The same document all along.
	expect(navigations).toBe(0);
	expect(await anna.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
		'hier'
	);
	// And the calm "back" note goes away by itself.
	await expect(anna.getByText('Weer verbonden')).toHaveCount(0, { timeout: 10_000 });
});

/**
 * A network that goes quiet without anything closing: the socket stays open to the browser, but
 * no frame passes either way (a dead access point, a tablet walked out of range). New sockets are
 * refused meanwhile, as a network that carries nothing would.
 */
class QuietWifi {
	quiet = false;

	static async of(page: Page): Promise<QuietWifi> {
		const wifi = new QuietWifi();
		await page.routeWebSocket(/\/sync\//, (ws) => {
			if (wifi.quiet) {
				void ws.close({ code: 4500, reason: 'no wifi' }).catch(() => undefined);
				return;
			}
			const server = ws.connectToServer();
			ws.onMessage((message) => {
				if (!wifi.quiet) server.send(message);
			});
			server.onMessage((message) => {
				if (!wifi.quiet) ws.send(message);
			});
		});
		return wifi;
	}
}

test('the browser knows the wifi is gone: "Geen verbinding" within 3 s, and back at once', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Wifi weg');
	await facilitator.goto(local(round.links.facilitator));
	const anna = await participant(browser, round, 'Anna');
	await expectStep([anna], 'Opening');
	const offline = anna.getByRole('status').filter({ hasText: 'Geen verbinding.' });

	// Only the browser's own offline switch: the open socket is left alone (Chromium does not
	// close it), so only listening to the `offline` event can say it this fast.
	const cut = Date.now();
	await anna.context().setOffline(true);
	await expect(offline).toBeVisible({ timeout: 3_000 });
	console.log(`offline event -> banner: ${Date.now() - cut} ms`);

	await nextStep(facilitator, 'Verhaalkeuze');
	const back = Date.now();
	await anna.context().setOffline(false);
	await expectStep([anna], 'Verhaalkeuze');
	console.log(`online event -> caught up: ${Date.now() - back} ms`);
	await expect(offline).toHaveCount(0);
});

test('a silent network: "Geen verbinding" within about 10 s, then it catches up by itself', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Stille wifi');
	await facilitator.goto(local(round.links.facilitator));
	const anna = await newPage(browser, TABLET);
	const wifi = await QuietWifi.of(anna);
	await anna.goto(local(round.links.participant));
	await joinAs(anna, 'Anna', 'In de zaal');
	await expectStep([anna], 'Opening');
	await anna.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'hier'));
	const offline = anna.getByRole('status').filter({ hasText: 'Geen verbinding.' });

	const cut = Date.now();
	wifi.quiet = true;
	await expect(offline).toBeVisible({ timeout: 10_000 });
	console.log(`silent network -> banner: ${Date.now() - cut} ms`);

	await nextStep(facilitator, 'Verhaalkeuze');
	await expect(offline).toBeVisible();
	const back = Date.now();
	wifi.quiet = false;
	// Back through the ordinary attempts (at most 2.5 s apart), then the doc catches up.
	await expectStep([anna], 'Verhaalkeuze');
	console.log(`network back -> caught up: ${Date.now() - back} ms`);
	await expect(offline).toHaveCount(0);
	expect(await anna.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
		'hier'
	);
});
