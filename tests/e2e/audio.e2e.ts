import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, type Response } from '@playwright/test';
import { test } from './fixtures';
import { LAPTOP, TABLET, createRound, joinAs, local, newPage, open } from './helpers';

/** A string that is in livekit-client's code and nowhere in ours. */
const LIVEKIT_MARKER = 'livekit-pc-manager';
const CHUNKS = 'build/client/_app/immutable';

/** The built files that carry livekit-client (the webServer built them before the tests). */
function liveKitChunks(): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(CHUNKS, { recursive: true, encoding: 'utf8' })) {
		if (!entry.endsWith('.js')) continue;
		if (readFileSync(join(CHUNKS, entry), 'utf8').includes(LIVEKIT_MARKER)) {
			found.push(entry.split('/').pop()!);
		}
	}
	return found;
}

/** Every script this page loads, with its text. */
function recordScripts(page: Page): Map<string, Promise<string>> {
	const scripts = new Map<string, Promise<string>>();
	page.on('response', (response: Response) => {
		if (response.request().resourceType() !== 'script') return;
		scripts.set(
			response.url(),
			response.text().catch(() => '')
		);
	});
	return scripts;
}

async function scriptsWithLiveKit(scripts: Map<string, Promise<string>>): Promise<string[]> {
	const hits: string[] = [];
	for (const [url, text] of scripts) if ((await text).includes(LIVEKIT_MARKER)) hits.push(url);
	return hits;
}

test('without a sound server, "Meedoen met geluid" explains and shows the facilitator\'s own instructions; livekit-client never loads', async ({
	browser,
	request
}) => {
	const health = (await (await request.get('/api/health')).json()) as { audio: boolean };
	test.skip(health.audio, 'LiveKit is configured here; this test is for a server without it');
	const chunks = liveKitChunks();
	// The check below means something only if the build has livekit-client in a chunk of its own.
	expect(chunks.length).toBeGreaterThan(0);

	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const instructions = 'Bel 020 123 45 67 en toets 1234 #';
	const help = facilitator.locator('details').filter({
		has: facilitator.locator('summary', { hasText: 'Geluid: uitleg voor mensen thuis' })
	});
	await help.locator('summary').click();
	await help.getByLabel('Geluid: uitleg voor mensen thuis').fill(instructions);
	await help.getByRole('button', { name: 'Opslaan' }).click();
	await expect(help.getByText('Opgeslagen')).toBeVisible();

	// A participant at home: the first load must stay light (no livekit-client).
	const home = await newPage(browser, TABLET);
	const scripts = recordScripts(home);
	await home.goto(local(round.links.participant));
	await joinAs(home, 'Cem', 'Thuis');
	const join = home.getByRole('button', { name: 'Meedoen met geluid' });
	await expect(join).toBeVisible();
	await home.waitForLoadState('networkidle');
	expect(scripts.size).toBeGreaterThan(0);
	expect(await scriptsWithLiveKit(scripts)).toEqual([]);
	for (const url of scripts.keys()) expect(chunks.some((c) => url.endsWith(`/${c}`))).toBe(false);

	// Sound is not set up on this server: say so, and show what the facilitator wrote.
	await join.tap();
	await expect(home.getByText('Geluid via Kleed is hier niet ingesteld.')).toBeVisible();
	await expect(home.getByText('Zo doe je mee met geluid:')).toBeVisible();
	await expect(home.getByText(instructions)).toBeVisible();
	// Nobody is shown as connected with sound.
	await expect(home.getByText('Geluid: verbonden')).toHaveCount(0);
	await home.waitForLoadState('networkidle');
	expect(await scriptsWithLiveKit(scripts)).toEqual([]);

	// The facilitator's own "Dit apparaat is de zaal" says the same, and where to fix it.
	await facilitator.getByRole('button', { name: 'Dit apparaat is de zaal' }).click();
	await expect(facilitator.getByText('Geluid via Kleed is hier niet ingesteld.')).toBeVisible();
	await expect(facilitator.getByText(instructions).first()).toBeVisible();

	// The trainer can only listen; the same explanation.
	const trainer = await open(browser, LAPTOP, round.links.observer);
	await trainer.getByRole('button', { name: 'Meeluisteren' }).click();
	await expect(trainer.getByText(instructions)).toBeVisible();
});

test('in the room, the sound button warns about echo', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	const tablet = await open(browser, TABLET, round.links.participant);
	await joinAs(tablet, 'Dora', 'In de zaal');
	await expect(tablet.getByText(/Zit je in de zaal\? Doe dan niet mee met geluid/)).toBeVisible();
	await expect(tablet.getByRole('button', { name: 'Meedoen met geluid' })).toBeVisible();
	await expect(tablet.getByRole('button', { name: 'Hand opsteken' })).toBeVisible();
});

test('livekit-client loads only when someone joins; a sound server out of reach is said calmly, retried, and shown to the others', async ({
	browser
}) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const home = await newPage(browser, TABLET);
	const scripts = recordScripts(home);
	// A grant for a LiveKit server nobody answers at: what a dropped connection looks like.
	await home.route('**/api/rounds/*/audio', (route) =>
		route.fulfill({
			json: { url: 'ws://127.0.0.1:9', token: 'not-a-real-token', identity: 'p:someone' }
		})
	);
	await home.goto(local(round.links.participant));
	await joinAs(home, 'Cem', 'Thuis');
	await home.waitForLoadState('networkidle');
	expect(await scriptsWithLiveKit(scripts)).toEqual([]);

	await home.getByRole('button', { name: 'Meedoen met geluid' }).tap();
	await expect(home.getByRole('status').filter({ hasText: 'Geluid:' })).toContainText(
		/verbinden…|verbinding weg/
	);
	await expect
		.poll(async () => (await scriptsWithLiveKit(scripts)).length, { timeout: 20_000 })
		.toBeGreaterThan(0);
	await expect(home.getByText('Geluid: verbinding weg. We proberen het opnieuw.')).toBeVisible({
		timeout: 30_000
	});
	// The facilitator sees that Cem tries to join the sound (awareness), without a mute button.
	const cem = facilitator
		.getByRole('region', { name: /Wie doen er mee/ })
		.getByRole('listitem')
		.filter({ hasText: 'Cem' });
	await expect(cem).toContainText(/geluid weg|geluid verbindt…/);
	await expect(facilitator.getByRole('button', { name: 'Microfoon uit: Cem' })).toHaveCount(0);

	// Stopping takes Cem out of the sound everywhere.
	await home.getByRole('button', { name: 'Geluid stoppen' }).tap();
	await expect(home.getByRole('button', { name: 'Meedoen met geluid' })).toBeVisible();
	await expect(cem).not.toContainText(/geluid weg|geluid verbindt…/);
});
