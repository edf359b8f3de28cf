import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
	PROTOCOL_VERSION,
	normalizeCode,
	pagePaths,
	type ApiError,
	type AudioGrant,
	type CreateRoundResponse,
	type JoinResponse,
	type RoundInfo,
	type RoundLinks,
	type ServerTime,
	type SessionInfo
} from '../../src/lib/protocol.ts';
import { DOC_MAP, type WaitingEntry } from '../../src/lib/round/doc.ts';
import {
	audioRequest,
	createRoundRequest,
	describeIssues,
	joinRequest,
	muteRequest
} from '../../src/lib/schemas.ts';
import type { Config } from '../config.ts';
import { isLoopback, listensOnAllInterfaces } from '../network.ts';
import { AudioNotConfigured, AudioRefused, type AudioService } from '../AudioService.ts';
import type { Relay } from '../relay/Relay.ts';
import type { Identity, RoundStore } from '../RoundStore.ts';
import { clientAddress, type GuessGuard } from './GuessGuard.ts';
import { derivedToken, type DerivedRole } from '../tokens.ts';

export type Next = () => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export interface ApiDeps {
	rounds: RoundStore;
	audio: AudioService;
	relay: Relay;
	guard: GuessGuard;
	config: Pick<Config, 'host' | 'publicUrl'>;
	log: Logger;
	lanAddresses: () => string[];
}

const MAX_BODY_BYTES = 16 * 1024;

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: ApiError,
		readonly headers: Record<string, string> = {}
	) {
		super(body.message);
	}
}

const notFound = (message: string) => new HttpError(404, { error: 'not_found', message });

type Handler = (req: IncomingMessage, params: { code?: string }) => Promise<[number, unknown]>;
interface Route {
	method: string;
	pattern: RegExp;
	handler: Handler;
}

/**
 * The JSON API under /api. Everything else falls through to `next` (SvelteKit). Every body is
 * size-limited and validated with a schema; errors are `ApiError` with a readable message.
 */
export function createApi(deps: ApiDeps): Middleware {
	const { rounds } = deps;

	/** The round of a path's code. Unknown codes count against the address (see GuessGuard). */
	const roundOf = (req: IncomingMessage, code: string | undefined) => {
		const address = clientAddress(req);
		if (deps.guard.blocked(address)) {
			throw new HttpError(
				429,
				{ error: 'too_many_requests', message: 'Too many unknown round codes. Wait a minute.' },
				{ 'Retry-After': '60' }
			);
		}
		const normal = normalizeCode(code ?? '');
		const round = normal ? rounds.get(normal) : null;
		if (!round) {
			deps.guard.failed(address, normal);
			throw notFound('There is no round with this code.');
		}
		return round;
	};

	const routes: Route[] = [
		{
			method: 'GET',
			pattern: /^\/api\/health$/,
			handler: async () => [
				200,
				{ ok: true, protocol: PROTOCOL_VERSION, audio: deps.audio.enabled }
			]
		},
		{
			method: 'GET',
			pattern: /^\/api\/time$/,
			handler: async () => {
				const body: ServerTime = { now: Date.now() };
				return [200, body];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/rounds$/,
			handler: async (req) => {
				const input = await readJson(req, createRoundRequest, { allowEmpty: true });
				const created = rounds.create({
					title: input.title ?? '',
					language: input.language ?? 'nl'
				});
				const body: CreateRoundResponse = {
					...created,
					links: links(baseUrl(req, deps), created.code, created.facilitatorKey)
				};
				deps.log.info({ round: created.code }, 'round created');
				return [201, body];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/rounds\/([^/]+)$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				const body: RoundInfo = { code: round.code, title: round.title, language: round.language };
				return [200, body];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/rounds\/([^/]+)\/participants$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				const input = await readJson(req, joinRequest);
				if (round.locked) {
					// A locked round: the person waits at the door until a facilitator decides.
					const added = rounds.addParticipant(round.code, input, { waiting: true });
					await deps.relay.transact(round.code, (doc) =>
						doc.getMap<WaitingEntry>(DOC_MAP.waiting).set(added.participantId, {
							name: input.name,
							presence: input.presence,
							at: Date.now()
						})
					);
					return [202, { ...added, waiting: true } satisfies JoinResponse];
				}
				const body: JoinResponse = rounds.addParticipant(round.code, input);
				deps.log.info({ round: round.code, participant: body.participantId }, 'participant added');
				return [201, body];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/rounds\/([^/]+)\/session$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				const { identity, token } = authenticate(req, round.code, rounds, 403);
				const body: SessionInfo = { code: round.code, ...identity };
				if (identity.role === 'facilitator') {
					body.projectorToken = derivedToken(token, 'projector');
					body.links = links(baseUrl(req, deps), round.code, token);
				}
				return [200, body];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/rounds\/([^/]+)\/audio$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				const who = authenticate(req, round.code, rounds, 401).identity;
				const input = await readJson(req, audioRequest, { allowEmpty: true });
				const body: AudioGrant = await withAudio(() =>
					deps.audio.grant(round.code, who, input.device)
				);
				return [200, body];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/rounds\/([^/]+)\/audio\/mute$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				const who = authenticate(req, round.code, rounds, 401).identity;
				if (who.role !== 'facilitator') {
					throw new HttpError(403, {
						error: 'forbidden',
						message: 'Only a facilitator can mute someone.'
					});
				}
				const input = await readJson(req, muteRequest);
				const muted = await withAudio(() => deps.audio.mute(round.code, input.identity));
				return [200, { muted }];
			}
		}
	];

	return (req, res, next) => {
		const path = (req.url ?? '/').split('?')[0] ?? '/';
		if (path !== '/api' && !path.startsWith('/api/')) return next();
		void respond(req, res, path, routes, deps.log);
	};
}

async function respond(
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
	routes: Route[],
	log: Logger
): Promise<void> {
	try {
		const matching = routes.filter((r) => r.pattern.test(path));
		if (matching.length === 0) throw notFound('No such API endpoint.');
		const route = matching.find((r) => r.method === req.method);
		if (!route) {
			const allow = matching.map((r) => r.method).join(', ');
			throw new HttpError(
				405,
				{ error: 'method_not_allowed', message: `Use ${allow} here.` },
				{ Allow: allow }
			);
		}
		const match = route.pattern.exec(path);
		const code = match?.[1] !== undefined ? safeDecode(match[1]) : undefined;
		const [status, body] = await route.handler(req, { code });
		send(res, status, body);
	} catch (err) {
		if (err instanceof HttpError) return send(res, err.status, err.body, err.headers);
		log.error({ err }, 'API error');
		send(res, 500, { error: 'server_error', message: 'Something went wrong on the server.' });
	}
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
	if (res.headersSent) return;
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		...headers
	});
	res.end(JSON.stringify(body));
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return '';
	}
}

