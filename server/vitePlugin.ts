import type { Plugin } from 'vite';
import { createKleed } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';

/**
 * `npm run dev`: attaches the production API and relay to Vite's own HTTP server, so dev and
 * production run the same code. Not active in builds or under Vitest.
 */
export function kleedDevServer(): Plugin {
	return {
		name: 'kleed-dev-server',
		apply: (_config, env) => env.command === 'serve' && !process.env.VITEST,
		configureServer(server) {
			const config = loadConfig(process.env);
			const kleed = createKleed({ config, log: createLogger(config.logLevel) });
			server.middlewares.use((req, res, next) => kleed.api(req, res, () => next()));
			server.httpServer?.on('upgrade', (req, socket, head) => {
				// Vite's HMR socket shares this server; upgrades that are not ours are left to it.
				kleed.upgrade(req, socket, head);
			});
			server.httpServer?.on('close', () => kleed.close());
		}
	};
}
