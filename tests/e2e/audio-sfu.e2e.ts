/**
 * Sound through a real LiveKit server: runs only when the server under test has one
 * (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET in the environment; Playwright passes them on
 * to the webServer). Chromium's fake microphone plays a beep, which LiveKit hears as speaking.
 */
import { existsSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import { LAPTOP, createRound, local, newPage, participant, showFoot } from './helpers';

const configured = Boolean(
	process.env.LIVEKIT_URL && process.env.LIVEKIT_API_KEY && process.env.LIVEKIT_API_SECRET
);

test.skip(
	!configured,
	'LiveKit not configured: set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET to run'
);

test.use({
	launchOptions: {
		executablePath:
			process.env.CHROMIUM_PATH ??
			(existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			'--autoplay-policy=no-user-gesture-required'
		]
	}
});

/** Someone's row in the list of people on a page. */
const row = (page: Page, name: string) =>
	page
		.getByRole('region', { name: /Wie doen er mee/ })
		.getByRole('listitem')
		.filter({ hasText: name });

async function joinSound(page: Page) {
	// Sound is one tap away in the bar at the bottom.
	await page.getByRole('button', { name: 'Geluid', exact: true }).tap();
	await page.getByRole('button', { name: 'Meedoen met geluid' }).tap();
	await expect(page.getByText('Geluid: verbonden')).toBeVisible({ timeout: 20_000 });
	const allow = page.getByRole('button', { name: 'Geluid aan' });
	if (await allow.isVisible()) await allow.tap();
	await expect(page.getByText('Je microfoon staat aan.')).toBeVisible();
}

test('two people at home hear each other through LiveKit; each sees the other connected and speaking', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	await facilitator.context().grantPermissions(['microphone']);
	const anna = await participant(browser, round, 'Anna', 'Thuis');
	const bram = await participant(browser, round, 'Bram', 'Thuis');
	for (const page of [anna, bram]) await page.context().grantPermissions(['microphone']);

	await joinSound(anna);
	await joinSound(bram);
	for (const page of [anna, bram]) await showFoot(page);

	// Each sees the other in the sound (awareness), then speaking (LiveKit's active speakers).
	await expect(row(anna, 'Bram')).toContainText(/microfoon aan|praat/);
	await expect(row(bram, 'Anna')).toContainText(/microfoon aan|praat/);
	await expect(row(anna, 'Bram')).toContainText('praat', { timeout: 30_000 });
	await expect(row(bram, 'Anna')).toContainText('praat', { timeout: 30_000 });
	await expect(row(facilitator, 'Anna')).toContainText(/microfoon aan|praat/);

	// Anna mutes herself: everyone sees it.
	await anna.getByRole('button', { name: 'Microfoon uit', exact: true }).tap();
	await expect(anna.getByText('Je microfoon staat uit.')).toBeVisible();
	await expect(row(bram, 'Anna')).toContainText('microfoon uit');
	await anna.getByRole('button', { name: 'Microfoon aan', exact: true }).tap();
	await expect(row(bram, 'Anna')).toContainText(/microfoon aan|praat/);

	// The facilitator mutes Bram through Kleed's server; Bram can turn it on again.
	await facilitator.getByRole('button', { name: 'Microfoon uit: Bram' }).click();
	await expect(bram.getByText('Je microfoon staat uit.')).toBeVisible({ timeout: 15_000 });
	await expect(row(anna, 'Bram')).toContainText('microfoon uit');
	await bram.getByRole('button', { name: 'Microfoon aan', exact: true }).tap();
	await expect(bram.getByText('Je microfoon staat aan.')).toBeVisible();

	// The facilitator's laptop becomes the room.
	await facilitator.getByRole('button', { name: 'Dit apparaat is de zaal' }).click();
	await expect(facilitator.getByText('Dit apparaat is de zaal.')).toBeVisible();
	await expect(facilitator.getByText('Geluid: verbonden')).toBeVisible({ timeout: 20_000 });
});
