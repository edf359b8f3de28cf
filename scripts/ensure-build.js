// `npm start` runs this first: build the app when there is no build yet, or when the sources
// are newer than the build, so `npm install && npm start` is all a fresh machine needs.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const marker = 'build/handler.js';
const sources = ['src', 'messages', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];

function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let max = stat.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (path === 'src' && entry === 'lib') {
			// src/lib/paraglide is generated during the build; do not let it trigger rebuilds.
			for (const sub of readdirSync(join(path, entry))) {
				if (sub !== 'paraglide') max = Math.max(max, newest(join(path, entry, sub)));
			}
			continue;
		}
		max = Math.max(max, newest(join(path, entry)));
	}
	return max;
}

const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
const changed = Math.max(...sources.map(newest));
if (built === 0 || changed > built) {
	console.log(built === 0 ? 'Building Kleed (first start)…' : 'Sources changed, rebuilding…');
	execSync('npm run build', { stdio: 'inherit' });
}
