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

test("without a sound server, no button offers sound: people at home see the facilitator's own instructions; livekit-client never loads", async ({
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
	// The facilitator is told why there is nothing to press, and where to write instructions.
	await expect(facilitator.getByText('Geluid via Kleed is hier niet ingesteld.')).toBeVisible();
	for (const name of ['Dit apparaat is de zaal', 'Meedoen met geluid']) {
		await expect(facilitator.getByRole('button', { name })).toHaveCount(0);
	}
	// The chime has a name of its own, not to be mixed up with the sound for people at home.
	await expect(facilitator.getByRole('button', { name: 'Belletje bij einde tijd' })).toBeVisible();
	await expect(facilitator.getByRole('button', { name: 'Geluid', exact: true })).toHaveCount(0);

	const home = await newPage(browser, TABLET);
	const scripts = recordScripts(home);
	await home.goto(local(round.links.participant));
	await joinAs(home, 'Cem', 'Thuis');
	const inRoom = await open(browser, TABLET, round.links.participant);
	await joinAs(inRoom, 'Dora', 'In de zaal');
	// No instructions yet: at home nothing about sound at all, rather than a button that fails.
	await home.waitForLoadState('networkidle');
	await expect(home.getByRole('button', { name: 'Meedoen met geluid' })).toHaveCount(0);
	await expect(home.getByRole('heading', { name: 'Geluid' })).toHaveCount(0);
	await expect(home.getByRole('button', { name: 'Geluid', exact: true })).toHaveCount(0);

	const instructions = 'Bel 020 123 45 67 en toets 1234 #';
	const help = facilitator.locator('details').filter({
		has: facilitator.locator('summary', { hasText: 'Geluid: uitleg voor mensen thuis' })
	});
	await help.locator('summary').click();
	await help.getByLabel('Geluid: uitleg voor mensen thuis').fill(instructions);
	await help.getByRole('button', { name: 'Opslaan' }).click();
	await expect(help.getByText('Opgeslagen')).toBeVisible();

	// At home: "Geluid" in the bar now opens what the facilitator wrote, and no button.
	await home.getByRole('button', { name: 'Geluid', exact: true }).tap();
	await expect(home.getByRole('region', { name: 'Geluid' }).getByText(instructions)).toBeVisible();
	await expect(home.getByRole('button', { name: 'Meedoen met geluid' })).toHaveCount(0);
	// In the room: nothing about sound (not even the echo warning, nor a "Geluid" button).
	await expect(inRoom.getByRole('button', { name: 'Hand opsteken' })).toBeVisible();
	await expect(inRoom.getByRole('button', { name: 'Geluid', exact: true })).toHaveCount(0);
	await expect(inRoom.getByRole('button', { name: 'Meedoen met geluid' })).toHaveCount(0);
	await expect(inRoom.getByText(instructions)).toHaveCount(0);
	await expect(inRoom.getByText(/Zit je in de zaal\? Doe dan niet mee met geluid/)).toHaveCount(0);

	await home.waitForLoadState('networkidle');
	expect(scripts.size).toBeGreaterThan(0);
	expect(await scriptsWithLiveKit(scripts)).toEqual([]);
	for (const url of scripts.keys()) expect(chunks.some((c) => url.endsWith(`/${c}`))).toBe(false);

	// The trainer and the projector: nothing to press either.
	const trainer = await open(browser, LAPTOP, round.links.observer);
	await expect(trainer.getByText('Geluid via Kleed is hier niet ingesteld.')).toBeVisible();
	await expect(trainer.getByRole('button', { name: 'Meeluisteren' })).toHaveCount(0);
	const projector = await open(browser, LAPTOP, round.links.projector);
	await expect(projector.getByRole('button', { name: 'Dit apparaat is de zaal' })).toHaveCount(0);
	await expect(projector.getByRole('button', { name: 'Meeluisteren' })).toHaveCount(0);
});

/** This server says it has sound (LiveKit does not run here; the grant is routed where needed). */
async function withSound(page: Page) {
	await page.route('**/api/health', (route) =>
		route.fulfill({ json: { ok: true, protocol: 3, audio: true } })
	);
}

test('in the room, the sound button warns about echo', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	const tablet = await newPage(browser, TABLET);
	await withSound(tablet);
	await tablet.goto(local(round.links.participant));
	await joinAs(tablet, 'Dora', 'In de zaal');
	// Sound is one tap away in the bar at the bottom.
	await tablet.getByRole('button', { name: 'Geluid', exact: true }).tap();
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
	await withSound(home);
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

	await home.getByRole('button', { name: 'Geluid', exact: true }).tap();
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
