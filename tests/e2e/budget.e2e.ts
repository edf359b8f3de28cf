/**
 * The participant's bundle (#7): the gzipped JavaScript an old tablet downloads to open the join
 * page and take part, measured in a real Chromium, and a check that LiveKit is not part of it
 * (it loads only when someone joins audio). A size, not a timing.
 *
 * The first load is the join page plus the view of the step the round is in (its panel loads
 * with the step, see participant/StepPanel.svelte); the service worker may fetch the rest of the
 * app in the background afterwards, which is not counted here. CI fails when the total grows
 * past PARTICIPANT_JS_BUDGET_KB, and in any case past PARTICIPANT_JS_TARGET_KB.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect } from '@playwright/test';
import { test } from './fixtures';
import { TABLET, createRound, local, newPage } from './helpers';

/** The target of #7: the first load must never need more than this. */
export const PARTICIPANT_JS_TARGET_KB = 100;
/**
 * What CI enforces: the size measured with half a kilobyte of headroom, so the first load cannot
 * quietly grow back towards the target. Never above the target; lower it as the page gets smaller.
 * Set on 2026-12-07 at 97.5 (97.0 measured); the server-drawn join form and the service worker's
 * routes of #18 brought the page to 97.46–97.51 KB over three builds of one commit (SvelteKit's
 * version is the build's time; the hashed file names it changes make the gzip vary by about 40
 * bytes), so it failed one build in three: now 98.0 (docs/performance.md §4).
 */
export const PARTICIPANT_JS_BUDGET_KB = 98;
const KLEED_HEADING = 'Het kleed';

test("a participant's first load stays within the JavaScript budget; LiveKit is not in it", async ({
	browser
}) => {
	const setup = await newPage(browser, TABLET);
	const round = await createRound(setup);
	// A first visit: no service worker yet (one that takes over mid-load answers some requests
	// itself, and those would slip past this count).
	const tablet = await newPage(browser, { ...TABLET, serviceWorkers: 'block' });
	const scripts = new Map<string, number>();
	let livekit = false;
	tablet.on('response', async (response) => {
		const url = response.url();
		if (!/\.m?js(\?|$)/.test(new URL(url).pathname)) return;
		const body = await response.body().catch(() => null);
		if (!body) return;
		// Without the source-map comment a KLEED_SOURCEMAP=1 build adds, so both builds measure the
		// same code (production builds have no such comment).
		const code = body.toString('utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '');
		scripts.set(url, gzipSync(code).length);
		if (body.includes('livekit-client') || body.includes('LivekitError')) livekit = true;
	});
	await tablet.goto(local(round.links.participant));
	await tablet.getByLabel('Je naam').fill('Anna');
	await tablet.getByText('In de zaal', { exact: true }).tap();
	await tablet.getByRole('button', { name: 'Meedoen' }).tap();
	await expect(tablet.getByText('Anna').first()).toBeVisible();
	// The step's own panel is part of the first load.
	await expect(tablet.getByRole('heading', { name: KLEED_HEADING })).toBeVisible();
	await tablet.waitForLoadState('networkidle');
	const total = [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;
	const rows = [...scripts.entries()]
		.sort((a, b) => b[1] - a[1])
		.map(([url, size]) => `  ${(size / 1024).toFixed(1).padStart(6)} KB  ${new URL(url).pathname}`);
	console.log(
		`participant JavaScript (gzip): ${total.toFixed(1)} KB in ${scripts.size} files (budget ${PARTICIPANT_JS_BUDGET_KB} KB, target ${PARTICIPANT_JS_TARGET_KB} KB)\n${rows.join('\n')}`
	);
	test.info().annotations.push({ type: 'participant-js-gzip-kb', description: total.toFixed(1) });
	// For finding what takes the room: KLEED_BUDGET_FILES=path writes the list of files.
	if (process.env.KLEED_BUDGET_FILES) {
		writeFileSync(
			process.env.KLEED_BUDGET_FILES,
			[...scripts.keys()].map((u) => new URL(u).pathname).join('\n')
		);
	}
	expect(livekit, 'livekit-client must load only when someone joins audio').toBe(false);
	expect(scripts.size).toBeGreaterThan(0);
	expect(
		PARTICIPANT_JS_BUDGET_KB,
		'the budget may be lowered, never raised above the target'
	).toBeLessThanOrEqual(PARTICIPANT_JS_TARGET_KB);
	expect(
		total,
		`participant JavaScript ${total.toFixed(1)} KB gzip is over the target of ${PARTICIPANT_JS_TARGET_KB} KB`
	).toBeLessThanOrEqual(PARTICIPANT_JS_TARGET_KB);
	expect(
		total,
		`participant JavaScript ${total.toFixed(1)} KB gzip is over the budget of ${PARTICIPANT_JS_BUDGET_KB} KB`
	).toBeLessThanOrEqual(PARTICIPANT_JS_BUDGET_KB);
});
