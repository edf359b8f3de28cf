import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createKleed, type Kleed, type KleedOptions } from './app.ts';
import type { Config } from './config.ts';
import type { Middleware } from './http/plumbing.ts';
import { isTrustedProxy } from './http/proxy.ts';
import { HTTP_LIMITS } from './relay/limits.ts';

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
	httpLimits?: KleedOptions['httpLimits'];
	roundLimits?: KleedOptions['roundLimits'];
	audio?: KleedOptions['audio'];
	practice?: KleedOptions['practice'];
	groupLimits?: KleedOptions['groupLimits'];
	clock?: KleedOptions['clock'];
}): Promise<Running> {
	const { config, log, pages } = options;
	const kleed = createKleed({
		config,
		log,
		limits: options.limits,
		httpLimits: options.httpLimits,
		roundLimits: options.roundLimits,
		audio: options.audio,
		practice: options.practice,
		groupLimits: options.groupLimits,
		clock: options.clock
	});
	const limits = { ...HTTP_LIMITS, ...options.httpLimits };
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
	// A socket that never sends a byte, or sends its headers a byte at a time, is closed: 20,000 of
	// them from one address once used up the file limit. Upgraded sockets are the relay's (ws turns
	// the idle timeout off for them; the relay's heartbeat watches them).
	server.headersTimeout = limits.headersTimeoutMs;
	server.requestTimeout = limits.requestTimeoutMs;
	server.timeout = limits.idleSocketMs;
	server.keepAliveTimeout = Math.min(5_000, limits.idleSocketMs);
	limitSocketsPerAddress(server, limits.socketsPerAddress, (address) =>
		isTrustedProxy(config.trustProxy, address)
	);
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

/**
 * At most `max` open TCP connections per address; the next ones are destroyed at once, before
 * any byte is read. A trusted proxy (TRUST_PROXY) is not counted: every visitor comes through it,
 * and the proxy has its own limits (docs/deploy.md).
 */
export function limitSocketsPerAddress(
	server: Server,
	max: number,
	exempt: (address: string) => boolean
): void {
	const open = new Map<string, number>();
	server.on('connection', (socket) => {
		const address = socket.remoteAddress;
		if (!address || exempt(address)) return;
		const count = open.get(address) ?? 0;
		if (count >= max) {
			socket.destroy();
			return;
		}
		open.set(address, count + 1);
		socket.once('close', () => {
			const left = (open.get(address) ?? 1) - 1;
			if (left <= 0) open.delete(address);
			else open.set(address, left);
		});
	});
}
