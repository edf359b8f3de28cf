/** Starting real Kleed servers for integration tests: in-process, or as a child we can SIGKILL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import * as decoding from 'lib0/decoding';
import pino from 'pino';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { loadConfig } from '../../server/config.ts';
import { serve, type Running } from '../../server/serve.ts';
import {
	MessageType,
	PROTOCOL_VERSION,
	type CreateRoundResponse,
	type JoinResponse
} from '../../src/lib/protocol.ts';

// Each stock provider adds a process 'exit' listener in Node; tests open many of them.
process.setMaxListeners(200);

export function tempDir(): { path: string; remove(): void } {
	const path = mkdtempSync(joinPath(tmpdir(), 'kleed-test-'));
	return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The real server (API, relay, SQLite) in this process, on 127.0.0.1 and a free port. */
export async function startInProcess(
	dataDir: string,
	env: Record<string, string> = {},
	options: Partial<
		Pick<
			Parameters<typeof serve>[0],
			'audio' | 'log' | 'httpLimits' | 'roundLimits' | 'practice' | 'groupLimits' | 'clock'
		>
	> = {}
) {
	const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env });
	return serve({
		log: pino({ level: 'silent' }),
		...options,
		config,
		pages: (_req, res) => {
			res.statusCode = 404;
			res.end();
		}
	});
}

export interface ChildServer {
	port: number;
	process: ChildProcess;
	/** Resolves when the process has exited. */
	exited: Promise<void>;
}

/** The real server as a child process (tests/integration/fixtures/server.ts). */
export function startChild(dataDir: string, port = 0): Promise<ChildServer> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'tests/integration/fixtures/server.ts'],
		{
			env: {
				...process.env,
				PORT: String(port),
				HOST: '127.0.0.1',
				DATA_DIR: dataDir,
				LOG_LEVEL: 'warn'
			},
			// stdin stays open: when the test runner dies, the child sees EOF and stops by itself.
			stdio: ['pipe', 'pipe', 'inherit']
		}
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /kleed listening on port (\d+)/.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve({ port: Number(match[1]), process: child, exited });
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}: ${out}`));
		});
	});
}

export async function createRound(port: number, body: object = {}): Promise<CreateRoundResponse> {
	const res = await fetch(`http://127.0.0.1:${port}/api/rounds`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	if (res.status !== 201) throw new Error(`create round: ${res.status}`);
	return (await res.json()) as CreateRoundResponse;
}

/**
 * Joins a round, from `from` (a loopback address) when given: a device of its own, with its own
 * per-address budgets, as an attacker's bots would be.
 */
export async function joinRound(
	port: number,
	code: string,
	name: string,
	presence: 'room' | 'remote' = 'room',
	from?: string
): Promise<JoinResponse> {
	if (from !== undefined) {
		const answer = await http(port, 'POST', `/api/rounds/${code}/participants`, {
			from,
			body: { name, presence }
		});
		if (answer.status !== 201) throw new Error(`join: ${answer.status}`);
		return answer.body as unknown as JoinResponse;
	}
	const res = await fetch(`http://127.0.0.1:${port}/api/rounds/${code}/participants`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name, presence })
	});
	if (res.status !== 201) throw new Error(`join: ${res.status}`);
	return (await res.json()) as JoinResponse;
}

/**
 * The stock y-websocket provider, as the browser uses it. `denied` collects the reasons of the
 * server's permission-denied answers (the stock provider would only log them).
 */
export function provider(port: number, code: string, token: string) {
	const doc = new Y.Doc();
	const p = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, code, doc, {
		params: { token, v: String(PROTOCOL_VERSION) },
		// ws is API-compatible with the browser WebSocket.
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 300
	});
	const denied: string[] = [];
	p.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
		decoding.readVarUint(decoder);
		denied.push(decoding.readVarString(decoder));
	};
	return { doc, provider: p, denied, destroy: () => (p.destroy(), doc.destroy()) };
}

export function synced(p: WebsocketProvider): Promise<void> {
	if (p.synced) return Promise.resolve();
	return new Promise((resolve) => {
		const on = (state: boolean) => {
			if (!state) return;
			p.off('sync', on);
			resolve();
		};
		p.on('sync', on);
	});
}

/** Polls `check` until it returns true (or throws after `ms`). */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** The HTTP status with which the server refuses a websocket upgrade (or 101 when it accepts). */
export function upgradeStatus(url: string): Promise<number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(url);
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', () => {});
	});
}

export type { Running };

export interface Answer {
	status: number;
	body: Record<string, unknown>;
}

/** One HTTP request from a chosen source address (and X-Forwarded-For), without keep-alive. */
export function http(
	port: number,
	method: string,
	path: string,
	{
		from = '127.0.0.1',
		forwardedFor,
		body
	}: { from?: string; forwardedFor?: string; body?: object } = {}
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const req = request(
			{
				host: '127.0.0.1',
				port,
				method,
				path,
				localAddress: from,
				agent: false,
				headers: {
					...(data ? { 'content-type': 'application/json' } : {}),
					...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {})
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString();
					let json: Record<string, unknown> = {};
					try {
						json = JSON.parse(text) as Record<string, unknown>;
					} catch {
						// not JSON
					}
					resolve({ status: res.statusCode ?? 0, body: json });
				});
			}
		);
		req.on('error', reject);
		req.end(data);
	});
}
