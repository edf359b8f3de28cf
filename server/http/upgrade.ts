import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import {
	CLOSE_REASON,
	CloseCode,
	PROTOCOL_VERSION,
	SYNC_PATH,
	normalizeCode
} from '../../src/lib/protocol.ts';
import type { Relay } from '../relay/Relay.ts';
import { SocketQuota } from '../relay/SocketQuota.ts';
import { attachWebSocket } from '../relay/wsSocket.ts';
import type { RoundStore } from '../RoundStore.ts';
import { clientAddress, type GuessGuard } from './GuessGuard.ts';
import { safeDecode } from './plumbing.ts';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

const SYNC_ROUTE = new RegExp(`^${SYNC_PATH}/([^/?]+)$`);

/**
 * A role's link (facilitator, projector, observer, shared tablet) is not one person's: two
 * co-facilitators share the key, a room may have two shared tablets. Such a role gets this many
 * times a person's sockets.
 */
const ROLE_SHARERS = 2;

/**
 * Routes WebSocket upgrades on /sync/{code}: checks origin and token before the handshake and
 * refuses with a plain HTTP status (403 foreign origin, 429 too many unknown codes from this
 * address, 404 unknown round, 401 no token, 403 wrong token or still waiting at the door, 429 too many open sockets of this person or from
 * this address: see SocketQuota).
 * Returns false for other paths (e.g. Vite's HMR socket) so the caller can pass them on.
 */
export function createUpgradeHandler(deps: {
	rounds: RoundStore;
	relay: Relay;
	log: Logger;
	guard: GuessGuard;
	publicUrl: string | undefined;
}): {
	handle: UpgradeHandler;
	close: () => void;
} {
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: deps.relay.limits.maxPayload,
		perMessageDeflate: false
	});
	const quota = new SocketQuota(deps.relay.limits);

	const handle: UpgradeHandler = (req, socket, head) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const match = SYNC_ROUTE.exec(url.pathname);
		if (!match) return false;
		socket.on('error', () => socket.destroy());
		if (!sameOrigin(req, deps.publicUrl)) return refuse(socket, 403, 'Forbidden');
		const address = clientAddress(req);
		if (deps.guard.blocked(address)) return refuse(socket, 429, 'Too Many Requests');
		const code = normalizeCode(safeDecode(match[1] ?? ''));
		if (!code || !deps.rounds.get(code)) {
			deps.guard.failed(address, code);
			return refuse(socket, 404, 'Not Found');
		}
		const token = url.searchParams.get('token');
		if (!token) return refuse(socket, 401, 'Unauthorized');
		const identity = deps.rounds.verifyToken(code, token);
		if (!identity || identity.waiting) return refuse(socket, 403, 'Forbidden');
		// A place is taken now, before the handshake, and given back when the socket ends.
		const place = quota.admit(
			`${code} ${identity.participantId ?? identity.role}`,
			address,
			identity.participantId ? 1 : ROLE_SHARERS
		);
		if ('refused' in place) {
			deps.log.info({ round: code, cap: place.refused }, 'too many sockets');
			return refuse(socket, 429, 'Too Many Requests');
		}
		socket.once('close', place.release);
		deps.rounds.touch(code);
		const version = url.searchParams.get('v');
		wss.handleUpgrade(req, socket, head, (ws) => {
			// A page from an older or newer release: tell it to reload, rather than misread frames.
			if (version !== null && version !== String(PROTOCOL_VERSION)) {
				ws.close(CloseCode.versionMismatch, CLOSE_REASON.versionMismatch);
				return;
			}
			attachWebSocket(ws, socket, (relaySocket) => deps.relay.connect(relaySocket, code, identity));
			deps.log.debug({ round: code, role: identity.role }, 'connected');
		});
		return true;
	};

	return { handle, close: () => wss.close() };
}

function refuse(socket: Duplex, status: number, text: string): true {
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
	return true;
}

/**
 * Browsers send `Origin` with every websocket: refuse pages of other sites, which could otherwise
 * open a socket with a token they got hold of. Clients without `Origin` (not a browser) pass: they
 * still need a token.
 */
function sameOrigin(req: IncomingMessage, publicUrl: string | undefined): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	let host: string;
	try {
		host = new URL(origin).host;
	} catch {
		return false;
	}
	if (host === req.headers.host) return true;
	return publicUrl !== undefined && new URL(publicUrl).host === host;
}
