// `npm start` runs this first: build the app when there is no build yet, or when the sources
// are newer than the build, so `npm install && npm start` is all a fresh machine needs.
//
// A first start shows one line ("Building Kleed … done in 62 s"), not Vite's build log: that log
// is for developers (colour codes, plugin timings, advice to run `npm run preview`). It is kept
// and shown only when the build fails.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = 'build/handler.js';
const SOURCES = ['src', 'messages', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

function newest(path, root) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let max = stat.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (path === join(root, 'src') && entry === 'lib') {
			// src/lib/paraglide is generated during the build; do not let it trigger rebuilds.
			for (const sub of readdirSync(join(path, entry))) {
				if (sub !== 'paraglide') max = Math.max(max, newest(join(path, entry, sub), root));
			}
			continue;
		}
		max = Math.max(max, newest(join(path, entry), root));
	}
	return max;
}

/** Whether `root` has no build, or sources newer than its build: 'first', 'changed' or null. */
export function buildNeeded(root) {
	const marker = join(root, MARKER);
	const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
	if (built === 0) return 'first';
	const changed = Math.max(...SOURCES.map((s) => newest(join(root, s), root)));
	return changed > built ? 'changed' : null;
}

// Escape sequences (colours, cursor moves) in a log that is shown after a failure.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Builds `root` when needed with `command` (default: `npm run build`), its output captured.
 * Writes one line to `write`: what it does, then "done in N s" on the same line; on failure the
 * captured log (without colour codes). Resolves with the exit code (0: built or nothing to do).
 */
export function ensureBuild({
	root = process.cwd(),
	command = ['npm', 'run', 'build'],
	write = (text) => process.stdout.write(text)
} = {}) {
	const why = buildNeeded(root);
	if (!why) return Promise.resolve(0);
	write(
		why === 'first'
			? 'Building Kleed for its first start (a minute or two)… '
			: 'The sources changed; building Kleed again… '
	);
	const started = Date.now();
	const [file, ...args] = command;
	const env = { ...process.env, NO_COLOR: '1' };
	delete env.FORCE_COLOR; // picocolors and others read any value, even "0", as "colour on"
	const child = spawn(file, args, {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		shell: process.platform === 'win32'
	});
	let log = '';
	child.stdout.on('data', (chunk) => (log += chunk));
	child.stderr.on('data', (chunk) => (log += chunk));
	return new Promise((done) => {
		child.once('error', (err) => {
			write(`failed.\n${err.message}\n`);
			done(1);
		});
		child.once('close', (code) => {
			if (code === 0 && existsSync(join(root, MARKER))) {
				write(`done in ${Math.round((Date.now() - started) / 1000)} s.\n`);
				done(0);
				return;
			}
			write(
				`failed.\n\n${log.replace(ANSI, '').trim()}\n\nThe build failed (its log is above); Kleed did not start.\n`
			);
			done(code || 1);
		});
	});
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	process.exitCode = await ensureBuild();
}
