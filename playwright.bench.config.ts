// `npm run bench:browser`: the browser benchmarks in tests/bench (*.browser.ts), against the same
// built server and Chromium as the e2e tests. Not part of `npm test`: they print figures.
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
	...base,
	testDir: 'tests/bench',
	testMatch: '**/*.browser.ts',
	timeout: 300_000,
	reporter: [['list']],
	// Playwright's trace snapshots the page's DOM at every action, on the page's own main thread:
	// about 60 ms of a join on the slowed tablet. Benchmarks time the page, not the recorder.
	use: { ...base.use, trace: 'off' }
});
