import { expect, type Browser, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	LAPTOP,
	TABLET,
	createRound,
	local,
	newPage,
	open,
	participant,
	showFoot,
	type CreatedRound
} from './helpers';

/** The list of people on a page ("Wie doen er mee?"). */
const people = (page: Page) => page.getByRole('region', { name: /Wie doen er mee/ });

/** The facilitator's list of people at the door. */
const door = (page: Page) => page.getByRole('region', { name: /Wacht om binnen te komen/ });

async function facilitatorFor(browser: Browser) {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();
	return { facilitator, round };
}

/** Fills in the join form without expecting to be let in (the round may be locked). */
async function askToJoin(page: Page, name: string, presence: 'In de zaal' | 'Thuis') {
	await page.getByLabel('Je naam').fill(name);
	await page.getByRole('radio', { name: new RegExp(`^${presence}`) }).tap();
	await page.getByRole('button', { name: 'Meedoen' }).tap();
}

async function atTheDoor(
	browser: Browser,
	round: CreatedRound,
	name: string,
	presence: 'In de zaal' | 'Thuis' = 'In de zaal'
) {
	const page = await open(browser, TABLET, round.links.participant);
	await askToJoin(page, name, presence);
	await expect(page.getByRole('heading', { name: 'Even wachten' })).toBeVisible();
	await expect(page.getByText('De begeleider laat je zo binnen.')).toBeVisible();
	return page;
}

test('a locked round: people wait at the door until a facilitator lets them in or not', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const { facilitator, round } = await facilitatorFor(browser);

	const lock = facilitator.getByRole('switch', { name: 'Ronde op slot' });
	await expect(lock).not.toBeChecked();
	await expect(facilitator.getByText('Nieuwe mensen wachten tot jij ze binnenlaat.')).toBeVisible();
	await lock.click();
	await expect(lock).toBeChecked();

	// Dirk asks to join and waits; the facilitator sees him at the door, and hears about it.
	const dirk = await atTheDoor(browser, round, 'Dirk');
	const dirkAtDoor = door(facilitator).getByRole('listitem').filter({ hasText: 'Dirk' });
	await expect(dirkAtDoor).toContainText('In de zaal');
	await expect(facilitator.getByText('Dirk wacht om binnen te komen.')).toBeAttached();
	// Not in the round yet: nobody else sees him.
	await expect(people(facilitator)).not.toContainText('Dirk');

	// A reload while waiting keeps him at the door, still as himself.
	await dirk.reload();
	await expect(dirk.getByRole('heading', { name: 'Even wachten' })).toBeVisible();
	await expect(dirk.getByText('Je naam: Dirk')).toBeVisible();

	await dirkAtDoor.getByRole('button', { name: 'Binnenlaten (Dirk)', exact: true }).click();
	await expect(dirk.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	await expect(dirk.getByText('Je naam: Dirk')).toBeVisible();
	await expect(people(facilitator).getByRole('listitem').filter({ hasText: 'Dirk' })).toContainText(
		'online'
	);
	await expect(door(facilitator)).toHaveCount(0);

	// Eva is not let in. "Nee, terug" first: nothing happens.
	const eva = await atTheDoor(browser, round, 'Eva', 'Thuis');
	const evaAtDoor = door(facilitator).getByRole('listitem').filter({ hasText: 'Eva' });
	await expect(evaAtDoor).toContainText('Thuis');
	await evaAtDoor.getByRole('button', { name: 'Niet binnenlaten (Eva)' }).click();
	const confirm = facilitator.getByRole('dialog', { name: 'Eva niet binnenlaten?' });
	await expect(confirm).toBeVisible();
	await expect(confirm.getByRole('button', { name: 'Nee, terug' })).toBeFocused();
	await confirm.getByRole('button', { name: 'Nee, terug' }).click();
	await expect(confirm).toBeHidden();
	await expect(evaAtDoor).toBeVisible();

	await evaAtDoor.getByRole('button', { name: 'Niet binnenlaten (Eva)' }).click();
	await confirm.getByRole('button', { name: 'Niet binnenlaten', exact: true }).click();
	await expect(
		eva.getByRole('heading', { name: 'Je kunt nu niet meedoen aan deze ronde.' })
	).toBeVisible();
	await expect(eva.getByText('Vraag het de begeleider.')).toBeVisible();
	await expect(door(facilitator)).toHaveCount(0);
	await expect(people(facilitator)).not.toContainText('Eva');
	// The token is forgotten: a reload asks again, it does not bring her in.
	await eva.reload();
	await expect(eva.getByLabel('Je naam')).toBeVisible();
	await expect(eva.getByRole('heading', { name: 'Je doet mee' })).toHaveCount(0);

	// Open again: Fien comes straight in.
	await lock.click();
	await expect(lock).not.toBeChecked();
	await participant(browser, round, 'Fien');
	await expect(people(facilitator)).toContainText('Fien');
});

test('a facilitator takes someone out of the round; their tablet says so kindly', async ({
	browser
}) => {
	const { facilitator, round } = await facilitatorFor(browser);
	const gijs = await participant(browser, round, 'Gijs');
	const hanna = await participant(browser, round, 'Hanna', 'Thuis');
	await showFoot(hanna);
	await expect(people(hanna)).toContainText('Gijs');

	const gijsItem = people(facilitator).getByRole('listitem').filter({ hasText: 'Gijs' });
	await gijsItem.getByRole('button', { name: 'Uit de ronde halen (Gijs)' }).click();
	const confirm = facilitator.getByRole('dialog', { name: 'Gijs uit de ronde halen?' });
	await expect(confirm).toContainText('Dan doet Gijs niet meer mee.');
	await confirm.getByRole('button', { name: 'Uit de ronde halen', exact: true }).click();

	await expect(
		gijs.getByRole('heading', { name: 'De begeleider heeft je uit de ronde gehaald.' })
	).toBeVisible();
	await expect(gijs.getByText('Dank je wel voor je komst.')).toBeVisible();
	await expect(confirm).toBeHidden();
	await expect(people(facilitator)).not.toContainText('Gijs');
	await expect(people(facilitator)).toContainText('Hanna');
	await expect(people(hanna)).not.toContainText('Gijs');

	// A reload does not bring him back in: the device forgot the token (and it no longer works).
	await gijs.reload();
	await expect(gijs.getByLabel('Je naam')).toBeVisible();
	await expect(gijs.getByRole('heading', { name: 'Je doet mee' })).toHaveCount(0);
	await expect(people(facilitator)).not.toContainText('Gijs');
});

test('"Nieuw" is ticked per person on the facilitator page and stays after a reload', async ({
	browser
}) => {
	const { facilitator, round } = await facilitatorFor(browser);
	const iris = await participant(browser, round, 'Iris');
	await participant(browser, round, 'Joop');

	const newcomer = (name: string) =>
		people(facilitator)
			.getByRole('listitem')
			.filter({ hasText: name })
			.getByRole('checkbox', { name: `Nieuw (${name})` });
	await expect(newcomer('Iris')).not.toBeChecked();
	await newcomer('Iris').check();
	await expect(newcomer('Iris')).toBeChecked();

	await facilitator.reload();
	await expect(newcomer('Iris')).toBeChecked();
	await expect(newcomer('Joop')).not.toBeChecked();
	// Only counted: nobody else sees it.
	await showFoot(iris);
	await expect(people(iris)).toContainText('Joop');
	await expect(iris.getByRole('checkbox', { name: /Nieuw/ })).toHaveCount(0);
	await expect(people(iris)).not.toContainText('Nieuw');
});
