import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createKleed, type Kleed, type KleedOptions } from './app.ts';
import type { Config } from './config.ts';
import type { Middleware } from './http/plumbing.ts';

export interface Running {
	server: Server;
	kleed: Kleed;
	port: number;
	/** Flushes and compacts every round in memory, then closes sockets, the database and the server. */
	stop(): Promise<void>;
}

/**
 * One HTTP server on one port: /api/* and /sync/* are Kleed's, everything else goes to `pages`
 * (SvelteKit's handler in production).
 */
export function serve(options: {
	config: Config;
	log: Logger;
	pages: Middleware;
	limits?: KleedOptions['limits'];
	audio?: KleedOptions['audio'];
}): Promise<Running> {
	const { config, log, pages } = options;
	const kleed = createKleed({ config, log, limits: options.limits, audio: options.audio });
	const server = createServer((req, res) =>
		kleed.api(req, res, () =>
			pages(req, res, () => {
				res.statusCode = 404;
				res.end('Not found');
			})
		)
	);
	server.on('upgrade', (req, socket, head) => {
		if (!kleed.upgrade(req, socket, head)) socket.destroy();
	});
	return new Promise((resolve, reject) => {
		server.once('error', (err) => {
			kleed.close();
			reject(err);
		});
		server.listen(config.port, config.host, () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : config.port;
			let stopped: Promise<void> | null = null;
			resolve({
				server,
				kleed,
				port,
				stop: () =>
					(stopped ??= new Promise<void>((done) => {
						kleed.close();
						server.close(() => done());
						server.closeAllConnections();
					}))
			});
		});
	});
}
