import { test as base } from '@playwright/test';

/**
 * Playwright's `test`, plus one rule every spec keeps: the devices a test opened (each its own
 * browser context, see `newPage` in helpers.ts) are closed when the test ends. The browser lives
 * for the whole worker; without this every tablet of every earlier test would stay connected,
 * rendering and reconnecting, and the later tests would run on a machine busy with ghosts.
 */
export const test = base.extend<{ closeDevices: void }>({
	closeDevices: [
		async ({ browser }, use) => {
			await use();
			await Promise.all(browser.contexts().map((context) => context.close()));
		},
		{ auto: true }
	]
});
