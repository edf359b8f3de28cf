import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { RelaySocket, SocketEvents } from './socket.ts';

/**
 * Adapts a `ws` WebSocket to the relay's socket interface and wires its events. `stream` is the
 * socket the WebSocket was upgraded on (what `handleUpgrade` was given): corking it holds ws's
 * writes, which ws makes one per frame.
 */
export function attachWebSocket(
	ws: WebSocket,
	stream: Duplex,
	connect: (socket: RelaySocket) => SocketEvents
) {
	ws.binaryType = 'nodebuffer';
	const socket: RelaySocket = {
		send: (data) => ws.send(data, { binary: true }),
		close: (code, reason) => ws.close(code, reason),
		terminate: () => ws.terminate(),
		ping: () => ws.ping(),
		get bufferedAmount() {
			return ws.bufferedAmount;
		},
		cork: () => stream.cork(),
		uncork: () => stream.uncork()
	};
	const events = connect(socket);
	ws.on('message', (data, isBinary) => {
		// Text frames are not part of the protocol; an empty buffer makes the relay close with badFrame.
		if (!isBinary) return events.message(new Uint8Array(0));
		const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
		events.message(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
	});
	ws.on('pong', () => events.pong());
	ws.on('close', () => events.close());
	// Socket errors (resets, frames over maxPayload) are followed by 'close'; never let them throw.
	ws.on('error', () => {});
}
