import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	TABLET,
	createRound,
	expectStep,
	joinAs,
	local,
	newPage,
	nextStep,
	storyCard
} from './helpers';

interface Manifest {
	name: string;
	description: string;
	start_url: string;
	display: string;
	theme_color: string;
	background_color: string;
	icons: { src: string; sizes: string; type: string; purpose?: string }[];
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Every URL in every cache of the page's origin, with its body as text. */
async function cached(page: Page): Promise<{ url: string; body: string }[]> {
	return page.evaluate(async () => {
		const all: { url: string; body: string }[] = [];
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const request of await cache.keys()) {
				const response = await cache.match(request);
				all.push({ url: request.url, body: response ? await response.text() : '' });
			}
		}
		return all;
	});
}

async function activeWorker(page: Page): Promise<string | undefined> {
	return page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		return registration.active?.state;
	});
}

test('Kleed is installable: a valid manifest, linked, with its icons', async ({ page }) => {
	await page.goto('/');
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	expect(href).toBeTruthy();
	const response = await page.request.get(new URL(href!, page.url()).href);
	expect(response.ok()).toBe(true);
	expect(response.headers()['content-type']).toMatch(/application\/(manifest\+)?json/);
	const manifest = (await response.json()) as Manifest;
	expect(manifest.name).toBe('Kleed');
	expect(manifest.description).toMatch(/luisterronde/);
	expect(manifest.start_url).toBe('/');
	expect(manifest.display).toBe('standalone');
	// The colours of app.css.
	expect(manifest.background_color).toBe('#f7f1e8');
	expect(manifest.theme_color).toBe('#f7f1e8');

	const wanted = [
		{ size: 192, purpose: 'any' },
		{ size: 512, purpose: 'any' },
		{ size: 512, purpose: 'maskable' }
	];
	for (const { size, purpose } of wanted) {
		const icon = manifest.icons.find(
			(i) => i.sizes === `${size}x${size}` && (i.purpose ?? 'any').split(' ').includes(purpose)
		);
		expect(icon, `${purpose} icon ${size}`).toBeDefined();
		expect(icon!.type).toBe('image/png');
		const file = await page.request.get(icon!.src);
		expect(file.ok()).toBe(true);
		expect(pngSize(await file.body())).toEqual([size, size]);
	}
});

test('after one visit the start page and a participant page open without wifi, and no round data is cached', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Zonder wifi');
	await facilitator.goto(local(round.links.facilitator));

	const tablet = await newPage(browser, TABLET);
	await tablet.goto('/');
	await expect.poll(() => activeWorker(tablet)).toBe('activated');
	await tablet.goto(local(round.links.participant));
	// The page is under the worker's control (clients.claim / a navigation after install).
	await expect.poll(() => tablet.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
	// A page the worker answers asks for no preloads: its files are in the cache, and on an old
	// tablet preloads made the browser compile every module before drawing the page (#18).
	const served = await tablet.reload();
	expect(served?.fromServiceWorker()).toBe(true);
	expect(served?.headers()['link'] ?? '').not.toContain('preload');
	await joinAs(tablet, 'Anna', 'In de zaal');

	// A story is in the round while this tablet is on it.
	await nextStep(facilitator, 'Verhaalkeuze', [tablet]);
	const story = 'Mijn zus is ziek en ik ben bang';
	await tablet.getByLabel('Wat weegt zwaar voor jou?').fill(story);
	await tablet.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(tablet, story)).toBeVisible();

	await tablet.context().setOffline(true);

	// The start page comes back from the cache.
	await tablet.goto('/');
	await expect(tablet.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(tablet.locator('link[rel="manifest"]')).toHaveCount(1);

	// The participant page comes back from the cache: Anna is still Anna, and the banner is calm.
	await tablet.goto(local(round.links.participant));
	await expect(tablet.getByText('Je naam: Anna')).toBeVisible();
	await expect(tablet.getByRole('status').filter({ hasText: 'Geen verbinding.' })).toBeVisible();

	// Privacy: nothing from the API, no story text, no token in any cache.
	const entries = await cached(tablet);
	expect(entries.length).toBeGreaterThan(0);
	for (const { url, body } of entries) {
		expect(new URL(url).pathname, url).not.toMatch(/^\/api\//);
		expect(body, url).not.toContain(story);
		expect(body, url).not.toContain(round.facilitatorKey);
	}
	const token = await tablet.evaluate(() => JSON.stringify(localStorage));
	for (const { body } of entries) {
		for (const secret of token.match(/[A-Za-z0-9_-]{20,}/g) ?? [])
			expect(body).not.toContain(secret);
	}

	await tablet.context().setOffline(false);
	await expectStep([tablet], 'Verhaalkeuze');
});
