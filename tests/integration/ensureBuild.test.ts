/**
 * `npm start`'s build step (scripts/ensure-build.js) on a project of its own in a temp folder.
 * The build command is a stand-in that writes a log like Vite's (colour codes, "run npm run
 * preview") and the build's marker file: a real build takes minutes, and what is tested here is
 * what a first start shows, not Vite. The real build was checked by hand on 2026-12-07:
 * `rm -rf build && npm start` printed npm's one script header, then
 * "Building Kleed for its first start (a minute or two)… done in 64 s." and the three lines of
 * "Kleed is running. Open http://localhost:…" — no colour codes, no `npm run preview`.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** scripts/ensure-build.js (plain JavaScript, loaded by path so it is not type-checked here). */
const script = new URL('../../scripts/ensure-build.js', import.meta.url).href;
const { ensureBuild } = (await import(script)) as {
	ensureBuild: (options: {
		root: string;
		command: string[];
		write: (text: string) => void;
	}) => Promise<number>;
};

const VITE_LIKE_LOG =
	"console.log('\\u001b[36mvite v8\\u001b[39m building ssr environment for production...');" +
	"console.log('\\u001b[32m✓\\u001b[39m 1085 modules transformed.');" +
	"console.error('\\u001b[33m[PLUGIN_TIMINGS]\\u001b[0m JavaScript callbacks ran for 35.5s.');" +
	"console.log('Run npm run preview to preview your production build locally.');";

const build = (extra: string) => [process.execPath, '-e', VITE_LIKE_LOG + extra];
const writesMarker =
	"require('fs').mkdirSync('build',{recursive:true});require('fs').writeFileSync('build/handler.js','')";

let root: string;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'kleed-ensure-build-'));
	mkdirSync(join(root, 'src/lib'), { recursive: true });
	writeFileSync(join(root, 'src/app.html'), '<html></html>');
	writeFileSync(join(root, 'package.json'), '{}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function start(command: string[]): Promise<{ code: number; out: string }> {
	let out = '';
	const code = await ensureBuild({ root, command, write: (t) => (out += t) });
	return { code, out };
}

describe('the first start', () => {
	it('shows one line, no colour codes and no advice from the build log', async () => {
		const { code, out } = await start(build(writesMarker));
		expect(code).toBe(0);
		expect(out).toMatch(
			/^Building Kleed for its first start \(a minute or two\)… done in \d+ s\.\n$/
		);
		expect(out.split('\n').filter(Boolean)).toHaveLength(1);
		expect(out).not.toContain('\u001b');
		expect(out).not.toContain('preview');
	});

	it('builds nothing and says nothing when the build is newer than the sources', async () => {
		await start(build(writesMarker));
		const { code, out } = await start(build('process.exit(3)'));
		expect(code).toBe(0);
		expect(out).toBe('');
	});

	it('builds again when a source changed after the build', async () => {
		await start(build(writesMarker));
		const later = new Date(Date.now() + 60_000);
		utimesSync(join(root, 'src/app.html'), later, later);
		const { code, out } = await start(build(writesMarker));
		expect(code).toBe(0);
		expect(out).toMatch(/^The sources changed; building Kleed again… done in \d+ s\.\n$/);
	});

	it('shows the build log without colour codes when the build fails, and fails', async () => {
		const { code, out } = await start(
			build("console.error('Error: x.svelte:3 bad');process.exit(2)")
		);
		expect(code).toBe(2);
		expect(out).toContain('failed.');
		expect(out).toContain('Error: x.svelte:3 bad');
		expect(out).toContain('1085 modules transformed.');
		expect(out).not.toContain('\u001b');
		expect(out).toContain('Kleed did not start');
	});

	it('fails when the build says it succeeded but left no build behind', async () => {
		const { code, out } = await start(build(''));
		expect(code).not.toBe(0);
		expect(out).toContain('The build failed');
	});
});
