// Records platform-specific optional packages (e.g. @rollup/rollup-darwin-arm64) that the npm
// registry mirror of our build machines does not carry, so `npm ci` accepts the lockfile.
//
// Why: npm leaves optional packages it cannot fetch out of package-lock.json, and `npm ci` then
// refuses the lockfile ("Missing: @rollup/rollup-android-arm-eabi@ from lock file";
// npm/cli#9846). Each entry gets the version its parent asks for and the os/cpu/libc its name
// says, so npm on this platform skips it without fetching it, and npm on that platform (with a
// registry that has it) installs it. Run after `npm install` changed the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;

const OS = [
	'android',
	'openharmony',
	'darwin',
	'freebsd',
	'linux',
	'netbsd',
	'openbsd',
	'sunos',
	'win32',
	'aix'
];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

function platformOf(name) {
	const parts = name.split('/').pop().split('-');
	const os = parts.find((p) => OS.includes(p));
	const cpu = parts.find((p) => CPU.includes(p));
	if (!os || !cpu) return null;
	const libc = parts.includes('musl') ? 'musl' : parts.includes('gnu') ? 'glibc' : undefined;
	return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
	for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
		const key = `node_modules/${name}`;
		const nested = `${location}/node_modules/${name}`;
		if (packages[key] || packages[nested]) continue;
		const platform = platformOf(name);
		if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue;
		packages[key] = {
			version: spec,
			cpu: [platform.cpu],
			...(entry.dev ? { dev: true } : {}),
			...(platform.libc ? { libc: [platform.libc] } : {}),
			optional: true,
			os: [platform.os]
		};
		added++;
	}
}

lock.packages = Object.fromEntries(
	Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, '\t')}\n`);
console.log(`package-lock.json: recorded ${added} optional platform package(s)`);
