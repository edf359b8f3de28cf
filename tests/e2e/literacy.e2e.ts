import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import { smallTargets } from './a11y-scan';
import {
	LAPTOP,
	TABLET,
	createRound,
	joinAs,
	local,
	newPage,
	nextStep,
	open,
	storyCard,
	showGoodNews
} from './helpers';

/** The smallest finger target, in CSS pixels (WCAG 2.5.5; `--touch-min` in app.css). */
const MIN = 48;

/** Collects offenders per view and moment, so one run lists them all. */
function measurer() {
	const found: string[] = [];
	return {
		async measure(page: Page, where: string) {
			for (const offender of await smallTargets(page, MIN)) found.push(`${where}: ${offender}`);
		},
		found
	};
}

test('every tap target on the participant page and the shared tablet is at least 48×48 px, in every step', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { measure, found } = measurer();
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));

	// The join form: name, "in de zaal"/"thuis", Meedoen.
	const anna = await open(browser, TABLET, round.links.participant);
	await expect(anna.getByLabel('Je naam')).toBeVisible();
	await measure(anna, 'join form');
	await joinAs(anna, 'Anna', 'In de zaal');
	const bram = await open(browser, TABLET, round.links.participant);
	await joinAs(bram, 'Bram', 'Thuis');
	const shared = await open(browser, TABLET, round.links.tablet);

	// Dirk has no device: he votes on the shared tablet.
	await facilitator.getByText('Iemand zonder tablet toevoegen').click();
	await facilitator.getByLabel('Naam', { exact: true }).fill('Dirk');
	await facilitator.getByRole('button', { name: 'Toevoegen' }).click();

	// Opening: rules, happy events, the kleed; at home (Bram) the sound choices too.
	await expect(anna.getByRole('heading', { name: 'Onze afspraken' })).toBeVisible();
	await measure(anna, 'opening');
	await measure(bram, 'opening, at home');
	await measure(shared, 'tablet, opening');
	await showGoodNews(anna);
	await anna.getByText('Verjaardag', { exact: true }).tap();
	await anna.getByLabel('Een paar woorden (mag leeg blijven)').fill('Mijn kleinzoon is jarig');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await anna.getByRole('button', { name: 'Kaars' }).tap();
	await expect(anna.getByText('Kaars ligt op het kleed.')).toBeVisible();
	await measure(anna, 'opening, after good news and a candle');
	await anna.getByRole('button', { name: 'Afspraken', exact: true }).tap();
	await expect(anna.getByRole('dialog', { name: 'Onze afspraken' })).toBeVisible();
	await measure(anna, 'rules dialog');
	await anna.getByRole('dialog').getByRole('button', { name: 'Sluiten' }).tap();
	await anna.getByRole('button', { name: 'Hand opsteken' }).tap();
	await expect(anna.getByRole('button', { name: 'Hand omlaag' })).toBeVisible();
	await measure(anna, 'opening, hand up');
	await anna.getByRole('button', { name: 'Hand omlaag' }).tap();

	// Verhaalkeuze: stories, the vote, the reveal, the question to the teller.
	await nextStep(facilitator, 'Verhaalkeuze', [anna, bram]);
	await measure(anna, 'stories');
	await anna.getByLabel('Wat weegt zwaar voor jou?').fill('Mijn buurman maakt lawaai');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(anna, 'Mijn buurman')).toContainText('Jouw verhaal');
	await bram.getByLabel('Wat weegt zwaar voor jou?').fill('Ik slaap slecht');
	await bram.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(anna, 'Ik slaap slecht')).toBeVisible();
	await measure(anna, 'stories, after posting');

	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	const heart = (page: Page, story: string) =>
		page.getByRole('button', { name: `Hart voor: ${story}` });
	await expect(heart(anna, 'Mijn buurman maakt lawaai')).toBeVisible();
	await measure(anna, 'vote');
	await heart(anna, 'Mijn buurman maakt lawaai').tap();
	await heart(bram, 'Mijn buurman maakt lawaai').tap();
	await expect(heart(anna, 'Mijn buurman maakt lawaai')).toHaveAttribute('aria-pressed', 'true');
	await measure(anna, 'vote, heart given');

	await expect(shared.getByRole('heading', { name: 'Wie stemt nu?' })).toBeVisible();
	await measure(shared, 'tablet, names');
	await shared.getByRole('button', { name: 'Dirk' }).tap();
	await expect(shared.getByRole('heading', { name: 'Hallo Dirk' })).toBeVisible();
	await measure(shared, 'tablet, vote');
	await heart(shared, 'Ik slaap slecht').tap();
	await expect(shared.getByRole('heading', { name: 'Dank je, Dirk!' })).toBeVisible();
	await measure(shared, 'tablet, thanks');
	await shared.getByRole('button', { name: 'Volgende persoon' }).tap();

	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await expect(
		anna.getByRole('heading', { name: 'Wil je hier meer over vertellen?' })
	).toBeVisible();
	await measure(anna, 'consent question');
	await measure(shared, 'tablet, result');
	await anna.getByRole('button', { name: 'Ja', exact: true }).tap();
	await expect(anna.getByRole('region', { name: 'Het gekozen verhaal' })).toBeVisible();
	await measure(anna, 'chosen story');

	await nextStep(facilitator, 'Verdieping', [anna, bram]);
	await measure(anna, 'deepening');
	await measure(shared, 'tablet, deepening');

	await nextStep(facilitator, 'Verbreding', [anna, bram]);
	await measure(bram, 'broadening');
	await bram.getByRole('button', { name: 'Ik herken dit' }).tap();
	await expect(bram.getByRole('button', { name: 'Ik herken dit' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await measure(bram, 'broadening, recognised');

	await nextStep(facilitator, 'Afsluiting', [anna, bram]);
	await measure(anna, 'closing');
	await measure(bram, 'closing, a kind word');
	await measure(shared, 'tablet, closing');

	await facilitator.getByRole('button', { name: 'Ronde afsluiten' }).click();
	await facilitator.getByRole('button', { name: 'Ja, afsluiten' }).click();
	await expect(anna.getByRole('heading', { name: 'De ronde is klaar' })).toBeVisible();
	await measure(anna, 'ended');

	expect(found, `targets smaller than ${MIN}×${MIN} px`).toEqual([]);
});

interface Spoken {
	text: string;
	lang: string;
}

/** Wraps the real speechSynthesis.speak: records what is read and in which language, then reads. */
async function listen(page: Page) {
	await page.addInitScript(() => {
		const w = window as unknown as { __spoken: { text: string; lang: string }[] };
		w.__spoken = [];
		const synth = window.speechSynthesis;
		if (!synth) return;
		const speak = synth.speak.bind(synth);
		synth.speak = (utterance: SpeechSynthesisUtterance) => {
			w.__spoken.push({ text: utterance.text, lang: utterance.lang });
			speak(utterance);
		};
	});
}

const spoken = (page: Page) =>
	page.evaluate(() => (window as unknown as { __spoken: Spoken[] }).__spoken);

/** Taps "Voorlezen" and returns what was handed to the speech engine for that tap. */
async function readAloud(page: Page, scope: ReturnType<Page['locator']>): Promise<Spoken> {
	const before = (await spoken(page)).length;
	const button = scope.getByRole('button', { name: /^Voorlezen/ }).first();
	// Tablets are tapped; the facilitator's laptop has no touch screen.
	if (page.viewportSize()?.width === TABLET.viewport?.width) await button.tap();
	else await button.click();
	await expect.poll(async () => (await spoken(page)).length).toBe(before + 1);
	return (await spoken(page))[before]!;
}

test('read aloud: stories, the rules, the question of the day and the guide are spoken on the device, in the reader’s language', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const facilitator = await newPage(browser, LAPTOP);
	await listen(facilitator);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const anna = await newPage(browser, TABLET);
	await listen(anna);
	await anna.goto(local(round.links.participant));
	await joinAs(anna, 'Anna', 'In de zaal');
	const shared = await newPage(browser, TABLET);
	await listen(shared);
	await shared.goto(local(round.links.tablet));
	// The shared tablet is for people without a device of their own (#15): Dirk.
	await facilitator.getByText('Iemand zonder tablet toevoegen').click();
	await facilitator.getByLabel('Naam', { exact: true }).fill('Dirk');
	await facilitator.getByRole('button', { name: 'Toevoegen' }).click();

	// The rules, on the participant's tablet.
	const rules = anna.getByRole('region', { name: 'Onze afspraken' });
	const rulesSpoken = await readAloud(anna, rules);
	expect(rulesSpoken.lang).toBe('nl-NL');
	expect(rulesSpoken.text).toContain('Onze afspraken.');
	expect(rulesSpoken.text).toContain('We geven geen advies.');
	expect(rulesSpoken.text).toContain('Wat in de kring gezegd wordt, blijft in de kring.');

	// The facilitator's guide for this step.
	const guide = facilitator.getByRole('complementary', { name: /wat doe je nu\?/ });
	const guideSpoken = await readAloud(facilitator, guide);
	expect(guideSpoken).toEqual({
		lang: 'nl-NL',
		text: expect.stringContaining('Zeg iedereen gedag en heet nieuwe mensen welkom.')
	});

	// A story, with the facilitator's retelling and the teller's own words.
	await nextStep(facilitator, 'Verhaalkeuze', [anna]);
	await anna.getByLabel('Wat weegt zwaar voor jou?').fill('Ik slaap slecht sinds de verhuizing');
	await anna.getByRole('button', { name: 'Delen' }).tap();
	await storyCard(facilitator, 'Ik slaap slecht')
		.getByRole('button', { name: 'Kort herhalen' })
		.click();
	await facilitator.getByLabel('Zo zeg ik het terug').fill('Slecht slapen na het verhuizen');
	await facilitator.getByRole('button', { name: 'Opslaan' }).click();
	const story = await readAloud(anna, storyCard(anna, 'Slecht slapen na het verhuizen'));
	expect(story).toEqual({
		lang: 'nl-NL',
		text: 'Slecht slapen na het verhuizen. Zelf gezegd: Ik slaap slecht sinds de verhuizing. Jouw verhaal.'
	});
	// The facilitator's own story cards read aloud too.
	const onLaptop = await readAloud(facilitator, storyCard(facilitator, 'Slecht slapen'));
	expect(onLaptop.text).toContain('Slecht slapen na het verhuizen.');

	// On the shared tablet, the stories to vote for.
	const heart = (page: Page, story: string) =>
		page.getByRole('button', { name: `Hart voor: ${story}` });
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	await shared.getByRole('button', { name: 'Dirk' }).tap();
	const onShared = await readAloud(shared, storyCard(shared, 'Slecht slapen'));
	expect(onShared).toEqual({
		lang: 'nl-NL',
		text: 'Slecht slapen na het verhuizen. Zelf gezegd: Ik slaap slecht sinds de verhuizing.'
	});

	// The question of the day, as the facilitator wrote it.
	await heart(shared, 'Slecht slapen na het verhuizen').tap();
	await expect(shared.getByRole('heading', { name: 'Dank je, Dirk!' })).toBeVisible();
	await facilitator.getByRole('button', { name: 'Uitslag tonen' }).click();
	await anna.getByRole('button', { name: 'Ja', exact: true }).tap();
	await nextStep(facilitator, 'Verdieping', [anna]);
	await nextStep(facilitator, 'Verbreding', [anna]);
	await facilitator.getByLabel('Jouw vraag voor vandaag').fill('Wie kent onrustige nachten?');
	await facilitator
		.getByRole('region', { name: 'De vraag aanpassen' })
		.getByRole('button', { name: 'Opslaan' })
		.click();
	const mote = anna.getByRole('region', { name: 'De vraag van vandaag' });
	await expect(mote).toContainText('Wie kent onrustige nachten?');
	expect(await readAloud(anna, mote)).toEqual({
		lang: 'nl-NL',
		text: 'De vraag van vandaag. Wie kent onrustige nachten?'
	});

	// In another language, the voice speaks that language. Only Dutch exists so far: this part
	// runs once messages/en.json is in the project.
	const { locales } = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as {
		locales: string[];
	};
	if (locales.includes('en')) {
		const english = await newPage(browser, LAPTOP);
		await english
			.context()
			.addCookies([
				{ name: 'PARAGLIDE_LOCALE', value: 'en', url: test.info().project.use.baseURL! }
			]);
		await listen(english);
		await english.goto(local(round.links.facilitator));
		const before = (await spoken(english)).length;
		await english.locator('aside.guide button.read-aloud').click();
		await expect.poll(async () => (await spoken(english)).length).toBe(before + 1);
		const guideInEnglish = (await spoken(english))[before]!;
		expect(guideInEnglish.lang).toBe('en-GB');
		expect(guideInEnglish.text).not.toContain('Stel de vraag van vandaag');
	}
});

