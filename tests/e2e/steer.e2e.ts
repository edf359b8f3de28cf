import { expect, type WebSocketRoute } from '@playwright/test';
import { test } from './fixtures';
import { LAPTOP, createRound, expectStep, local, newPage, open } from './helpers';

/**
 * Two facilitators steer one round (#13): a step move names the step it moves from, so a double
 * click moves the round once, and a move made offline that the round has since passed is refused
 * on reconnect, with a plain sentence on the device that was behind.
 */
test('a double click moves one step; a move made offline after the round moved on is refused and explained', async ({
	browser
}) => {
	const round = await createRound(await newPage(browser, LAPTOP), 'Twee begeleiders');
	const lead = await open(browser, LAPTOP, round.links.facilitator);

	// The co-facilitator's laptop, whose wifi the test can cut (see offline.e2e.ts for why here).
	const co = await newPage(browser, LAPTOP);
	let wifi = true;
	const sockets: WebSocketRoute[] = [];
	await co.routeWebSocket(/\/sync\//, (ws) => {
		if (!wifi) {
			void ws.close({ code: 4500, reason: 'no wifi' }).catch(() => undefined);
			return;
		}
		ws.connectToServer();
		sockets.push(ws);
	});
	await co.goto(local(round.links.facilitator));
	await expectStep([lead, co], 'Opening');

	// A double click as people make one: on a LAN the round has moved before the second click.
	const next = (await lead.getByRole('button', { name: 'Volgende stap' }).boundingBox())!;
	await lead.mouse.move(next.x + next.width / 2, next.y + next.height / 2);
	await lead.mouse.down();
	await lead.mouse.up();
	await expectStep([lead, co], 'Verhaalkeuze');
	await lead.mouse.down({ clickCount: 2 });
	await lead.mouse.up({ clickCount: 2 });
	// A later change from the same laptop is handled after anything the double click sent: once
	// it shows, a second step move would have shown too.
	await lead.getByRole('checkbox', { name: 'Namen verbergen' }).check();
	await expect(co.getByRole('checkbox', { name: 'Namen verbergen' })).toBeChecked();
	await expectStep([lead, co], 'Verhaalkeuze');

	// The co-facilitator loses the wifi and moves on from Verhaalkeuze; it waits to be sent.
	wifi = false;
	for (const ws of sockets.splice(0)) await ws.close({ code: 4500, reason: 'wifi lost' });
	await expect(co.getByRole('status').filter({ hasText: 'Geen verbinding.' })).toBeVisible();
	await co.getByRole('button', { name: 'Volgende stap' }).click();
	// Meanwhile the round moves on twice.
	await lead.getByRole('button', { name: 'Volgende stap' }).click();
	await expectStep([lead], 'Verdieping');
	await lead.getByRole('button', { name: 'Volgende stap' }).click();
	await expectStep([lead], 'Verbreding');

	wifi = true;
	const movedOn = co.getByRole('alert').filter({ hasText: 'De ronde was al verder.' });
	await expect(movedOn).toBeVisible({ timeout: 15_000 });
	await expect(movedOn).toContainText('Je ziet nu de stap van nu.');
	// The late move changed nothing: both show where the round is.
	await expectStep([co, lead], 'Verbreding');
	await expect(lead.getByText('De ronde was al verder.')).toHaveCount(0);
	await movedOn.getByRole('button', { name: 'Sluiten' }).click();
	await expect(movedOn).toHaveCount(0);
	await expect(co.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
});
