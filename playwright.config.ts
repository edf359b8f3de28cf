import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices, type ReporterDescription } from '@playwright/test';

// A free port chosen by the OS (E2E_PORT to pin one), so parallel runs on one machine do not
// collide. Set in the environment: workers load this file again and must agree on it.
process.env.E2E_PORT ??= execFileSync(process.execPath, [
	'-e',
	"const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
])
	.toString()
	.trim();
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

// Every run starts from an empty database, so tests never see rounds from an earlier run.
// Workers load this file again and inherit the environment: they reuse the runner's directory.
const dataDir = (process.env.KLEED_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'kleed-e2e-')));

// The system Chromium (apt) when present; otherwise Playwright's own download.
const executablePath =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const reporter: ReporterDescription[] = [['list']];
if (process.env.PLAYWRIGHT_JSON)
	reporter.push(['json', { outputFile: process.env.PLAYWRIGHT_JSON }]);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	// The tests share one server and one database; one worker keeps them independent and calm.
	workers: 1,
	forbidOnly: !!process.env.CI,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter,
	use: {
		baseURL,
		headless: true,
		locale: 'nl-NL',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update'
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		command: 'npm run build && node --import tsx server/index.ts',
		url: `${baseURL}/api/health`,
		reuseExistingServer: false,
		timeout: 180_000,
		stdout: 'pipe',
		stderr: 'pipe',
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			LOG_LEVEL: 'warn',
			// Devices tell their own address in X-Forwarded-For (tests/e2e/helpers.ts newPage), so
			// the per-address limits count one device's requests, not the whole suite's.
			TRUST_PROXY: '127.0.0.1'
		}
	}
});
