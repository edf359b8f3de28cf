/// <reference lib="dom" />
/**
 * Vote -> projector latency in real Chromium (`npm run bench:browser`).
 *
 * Ten participants on tablets, a facilitator and the projector, each its own browser context.
 * While the vote is open, participants give and take back their heart, one at a time; the time
 * runs from the tap (in the participant's page) to the moment the projector's "N van de 10 hebben
 * gestemd" shows the new count (a MutationObserver in the projector's page). Both clocks are
 * `performance.timeOrigin + performance.now()` on this machine, so they can be compared.
 * Prints p50/p95/p99 and max over VOTES changes. Figures only: nothing here asserts a time.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	LAPTOP,
	PROJECTOR,
	createRound,
	local,
	newPage,
	nextStep,
	open,
	participant,
	storyCard
} from '../e2e/helpers';

const PEOPLE = 10;
const VOTES = Number(process.env.VOTES ?? 60);

const heart = (page: Page, story: string) =>
	page.getByRole('button', { name: `Hart voor: ${story}` });

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

test('vote -> projector latency', async ({ browser }) => {
	const facilitator = await newPage(browser, LAPTOP);
	const round = await createRound(facilitator);
	await facilitator.goto(local(round.links.facilitator));
	const people: Page[] = [];
	for (let i = 0; i < PEOPLE; i++)
		people.push(await participant(browser, round, `Persoon ${i + 1}`));
	const screen = await open(browser, PROJECTOR, round.links.projector);
	await nextStep(facilitator, 'Verhaalkeuze', [screen, ...people]);

	const story = 'Mijn buurman praat niet meer met mij';
	await people[0]!.getByLabel('Wat weegt zwaar voor jou?').fill(story);
	await people[0]!.getByRole('button', { name: 'Delen' }).tap();
	await expect(storyCard(screen, story)).toBeVisible();
	await facilitator.getByRole('button', { name: 'Stemmen openen' }).click();
	const progress = (n: number) => screen.getByText(`${n} van de ${PEOPLE} hebben gestemd`);
	await expect(progress(0)).toBeVisible();

	// The projector notes when each count first appears.
	await screen.evaluate(() => {
		const w = window as unknown as { __seen: Record<string, number> };
		w.__seen = {};
		const look = () => {
			const m = /(\d+) van de \d+ hebben gestemd/.exec(document.body.innerText);
			if (m && !(m[1]! in w.__seen)) w.__seen[m[1]!] = performance.timeOrigin + performance.now();
		};
		new MutationObserver(look).observe(document.body, {
			subtree: true,
			childList: true,
			characterData: true
		});
	});

	const voted = new Array<boolean>(PEOPLE).fill(false);
	let count = 0;
	const latencies: number[] = [];
	for (let k = 0; k < VOTES; k++) {
		const i = (k * 3) % PEOPLE;
		const page = people[i]!;
		await screen.evaluate(() => {
			(window as unknown as { __seen: Record<string, number> }).__seen = {};
		});
		const button = heart(page, story);
		const tapped = await button.evaluate((el: HTMLElement) => {
			const t = performance.timeOrigin + performance.now();
			el.click();
			return t;
		});
		voted[i] = !voted[i];
		count += voted[i] ? 1 : -1;
		await expect(progress(count)).toBeVisible();
		await expect(button).toHaveAttribute('aria-pressed', String(voted[i]));
		const seenAt = await screen.evaluate(
			(n) => (window as unknown as { __seen: Record<string, number> }).__seen[String(n)],
			count
		);
		expect(seenAt, `the projector saw count ${count}`).toBeGreaterThan(0);
		latencies.push(seenAt! - tapped);
	}

	const sorted = [...latencies].sort((a, b) => a - b);
	const line = `vote -> projector over ${sorted.length} changes (${PEOPLE} tablets): p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
	console.log(line);
	test.info().annotations.push({ type: 'figures', description: line });
});
