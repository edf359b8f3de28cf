// `npm test`: unit + integration (vitest), then e2e (Playwright in Chromium). Both always run,
// so one failing suite does not hide the results of the other; the exit code is non-zero if
// either failed.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let failed = false;
for (const script of ['test:unit', 'test:e2e']) {
	const { status } = spawnSync(npm, ['run', script], { stdio: 'inherit' });
	if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