/** Reads a JSON body of at most MAX_BODY_BYTES and validates it with `schema`. */
async function readJson<T extends z.ZodType>(
	req: IncomingMessage,
	schema: T,
	{ allowEmpty = false } = {}
): Promise<z.infer<T>> {
	const raw = await readBody(req);
	let json: unknown = {};
	if (raw.length > 0 || !allowEmpty) {
		const type = req.headers['content-type'] ?? '';
		if (!/^application\/json\b/i.test(type)) {
			throw new HttpError(415, {
				error: 'unsupported_media_type',
				message: 'Send the body as JSON with "Content-Type: application/json".'
			});
		}
		try {
			json = JSON.parse(raw.toString('utf8'));
		} catch {
			throw new HttpError(400, { error: 'invalid', message: 'The body is not valid JSON.' });
		}
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		const issues = describeIssues(parsed.error);
		const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
		throw new HttpError(400, { error: 'invalid', message, issues });
	}
	return parsed.data;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length'] ?? 0);
		const tooLarge = () =>
			new HttpError(413, {
				error: 'too_large',
				message: `The body may be at most ${MAX_BODY_BYTES} bytes.`
			});
		if (declared > MAX_BODY_BYTES) {
			req.resume();
			return reject(tooLarge());
		}
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				req.removeAllListeners('data');
				req.resume();
				reject(tooLarge());
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function links(base: string, code: string, facilitatorKey: string): RoundLinks {
	const withToken = (path: string, role: DerivedRole) =>
		`${base}${path}#token=${derivedToken(facilitatorKey, role)}`;
	return {
		facilitator: `${base}${pagePaths.facilitator(code)}#key=${facilitatorKey}`,
		participant: `${base}${pagePaths.participant(code)}`,
		projector: withToken(pagePaths.projector(code), 'projector'),
		observer: withToken(pagePaths.observer(code), 'observer'),
		tablet: withToken(pagePaths.tablet(code), 'tablet')
	};
}

/** The identity of the request's bearer token in round `code`, or an HTTP error. */
function authenticate(
	req: IncomingMessage,
	code: string,
	rounds: RoundStore,
	wrongTokenStatus: 401 | 403
): { identity: Identity; token: string } {
	const token = bearerToken(req);
	if (!token) {
		throw new HttpError(
			401,
			{ error: 'unauthorized', message: 'Send your round token as "Authorization: Bearer …".' },
			{ 'WWW-Authenticate': 'Bearer' }
		);
	}
	const identity = rounds.verifyToken(code, token);
	if (!identity) {
		throw new HttpError(wrongTokenStatus, {
			error: wrongTokenStatus === 401 ? 'unauthorized' : 'forbidden',
			message: 'This token does not belong to this round.'
		});
	}
	return { identity, token };
}

/** Runs an audio call, turning "not set up" into 503 and a refused role into 403. */
async function withAudio<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof AudioNotConfigured) {
			throw new HttpError(503, {
				error: 'audio_not_configured',
				message:
					'Sound is not set up on this Kleed server (LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set).'
			});
		}
		if (err instanceof AudioRefused) {
			throw new HttpError(403, { error: 'forbidden', message: err.message });
		}
		throw err;
	}
}

function bearerToken(req: IncomingMessage): string | null {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	return match?.[1] ?? null;
}

/**
 * Base of the links we hand out. When the facilitator opened the app on the laptop itself
 * (localhost) and we listen on the network, tablets need the laptop's LAN address instead.
 */
export function baseUrl(req: IncomingMessage, deps: Pick<ApiDeps, 'config' | 'lanAddresses'>) {
	if (deps.config.publicUrl) return deps.config.publicUrl;
	const host = (req.headers.host ?? 'localhost').replace(/[^A-Za-z0-9.:[\]-]/g, '');
	const portMatch = /:(\d+)$/.exec(host);
	const hostname = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
	if (isLoopback(hostname) && listensOnAllInterfaces(deps.config.host)) {
		const lan = deps.lanAddresses()[0];
		if (lan) return `http://${lan}${portMatch ? `:${portMatch[1]}` : ''}`;
	}
	return `http://${host}`;
}
