import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RelaySocket } from './socket.ts';
import { attachWebSocket } from './wsSocket.ts';

let server: Server | null = null;
const clients: WebSocket[] = [];

afterEach(async () => {
	for (const c of clients.splice(0)) c.terminate();
	await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
	server = null;
});

/** A real ws server on 127.0.0.1 and one client; resolves with both ends once connected. */
async function connect(): Promise<{
	relaySocket: RelaySocket;
	stream: Duplex & { _writev?: unknown; _write?: unknown };
	received: Buffer[];
}> {
	const wss = new WebSocketServer({ noServer: true });
	let resolveServerEnd: (v: { relaySocket: RelaySocket; stream: Duplex }) => void;
	const serverEnd = new Promise<{ relaySocket: RelaySocket; stream: Duplex }>(
		(r) => (resolveServerEnd = r)
	);
	server = createServer();
	server.on('upgrade', (req, stream, head) => {
		wss.handleUpgrade(req, stream, head, (ws) => {
			attachWebSocket(ws, stream, (relaySocket) => {
				resolveServerEnd({ relaySocket, stream });
				return { message: () => {}, pong: () => {}, close: () => {} };
			});
		});
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const client = new WebSocket(`ws://127.0.0.1:${port}`);
	clients.push(client);
	const received: Buffer[] = [];
	client.on('message', (data) => received.push(data as Buffer));
	await new Promise((resolve) => client.once('open', resolve));
	return { ...(await serverEnd), received };
}

async function until(check: () => boolean): Promise<void> {
	while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('attachWebSocket', () => {
	it('holds frames while corked and sends them all in one write when uncorked', async () => {
		const { relaySocket, stream, received } = await connect();
		let writes = 0;
		for (const method of ['_write', '_writev'] as const) {
			const original = stream[method] as (...args: unknown[]) => void;
			stream[method] = (...args: unknown[]) => {
				writes++;
				return original.apply(stream, args);
			};
		}
		relaySocket.cork();
		relaySocket.send(new Uint8Array([1, 2, 3]));
		relaySocket.send(new Uint8Array([4, 5]));
		relaySocket.send(new Uint8Array([6]));
		expect(relaySocket.bufferedAmount).toBeGreaterThan(0);
		await new Promise((r) => setTimeout(r, 30));
		expect(received).toHaveLength(0);
		expect(writes).toBe(0);
		relaySocket.uncork();
		await until(() => received.length === 3);
		expect(received.map((b) => [...b])).toEqual([[1, 2, 3], [4, 5], [6]]);
		expect(writes).toBe(1);
	});

	it('writes each frame at once when not corked', async () => {
		const { relaySocket, received } = await connect();
		relaySocket.send(new Uint8Array([7]));
		await until(() => received.length === 1);
		expect([...received[0]!]).toEqual([7]);
	});
});