test('read aloud: "Stop" while reading; a second tap or another text stops it; no button without speech', async ({
	browser
}) => {
	const page = await newPage(browser, TABLET);
	const round = await createRound(page);
	// This Chromium has no voices: it ends every utterance at once. To see the reading state, the
	// engine is played here: speak() records and keeps the utterance going until cancel() ends it.
	await page.addInitScript(() => {
		const w = window as unknown as {
			__spoken: { text: string; lang: string }[];
			__cancels: number;
		};
		w.__spoken = [];
		w.__cancels = 0;
		const going: SpeechSynthesisUtterance[] = [];
		speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
			w.__spoken.push({ text: utterance.text, lang: utterance.lang });
			going.push(utterance);
		};
		speechSynthesis.cancel = () => {
			w.__cancels++;
			for (const utterance of going.splice(0)) utterance.dispatchEvent(new Event('end'));
		};
	});
	await page.goto(local(round.links.participant));
	await joinAs(page, 'Anna', 'In de zaal');
	const cancels = () => page.evaluate(() => (window as unknown as { __cancels: number }).__cancels);

	const rules = page.getByRole('region', { name: 'Onze afspraken' });
	const read = rules.getByRole('button', { name: /^Voorlezen/ });
	const stop = rules.getByRole('button', { name: /^Stop/ });
	const before = await cancels();
	await readAloud(page, rules);
	// Every read first stops what is being read, so two texts never run together.
	expect(await cancels()).toBe(before + 1);
	await expect(stop).toBeVisible();
	await expect(read).toHaveCount(0);

	// A second tap stops it.
	await stop.tap();
	await expect(read).toBeVisible();
	expect(await cancels()).toBe(before + 2);

	// Reading another text (the rules in the dialog) stops the first, and only that one says Stop.
	await readAloud(page, rules);
	await expect(stop).toBeVisible();
	await page.getByRole('button', { name: 'Afspraken', exact: true }).tap();
	const dialog = page.getByRole('dialog', { name: 'Onze afspraken' });
	await readAloud(page, dialog);
	await expect(dialog.getByRole('button', { name: /^Stop/ })).toBeVisible();
	await expect(read).toHaveCount(1);
	await expect(stop).toHaveCount(0);

	// Without speechSynthesis in the browser there is no button at all.
	const mute = await newPage(browser, TABLET);
	await mute.addInitScript(() => {
		Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });
	});
	await mute.goto(local(round.links.participant));
	await joinAs(mute, 'Bram', 'In de zaal');
	await expect(mute.getByRole('heading', { name: 'Onze afspraken' })).toBeVisible();
	await expect(mute.getByRole('button', { name: /^Voorlezen/ })).toHaveCount(0);
});
