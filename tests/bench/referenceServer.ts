/**
 * The reference relay for the benchmark: y-websocket 2.x's own server (`setupWSConnection` from
 * `bin/utils`), on the same yjs as Kleed, without persistence (YPERSISTENCE unset), auth or
 * policy. Prints `reference listening on port N`.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { WebSocketServer } from 'ws';

const require = createRequire(import.meta.url);
const { setupWSConnection } = require('y-websocket-reference/bin/utils') as {
	setupWSConnection: (conn: unknown, req: unknown, opts?: { docName?: string }) => void;
};

const server = createServer((_req, res) => {
	res.writeHead(200);
	res.end('ok');
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (ws) => {
		// The y-websocket provider puts the room after the server URL: /sync/{room}?…
		const docName = (req.url ?? '/').split('?')[0]!.split('/').pop() ?? 'default';
		setupWSConnection(ws, req, { docName });
	});
});
server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	console.log(
		`reference listening on port ${typeof address === 'object' && address ? address.port : 0}`
	);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
