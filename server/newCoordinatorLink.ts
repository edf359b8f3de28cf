/**
 * `npm run coordinator:new`: makes a new coordinator link (#17) and prints it once. The old link
 * stops working at once, also in a server that is running (it reads the key's file again when it
 * changes). Uses the same DATA_DIR (and PUBLIC_URL, PORT) as the server.
 */
import { ConfigError, loadConfig } from './config.ts';
import { CoordinatorKey } from './CoordinatorKey.ts';
import { groupPagePaths } from '../src/lib/groups.ts';

try {
	const config = loadConfig(process.env);
	const key = new CoordinatorKey(config.dataDir).renew();
	const base = config.publicUrl ?? `http://localhost:${config.port}`;
	console.log(
		[
			'A new coordinator link (the old one no longer works). It is shown only now: keep it safe.',
			`  ${base}${groupPagePaths.coordinator}#key=${key}`
		].join('\n')
	);
} catch (err) {
	if (!(err instanceof ConfigError)) throw err;
	console.error(err.message);
	process.exit(1);
}
