import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import {
	foreignRequests,
	requestCount,
	LAPTOP,
	OBSERVED,
	PROJECTOR,
	TABLET,
	createRound,
	expectStep,
	local,
	heartTotals,
	newPage,
	nextStep,
	open,
	participant,
	storyCard,
	showGoodNews
} from './helpers';

test('a whole luisterronde: facilitator, three tablets, projector, shared tablet and a trainer', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator, 'Luistergroep dinsdag');
	await facilitator.goto(local(round.links.facilitator));
	await expectStep([facilitator], 'Opening');

	// The facilitator page hands out every link.
	for (const label of [
		'Link voor deelnemers',
		'Link voor het scherm (beamer of tv)',
		'Link voor de gedeelde tablet',
		'Link om mee te kijken (trainer)'
	]) {
		await expect(facilitator.getByLabel(label)).toHaveValue(/^http/);
	}

	const anna = await participant(browser, round, 'Anna');
	const bram = await participant(browser, round, 'Bram');
	const cem = await participant(browser, round, 'Cem', 'Thuis');
	const screen = await open(browser, PROJECTOR, round.links.projector);
	const shared = await open(browser, TABLET, round.links.tablet);
	const tablets = [anna, bram, cem];
	const everyone = [facilitator, ...tablets, screen, shared];

	// Nobody watches yet.
	for (const page of everyone) await expect(page.getByText(OBSERVED)).toHaveCount(0);

	// A trainer opens the observer link: every screen says so.
	const trainer = await open(browser, LAPTOP, round.links.observer);
	for (const page of [...everyone, trainer]) await expect(page.getByText(OBSERVED)).toBeVisible();

	// The guide is for facilitators and the trainer only.
	const guide = (page: Page) => page.getByRole('complementary', { name: /wat doe je nu\?/ });
	await expect(guide(facilitator)).toContainText('kleed');
	await expect(guide(trainer)).toContainText('kleed');
	for (const page of [...tablets, screen, shared]) await expect(guide(page)).toHaveCount(0);

	// Dirk has no tablet: the facilitator adds him.
	await facilitator.getByText('Iemand zonder tablet toevoegen').click();
	await facilitator.getByLabel('Naam', { exact: true }).fill('Dirk');
	await facilitator.getByRole('button', { name: 'Toevoegen' }).click();
	const people = facilitator.getByRole('region', { name: /Wie doen er mee/ }).getByRole('listitem');
	await expect(people).toHaveCount(4);
	await expect(people.filter({ hasText: 'Dirk' })).toContainText('zonder tablet');

	// --- Opening ------------------------------------------------------------------------------
	// The rules: large on the tablet in this step, and one tap away everywhere.
	await expect(anna.getByRole('heading', { name: 'Onze afspraken' })).toBeVisible();
	await cem.getByRole('button', { name: 'Afspraken' }).tap();
	const rules = cem.getByRole('dialog', { name: 'Onze afspraken' });
	await expect(rules).toContainText('We geven geen advies.');
	await rules.getByRole('button', { name: 'Sluiten' }).tap();
	await expect(rules).toBeHidden();

	// The warm-up, typed by the facilitator, on every screen.
	await facilitator
		.getByLabel('Opwarmer: een vraag of een spel')
		.fill('Noem een kleur die bij je dag past.');
	await facilitator
		.getByRole('region', { name: 'Opwarmer' })
		.getByRole('button', { name: 'Opslaan' })
		.click();
	await expect(screen.getByText('Noem een kleur die bij je dag past.')).toBeVisible();
	await expect(cem.getByText('Noem een kleur die bij je dag past.')).toBeVisible();

	// Anna shares good news; Cem, at home, lays a candle on the kleed.
	await showGoodNews(anna);
	await anna.getByText('Verjaardag', { exact: true }).tap();
	await anna.getByLabel('Een paar woorden (mag leeg blijven)').fill('Mijn kleinzoon is jarig');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await cem.getByRole('button', { name: 'Kaars' }).tap();
	await expect(cem.getByText('Kaars ligt op het kleed.')).toBeVisible();

	await expect(screen.getByText('Mijn kleinzoon is jarig')).toBeVisible();
	const cloth = screen.getByRole('list', { name: 'Op het kleed' });
	await expect(cloth.getByRole('listitem')).toHaveCount(1);
	await expect(cloth).toContainText('Kaars van Cem');
	// Everyone sits around the kleed by name.
	await expect(screen.getByRole('list', { name: 'Rond het kleed' })).toContainText('Dirk');

	// A timer for the Opening: the same time on every screen.
	await facilitator.getByLabel('Aantal minuten').fill('10');
	await facilitator.getByRole('button', { name: 'Tijd instellen' }).click();
	await facilitator.getByRole('button', { name: 'Start' }).click();
	for (const page of [facilitator, anna, screen]) {
		await expect(page.getByRole('timer', { name: 'Tijd over voor Opening' })).toHaveText(
			/^\s*(10:00|9:5\d)\s*$/
		);
	}

	// Paused: it stands still everywhere, and the step does not move on by itself.
	await facilitator.getByRole('button', { name: 'Pauze' }).click();
	await expect(screen.getByText('De tijd staat stil')).toBeVisible();
	await expect(anna.getByText('De tijd staat stil')).toBeVisible();
	const paused = await screen.getByRole('timer', { name: 'Tijd over voor Opening' }).textContent();
	await screen.waitForTimeout(1500);
	await expect(screen.getByRole('timer', { name: 'Tijd over voor Opening' })).toHaveText(
		paused ?? ''
	);

	// --- Verhaalkeuze -------------------------------------------------------------------------
	await nextStep(facilitator, 'Verhaalkeuze', [...tablets, screen, trainer]);
	await expect(guide(trainer)).toContainText('één hart');

	const post = async (page: Page, text: string) => {
		await page.getByLabel('Wat weegt zwaar voor jou?').fill(text);
		await page.getByRole('button', { name: 'Delen' }).tap();
		await expect(storyCard(page, text)).toContainText('Jouw verhaal');
	};
	await post(anna, 'Mijn buurman maakt elke nacht lawaai');
	await post(bram, 'Ik slaap slecht sinds de verhuizing');
	// A story for someone who would rather not type it, without a name.
	await facilitator.getByLabel('Van wie is het verhaal?').selectOption({ label: 'Zonder naam' });
	await facilitator.getByLabel('Het verhaal, kort').fill('Ik mis mijn moeder');
	await facilitator.getByRole('button', { name: 'Verhaal toevoegen' }).click();
	await expect(storyCard(screen, 'Ik mis mijn moeder')).toContainText('Zonder naam');

	// The facilitator repeats Bram's story back in a few words.
	await storyCard(facilitator, 'Ik slaap slecht')
		.getByRole('button', { name: 'Kort herhalen' })
		.click();
	await facilitator.getByLabel('Zo zeg ik het terug').fill('Slecht slapen na het verhuizen');
	await facilitator.getByRole('button', { name: 'Opslaan' }).click();
	const bramsStory = storyCard(screen, 'Slecht slapen na het verhuizen');
	await expect(bramsStory).toContainText('Zelf gezegd: Ik slaap slecht sinds de verhuizing');
	await expect(screen.getByRole('article')).toHaveCount(3);

	// The vote opens.
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await expect(screen.getByText('0 van de 4 hebben gestemd')).toBeVisible();
	const heart = (page: Page, story: string) =>
		page.getByRole('button', { name: `Hart voor: ${story}` });
	await heart(anna, 'Ik mis mijn moeder').tap();
	await expect(heart(anna, 'Ik mis mijn moeder')).toHaveAttribute('aria-pressed', 'true');
	// Anna changes her mind; one heart only.
	await heart(anna, 'Slecht slapen na het verhuizen').tap();
	await expect(heart(anna, 'Slecht slapen na het verhuizen')).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(heart(anna, 'Ik mis mijn moeder')).toHaveAttribute('aria-pressed', 'false');
	await heart(bram, 'Slecht slapen na het verhuizen').tap();
	await expect(heart(bram, 'Slecht slapen na het verhuizen')).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	// Dirk votes on the shared tablet.
	await expect(shared.getByRole('heading', { name: 'Wie stemt nu?' })).toBeVisible();
	await shared.getByRole('button', { name: 'Dirk' }).tap();
	await expect(shared.getByRole('heading', { name: 'Hallo Dirk' })).toBeVisible();
	await heart(shared, 'Ik mis mijn moeder').tap();
	await expect(shared.getByRole('heading', { name: 'Dank je, Dirk!' })).toBeVisible();
	await expect(shared.getByText('Geef de tablet door.')).toBeVisible();
	await shared.getByRole('button', { name: 'Volgende persoon' }).tap();
	await expect(shared.getByRole('heading', { name: 'Wie stemt nu?' })).toBeVisible();

	await expect(facilitator.getByText('3 van de 4 hebben gestemd')).toBeVisible();
	await expect(screen.getByText('3 van de 4 hebben gestemd')).toBeVisible();
	await expect(cem.getByText('3 van de 4 hebben gestemd')).toBeVisible();
	// Before the reveal nobody sees how many hearts a story has.
	for (const page of [...tablets, screen, shared, facilitator]) {
		await expect(heartTotals(page)).toHaveCount(0);
	}

	// The reveal: totals everywhere.
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	for (const page of [facilitator, ...tablets, screen]) {
		await expect(storyCard(page, 'Slecht slapen na het verhuizen')).toContainText('2 harten');
		await expect(storyCard(page, 'Ik mis mijn moeder')).toContainText('1 hart');
		await expect(storyCard(page, 'Mijn buurman')).toContainText('0 harten');
	}

	// Bram's story has the most hearts: only Bram is asked, on his own tablet.
	const question = (page: Page) =>
		page.getByRole('heading', { name: 'Wil je hier meer over vertellen?' });
	await expect(question(bram)).toBeVisible();
	for (const page of [anna, cem]) await expect(question(page)).toHaveCount(0);
	await expect(facilitator.getByText('We wachten op het antwoord van Bram.')).toBeVisible();
	await bram.getByRole('button', { name: 'Ja', exact: true }).tap();
	for (const page of [facilitator, anna, cem, screen]) {
		await expect(page.getByRole('region', { name: 'Het gekozen verhaal' })).toContainText(
			'Slecht slapen na het verhuizen'
		);
	}

	// --- Verdieping ---------------------------------------------------------------------------
	await nextStep(facilitator, 'Verdieping', [...tablets, screen]);
	const chosen = screen.getByRole('region', { name: 'Het gekozen verhaal' });
	await expect(chosen).toContainText('Slecht slapen na het verhuizen');
	await expect(chosen).toContainText('Van Bram');
	await expect(
		screen.getByText('Vragen stellen we om te begrijpen.', { exact: false })
	).toBeVisible();

	// --- Verbreding ---------------------------------------------------------------------------
	await nextStep(facilitator, 'Verbreding', [...tablets, screen]);
	await expect(
		screen.getByText('Wie heeft zoiets ook meegemaakt? Wat hielp jou toen?')
	).toBeVisible();
	await facilitator
		.getByLabel('Jouw vraag voor vandaag')
		.fill('Wie kent onrustige nachten? Wat hielp?');
	await facilitator
		.getByRole('region', { name: 'De vraag aanpassen' })
		.getByRole('button', { name: 'Opslaan' })
		.click();
	await expect(screen.getByText('Wie kent onrustige nachten? Wat hielp?')).toBeVisible();
	await expect(anna.getByText('Wie kent onrustige nachten? Wat hielp?')).toBeVisible();

	await anna.getByRole('button', { name: 'Ik herken dit' }).tap();
	await expect(anna.getByRole('button', { name: 'Ik herken dit' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	const recognizers = facilitator.getByRole('list', { name: 'Wie herkennen dit' });
	await expect(recognizers).toHaveText('Anna');

	// --- Afsluiting ---------------------------------------------------------------------------
	await nextStep(facilitator, 'Afsluiting', [...tablets, screen]);
	await expect(screen.getByText('We staan samen in een kring.', { exact: false })).toBeVisible();
	await anna.getByLabel('Wat neem ik mee naar huis?').fill('Ik ben niet de enige');
	await anna.getByRole('button', { name: 'Opslaan' }).first().tap();
	await cem.getByLabel('Een lief woord voor Bram').fill('Dank je voor je verhaal');
	await cem.getByRole('button', { name: 'Opslaan' }).nth(1).tap();
	await expect(screen.getByText('Ik ben niet de enige')).toBeVisible();
	await expect(screen.getByText('Dank je voor je verhaal')).toBeVisible();
	await expect(bram.getByRole('region', { name: 'Lieve woorden voor jou' })).toContainText(
		'Dank je voor je verhaal'
	);

	// The facilitator ends the round, after saying yes to "are you sure?".
	await facilitator.getByRole('button', { name: 'Ronde afsluiten' }).click();
	await expect(facilitator.getByText('Weet je het zeker?', { exact: false })).toBeVisible();
	await facilitator.getByRole('button', { name: 'Ja, afsluiten' }).click();

	const summary = facilitator.getByRole('region', { name: 'Samenvatting' });
	await expect(summary).toBeVisible();
	const expected: [string, string][] = [
		['In de zaal', '3'],
		['Thuis', '1'],
		['Zonder tablet', '1'],
		['Goed nieuws', '1'],
		['Op het kleed', '1'],
		['Verhalen', '3'],
		['Harten', '3'],
		['Wat we meenemen', '1'],
		['Lieve woorden', '1']
	];
	for (const [label, value] of expected) {
		const row = summary
			.locator('div')
			.filter({ has: facilitator.getByText(label, { exact: true }) });
		await expect(row.getByRole('definition')).toHaveText(value);
	}
	await expect(summary).toContainText('min.');
	// Counts only: no story, note or name.
	await expect(summary).not.toContainText('Bram');
	await expect(summary).not.toContainText('slapen');

	for (const page of tablets)
		await expect(page.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();
	await expect(screen.getByText('Dank je wel voor het luisteren en het delen.')).toBeVisible();

	// When the trainer leaves, the line goes away.
	await trainer.context().close();
	for (const page of everyone) await expect(page.getByText(OBSERVED)).toHaveCount(0);

	// Privacy: in the whole round, not one request went anywhere but Kleed itself.
	expect(requestCount()).toBeGreaterThan(50);
	expect(foreignRequests()).toEqual([]);
});
