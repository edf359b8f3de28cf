import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npm run screenshots`: the same build, server and browser as the e2e tests, but it runs only
 * scripts/screenshots.ts, which saves PNGs of every view to docs/screenshots/. Not part of
 * `npm test` (that config only matches tests/e2e/*.e2e.ts).
 */
export default defineConfig({
	...base,
	testDir: 'scripts',
	testMatch: 'screenshots.ts',
	timeout: 180_000,
	use: { ...base.use, trace: 'off' }
});
