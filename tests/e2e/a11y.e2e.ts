import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { test } from './fixtures';
import { Scanner } from './a11y-scan';
import {
	LAPTOP,
	PROJECTOR,
	TABLET,
	createRound,
	expectStep,
	local,
	newPage,
	nextStep,
	open,
	storyCard,
	showGoodNews
} from './helpers';

/**
 * Issue #6: an axe-core scan (WCAG 2.2 A/AA) of every view in every step of a round, with the
 * dialogs open — once in the normal theme and once as a device that asks for more contrast.
 */
for (const contrast of ['no-preference', 'more'] as const) {
	const theme = contrast === 'more' ? ' (more contrast)' : '';
	const withTheme = (options: BrowserContextOptions): BrowserContextOptions => ({
		...options,
		contrast
	});

	test(`every view in every step has no WCAG 2.2 AA violations${theme}`, async ({ browser }) => {
		// About 90 axe scans on a 2-core machine: several minutes (CI allows 90). The second
		// theme only changes colours: its pass checks the colour rules.
		test.setTimeout(900_000);
		const axe = new Scanner(contrast === 'more' ? 'colours' : 'all');
		const laptop = withTheme(LAPTOP);
		const tablet = withTheme(TABLET);

		// The start page, on a laptop and a tablet.
		const start = await newPage(browser, laptop);
		await start.goto('/');
		await axe.scan(start, 'start', 'laptop');
		await start.setViewportSize({ width: 800, height: 1280 });
		await axe.scan(start, 'start', 'tablet');

		const facilitator = await newPage(browser, laptop);
		const round = await createRound(facilitator, 'Toegankelijk');
		await facilitator.goto(local(round.links.facilitator));
		await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeEnabled();

		// The join form, empty and with its errors.
		const join = await open(browser, tablet, round.links.participant);
		await expect(join.getByLabel('Je naam')).toBeVisible();
		await axe.scan(join, 'join', 'form');
		await join.getByRole('button', { name: 'Meedoen' }).tap();
		await expect(join.getByLabel('Je naam')).toHaveAttribute('aria-invalid', 'true');
		await axe.scan(join, 'join', 'errors');
		await join.context().close();

		const anna = await participantIn(browser, tablet, round.links.participant, 'Anna');
		const bram = await participantIn(browser, tablet, round.links.participant, 'Bram');
		const cem = await participantIn(browser, tablet, round.links.participant, 'Cem', 'Thuis');
		const screen = await open(browser, withTheme(PROJECTOR), round.links.projector);
		const shared = await open(browser, tablet, round.links.tablet);
		const trainer = await open(browser, laptop, round.links.observer);
		const views: [string, Page][] = [
			['facilitator', facilitator],
			['participant', anna],
			['participant at home', cem],
			['projector', screen],
			['shared tablet', shared],
			['observer', trainer]
		];
		const scanAll = async (step: string) => {
			for (const [view, page] of views) await axe.scan(page, view, step);
		};

		// --- Opening: empty, then happy news, the kleed, a timer, a hand, the rules -------------
		await facilitator.getByText('Iemand zonder tablet toevoegen').click();
		await facilitator.getByLabel('Naam', { exact: true }).fill('Dirk');
		await facilitator.getByRole('button', { name: 'Toevoegen' }).click();
		await expectStep([facilitator, anna, screen], 'Opening');
		await scanAll('opening');

		await showGoodNews(anna);
		await anna.getByText('Verjaardag', { exact: true }).tap();
		await anna.getByLabel('Een paar woorden (mag leeg blijven)').fill('Mijn kleinzoon is jarig');
		await anna.getByRole('button', { name: 'Delen' }).tap();
		await cem.getByRole('button', { name: 'Kaars' }).tap();
		await expect(screen.getByText('Mijn kleinzoon is jarig')).toBeVisible();
		await cem.getByRole('button', { name: 'Hand opsteken' }).tap();
		await facilitator.getByLabel('Aantal minuten').fill('10');
		await facilitator.getByRole('button', { name: 'Tijd instellen' }).click();
		await facilitator.getByRole('button', { name: 'Start' }).click();
		await expect(screen.getByRole('timer')).toBeVisible();
		await scanAll('opening: happy, kleed, timer, hand');

		for (const [view, page] of [
			['facilitator', facilitator],
			['participant', anna]
		] as const) {
			await page.getByRole('button', { name: 'Afspraken' }).click();
			await expect(page.getByRole('dialog', { name: 'Onze afspraken' })).toBeVisible();
			await axe.scan(page, view, 'rules dialog');
			await page.keyboard.press('Escape');
			await expect(page.getByRole('dialog', { name: 'Onze afspraken' })).toBeHidden();
		}

		// --- Verhaalkeuze: stories, the vote open, revealed, consent ---------------------------
		await nextStep(facilitator, 'Verhaalkeuze', [anna, screen]);
		await scanAll('choice: no stories');
		for (const [page, text] of [
			[anna, 'Mijn buurman maakt elke nacht lawaai'],
			[bram, 'Ik slaap slecht sinds de verhuizing']
		] as const) {
			await page.getByLabel('Wat weegt zwaar voor jou?').fill(text);
			await page.getByRole('button', { name: 'Delen' }).tap();
			await expect(storyCard(page, text)).toContainText('Jouw verhaal');
		}
		await facilitator.getByLabel('Van wie is het verhaal?').selectOption({ label: 'Dirk' });
		await facilitator.getByLabel('Het verhaal, kort').fill('Ik mis mijn moeder');
		await facilitator.getByRole('button', { name: 'Verhaal toevoegen' }).click();
		await expect(screen.getByRole('article')).toHaveCount(3);
		await storyCard(facilitator, 'Ik slaap slecht')
			.getByRole('button', { name: 'Kort herhalen' })
			.click();
		await axe.scan(facilitator, 'facilitator', 'choice: retelling a story');
		await facilitator.getByLabel('Zo zeg ik het terug').fill('Slecht slapen na het verhuizen');
		await facilitator.getByRole('button', { name: 'Opslaan' }).click();
		await expect(storyCard(screen, 'Slecht slapen na het verhuizen')).toBeVisible();
		await scanAll('choice: stories');

		await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
		await expect(screen.getByText('0 van de 4 hebben gestemd')).toBeVisible();
		const heart = (page: Page, story: string) =>
			page.getByRole('button', { name: `Hart voor: ${story}` });
		await heart(anna, 'Slecht slapen na het verhuizen').tap();
		await heart(bram, 'Slecht slapen na het verhuizen').tap();
		await expect(screen.getByText('2 van de 4 hebben gestemd')).toBeVisible();
		await scanAll('choice: vote open');
		await shared.getByRole('button', { name: 'Dirk' }).tap();
		await expect(shared.getByRole('heading', { name: 'Hallo Dirk' })).toBeVisible();
		await axe.scan(shared, 'shared tablet', 'choice: Dirk votes');
		await heart(shared, 'Ik mis mijn moeder').tap();
		await expect(shared.getByRole('heading', { name: 'Dank je, Dirk!' })).toBeVisible();
		await axe.scan(shared, 'shared tablet', 'choice: Dirk voted');
		await shared.getByRole('button', { name: 'Volgende persoon' }).tap();

		await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
		await expect(storyCard(screen, 'Slecht slapen na het verhuizen')).toContainText('2 harten');
		await expect(
			bram.getByRole('heading', { name: 'Wil je hier meer over vertellen?' })
		).toBeVisible();
		await scanAll('choice: revealed, consent asked');
		await axe.scan(bram, 'participant asked', 'choice: consent asked');
		await bram.getByRole('button', { name: 'Ja', exact: true }).tap();
		await expect(screen.getByRole('region', { name: 'Het gekozen verhaal' })).toBeVisible();
		await scanAll('choice: consent given');
		await axe.scan(bram, 'participant chosen', 'choice: consent given');

		// --- Verdieping, Verbreding, Afsluiting ------------------------------------------------
		await nextStep(facilitator, 'Verdieping', [anna, screen]);
		await scanAll('deepening');
		await nextStep(facilitator, 'Verbreding', [anna, screen]);
		await anna.getByRole('button', { name: 'Ik herken dit' }).tap();
		await expect(facilitator.getByRole('list', { name: 'Wie herkennen dit' })).toHaveText('Anna');
		await scanAll('broadening');
		await nextStep(facilitator, 'Afsluiting', [anna, screen]);
		await anna.getByLabel('Wat neem ik mee naar huis?').fill('Ik ben niet de enige');
		await anna.getByRole('button', { name: 'Opslaan' }).first().tap();
		await cem.getByLabel('Een lief woord voor Bram').fill('Dank je voor je verhaal');
		await cem.getByRole('button', { name: 'Opslaan' }).nth(1).tap();
		await expect(screen.getByText('Dank je voor je verhaal')).toBeVisible();
		await scanAll('closing');
		await axe.scan(bram, 'participant chosen', 'closing');

		await facilitator.getByRole('button', { name: 'Ronde afsluiten' }).click();
		await expect(facilitator.getByText('Weet je het zeker?', { exact: false })).toBeVisible();
		await axe.scan(facilitator, 'facilitator', 'closing: are you sure');
		await facilitator.getByRole('button', { name: 'Ja, afsluiten' }).click();
		await expect(facilitator.getByRole('region', { name: 'Samenvatting' })).toBeVisible();
		await expect(anna.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();
		await scanAll('ended: summary');

		// --- Erased ----------------------------------------------------------------------------
		await facilitator.getByRole('button', { name: 'Ronde wissen' }).click();
		const confirm = facilitator.getByRole('dialog', { name: 'Alles wissen?' });
		await expect(confirm).toBeVisible();
		await axe.scan(facilitator, 'facilitator', 'erase dialog');
		await confirm.getByRole('button', { name: 'Ja, alles wissen' }).click();
		await expect(facilitator.getByRole('heading', { name: 'De ronde is gewist.' })).toBeVisible();
		await expect(
			anna.getByRole('heading', { name: 'Deze ronde is afgelopen en gewist.' })
		).toBeVisible();
		await scanAll('erased');
		await anna.reload();
		await expect(anna.getByText('Deze ronde bestaat niet (meer).', { exact: false })).toBeVisible();
		await axe.scan(anna, 'participant', 'round gone');

		// --- The door: waiting, refused, removed -----------------------------------------------
		const host = await newPage(browser, laptop);
		const locked = await createRound(host, 'Op slot');
		await host.goto(local(locked.links.facilitator));
		await host.getByRole('switch', { name: 'Ronde op slot' }).click();
		await expect(host.getByRole('switch', { name: 'Ronde op slot' })).toBeChecked();
		const eva = await open(browser, tablet, locked.links.participant);
		await eva.getByLabel('Je naam').fill('Eva');
		await eva.getByRole('radio', { name: /^Thuis/ }).tap();
		await eva.getByRole('button', { name: 'Meedoen' }).tap();
		await expect(eva.getByRole('heading', { name: 'Even wachten' })).toBeVisible();
		await axe.scan(eva, 'participant', 'waiting at the door');
		const evaAtDoor = host.getByRole('listitem').filter({ hasText: 'Eva' });
		await expect(evaAtDoor).toBeVisible();
		await axe.scan(host, 'facilitator', 'someone at the door');
		await evaAtDoor.getByRole('button', { name: 'Niet binnenlaten (Eva)' }).click();
		await expect(host.getByRole('dialog', { name: 'Eva niet binnenlaten?' })).toBeVisible();
		await axe.scan(host, 'facilitator', 'refuse dialog');
		await host.getByRole('button', { name: 'Niet binnenlaten', exact: true }).click();
		await expect(
			eva.getByRole('heading', { name: 'Je kunt nu niet meedoen aan deze ronde.' })
		).toBeVisible();
		await axe.scan(eva, 'participant', 'refused');

		await host.getByRole('switch', { name: 'Ronde op slot' }).click();
		const gijs = await participantIn(browser, tablet, locked.links.participant, 'Gijs');
		await host
			.getByRole('listitem')
			.filter({ hasText: 'Gijs' })
			.getByRole('button', { name: 'Uit de ronde halen (Gijs)' })
			.click();
		const remove = host.getByRole('dialog', { name: 'Gijs uit de ronde halen?' });
		await expect(remove).toBeVisible();
		await axe.scan(host, 'facilitator', 'remove dialog');
		await remove.getByRole('button', { name: 'Uit de ronde halen', exact: true }).click();
		await expect(
			gijs.getByRole('heading', { name: 'De begeleider heeft je uit de ronde gehaald.' })
		).toBeVisible();
		await axe.scan(gijs, 'participant', 'removed');

		console.log(`axe${theme}: ${axe.scanned.length} views × steps scanned`);
		axe.expectClean();
	});
}

async function participantIn(
	browser: Browser,
	options: BrowserContextOptions,
	link: string,
	name: string,
	presence: 'In de zaal' | 'Thuis' = 'In de zaal'
): Promise<Page> {
	const page = await open(browser, options, link);
	await page.getByLabel('Je naam').fill(name);
	await page.getByRole('radio', { name: new RegExp(`^${presence}`) }).tap();
	await page.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(page.getByRole('heading', { name: 'Je doet mee' })).toBeVisible();
	return page;
}
