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

/** A path relative to the project, as the runners print it. */
function where(path) {
	return path.startsWith(process.cwd() + '/') ? path.slice(process.cwd().length + 1) : path;
}

/** The first line of an error message, without colour codes, at most 200 characters. */
function firstLine(message) {
	// eslint-disable-next-line no-control-regex
	const plain = String(message ?? '').replace(/\u001b\[[0-9;]*m/g, '');
	return (plain.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);
}

/**
 * What a failed Playwright test's error says beyond its first line, for a log that shows only
 * its last lines: where it failed, the locator, what was expected and received, and the first
 * lines of the call log (at most seven lines in all).
 */
function details(error) {
	// eslint-disable-next-line no-control-regex
	const plain = String(error?.message ?? '').replace(/\u001b\[[0-9;]*m/g, '');
	const lines = [];
	if (error?.location) lines.push(`at ${where(error.location.file)}:${error.location.line}`);
	const wanted = /^\s*(Locator|Expected|Received|Timeout|- )/;
	for (const line of plain.split('\n').slice(1)) {
		if (lines.length >= 7) break;
		if (wanted.test(line)) lines.push(line.trim().slice(0, 200));
	}
	return lines.map((line) => `  ${line}`);
}

/** Every test of a Playwright JSON report with its spec, through nested describe blocks. */
function* playwrightTests(suites) {
	for (const suite of suites) {
		for (const spec of suite.specs ?? []) for (const test of spec.tests ?? []) yield { spec, test };
		yield* playwrightTests(suite.suites ?? []);
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
	// Named, so a CI log that shows only its last lines still says which test failed.
	for (const file of vitest.testResults ?? []) {
		for (const test of file.assertionResults ?? []) {
			if (test.status === 'failed')
				console.log(`failed: ${label}: ${where(file.name)} > ${test.fullName}`);
		}
		if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') {
			console.log(
				`failed: ${label}: ${where(file.name)} could not run: ${firstLine(file.message)}`
			);
		}
	}
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
	for (const { spec, test } of playwrightTests(playwright.suites ?? [])) {
		if (test.status === 'unexpected') {
			const error = test.results?.at(-1)?.error?.message;
			console.log(
				`failed: Playwright: ${spec.file}:${spec.line} > ${spec.title}: ${firstLine(error)}`
			);
			for (const line of details(test.results?.at(-1)?.error)) console.log(line);
		} else if (test.status === 'flaky') {
			console.log(
				`flaky (passed on a retry): Playwright: ${spec.file}:${spec.line} > ${spec.title}`
			);
		}
	}
	if ((playwright.errors ?? []).length > 0 && s.unexpected === 0) {
		console.log('failed: Playwright reported errors outside tests');
		failed++;
	}
}

if (skipped > 0) console.log(`skipped: ${skipped} (see the runner output for why)`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
