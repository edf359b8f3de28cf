// Reads the JSON reports of vitest and Playwright and prints `tests: N passed, M failed`.
// Arguments: exit codes of `npm run check` and `npm run lint` (each counted as one test).
import { existsSync, readFileSync } from 'node:fs';

const [checkCode, lintCode] = process.argv.slice(2).map(Number);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const [name, code] of [
	['check', checkCode],
	['lint', lintCode]
]) {
	if (code === 0) passed++;
	else {
		failed++;
		console.log(`failed: npm run ${name}`);
	}
}

function read(file, label) {
	if (!existsSync(file)) {
		console.log(`failed: no ${label} report (${file}); the runner did not finish`);
		failed++;
		return null;
	}
	return JSON.parse(readFileSync(file, 'utf8'));
}

// The vitest suites run twice: on the Node that runs CI, and on Node 24 (scripts/test-node.sh).
for (const [file, label] of [
	['reports/vitest.json', 'vitest'],
	['reports/vitest-node24.json', 'vitest on Node 24']
]) {
	const vitest = read(file, label);
	if (!vitest) continue;
	passed += vitest.numPassedTests;
	failed += vitest.numFailedTests;
	skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
	if (vitest.numFailedTestSuites > 0 && vitest.numFailedTests === 0) {
		console.log(`failed: a ${label} file could not run`);
		failed++;
	}
}

const playwright = read('reports/playwright.json', 'Playwright');
if (playwright) {
	const s = playwright.stats;
	passed += s.expected + s.flaky;
	failed += s.unexpected;
	skipped += s.skipped;
	if ((playwright.errors ?? []).length > 0 && s.unexpected === 0) {
		console.log('failed: Playwright reported errors outside tests');
		failed++;
	}
}

if (skipped > 0) console.log(`skipped: ${skipped} (see the runner output for why)`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
