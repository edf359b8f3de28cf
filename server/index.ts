/**
 * Production entry: reads the configuration, loads SvelteKit's built handler and serves pages,
 * API and relay on one port. This file only wires; the parts live in serve.ts and app.ts.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { Middleware } from './http/plumbing.ts';
import { createLogger } from './log.ts';
import { lanAddresses, listensOnAllInterfaces } from './network.ts';
import { serve } from './serve.ts';
import { groupPagePaths } from '../src/lib/groups.ts';

let config: Config;
try {
	config = loadConfig(process.env);
} catch (err) {
	if (!(err instanceof ConfigError)) throw err;
	console.error(err.message);
	process.exit(1);
}

const handlerFile = fileURLToPath(new URL('../build/handler.js', import.meta.url));
if (!existsSync(handlerFile)) {
	console.error('Kleed is not built yet. Run "npm run build" (or "npm start", which builds).');
	process.exit(1);
}
const { handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: Middleware };

const running = await serve({ config, log: createLogger(config.logLevel), pages: handler }).catch(
	(err: NodeJS.ErrnoException) => {
		console.error(
			err.code === 'EADDRINUSE'
				? `Port ${config.port} is already in use. Stop the other program or set PORT.`
				: `Kleed could not start: ${err.message}`
		);
		process.exit(1);
	}
);

const lines = [`Kleed is running. Open http://localhost:${running.port}`];
if (listensOnAllInterfaces(config.host)) {
	for (const ip of lanAddresses()) {
		lines.push(`Tablets on the same wifi can use http://${ip}:${running.port}`);
	}
} else {
	lines.push(`Listening on ${config.host} only.`);
}
lines.push(`Data is kept in ${config.databaseFile}`);
// Made at the first start: shown this once (DATA_DIR keeps only its hash). docs/groups.md.
if (running.kleed.newCoordinatorKey) {
	const base = config.publicUrl ?? `http://localhost:${running.port}`;
	lines.push(
		'',
		'The coordinator link (groups and the annual report). It is shown only now: keep it safe.',
		`  ${base}${groupPagePaths.coordinator}#key=${running.kleed.newCoordinatorKey}`,
		'A new one (the old one stops working): npm run coordinator:new'
	);
}
// Said once; a script finds the port in the first line ("Open http://localhost:PORT").
console.log(lines.join('\n'));

let stopping = false;
function shutdown() {
	if (stopping) return;
	stopping = true;
	setTimeout(() => process.exit(0), 3000).unref();
	void running.stop().then(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
