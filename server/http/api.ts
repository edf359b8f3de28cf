import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import {
	PROTOCOL_VERSION,
	normalizeCode,
	type AudioGrant,
	type CreateRoundResponse,
	type PracticeInfo,
	type RoundInfo,
	type ServerTime,
	type SessionInfo
} from '../../src/lib/protocol.ts';
import {
	audioRequest,
	createRoundRequest,
	joinRequest,
	muteRequest
} from '../../src/lib/schemas.ts';
import { AudioNotConfigured, AudioRefused, type AudioService } from '../AudioService.ts';
import type { Relay } from '../relay/Relay.ts';
import type { GroupLimits, HttpLimits } from '../relay/limits.ts';
import { joinRound, RoundEnded, RoundNotOpen } from '../joinRound.ts';
import type { CoordinatorKey } from '../CoordinatorKey.ts';
import type { GroupStore } from '../GroupStore.ts';
import { groupRoutes } from './groupApi.ts';
import { PracticeRefused, type PracticeRunner } from '../practice/PracticeRunner.ts';
import { RoundFull, type Identity, type RoundStore } from '../RoundStore.ts';
import Database from 'better-sqlite3';
import { storageFault, type StorageHealth } from '../StorageHealth.ts';
import { AddressBuckets } from './AddressBuckets.ts';
import { derivedToken } from '../tokens.ts';
import { clientAddress, type GuessGuard } from './GuessGuard.ts';
import { baseUrl, links, type LinkBase } from './links.ts';
import {
	HttpError,
	answerError,
	bearerToken,
	notFound,
	readJson,
	router,
	type Middleware,
	type Route
} from './plumbing.ts';

export interface ApiDeps extends LinkBase {
	rounds: RoundStore;
	audio: AudioService;
	relay: Relay;
	guard: GuessGuard;
	log: Logger;
	/** Whether changes can be saved; a storage fault is answered 507/503, not a bare 500. */
	storage: StorageHealth;
	/** Per-address bounds on creating rounds and joining (HTTP_LIMITS). */
	limits: HttpLimits;
	/** Practice rounds' simulated neighbours (#16). */
	practice: PracticeRunner;
	/** Groups, prepared rounds and the coordinator's report (#17). */
	groups: GroupStore;
	coordinator: CoordinatorKey;
	groupLimits: GroupLimits;
	/** The server's clock for groups and prepared rounds (tests control it). */
	now: () => number;
}

/** Errors of the services behind the routes, answered by their class. */
const SERVICE_ERRORS = [
	answerError(
		AudioNotConfigured,
		() =>
			new HttpError(503, {
				error: 'audio_not_configured',
				message:
					'Sound is not set up on this Kleed server (LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set).'
			})
	),
	// A role (or device) that gets no sound.
	answerError(
		AudioRefused,
		(err) => new HttpError(403, { error: 'forbidden', message: err.message })
	),
	// A round that has ended takes no one new. (Someone who joined before keeps their token.)
	answerError(
		RoundEnded,
		(err) => new HttpError(409, { error: 'round_ended', message: err.message })
	),
	// A group's prepared round before its "Start" (#17).
	answerError(
		RoundNotOpen,
		(err) => new HttpError(409, { error: 'round_not_open', message: err.message })
	),
	// PRACTICE_LIMITS: too many practice rounds run on the server, or from this address.
	answerError(PracticeRefused, (err) =>
		err.which === 'server'
			? new HttpError(
					503,
					{ error: 'practice_busy', message: err.message },
					{ 'Retry-After': '60' }
				)
			: new HttpError(
					429,
					{ error: 'too_many_requests', message: err.message },
					{ 'Retry-After': '60' }
				)
	),
	// ROUND_LIMITS: the round holds as many people (or people waiting) as it may.
	answerError(
		RoundFull,
		(err) =>
			new HttpError(409, {
				error: err.which === 'waiting' ? 'waiting_full' : 'round_full',
				message:
					err.which === 'waiting'
						? 'Too many people are waiting at the door of this round. Ask the facilitator.'
						: 'This round is full. Ask the facilitator.'
			})
	)
];

/** 429 for an address that used up a per-address bucket (HTTP_LIMITS). */
function tooFast(buckets: AddressBuckets, what: string): HttpError {
	return new HttpError(
		429,
		{ error: 'too_many_requests', message: `Too many ${what} from your address. Wait a minute.` },
		{ 'Retry-After': String(buckets.retryAfterSeconds) }
	);
}

/**
 * The JSON API under /api. Everything else falls through to `next` (SvelteKit). Every body is
 * size-limited and validated with a schema; errors are `ApiError` with a readable message.
 */
export function createApi(deps: ApiDeps): Middleware {
	const { rounds } = deps;
	const creates = new AddressBuckets(deps.limits.roundsBurst, deps.limits.roundsPerMinute);
	const joins = new AddressBuckets(deps.limits.joinsBurst, deps.limits.joinsPerMinute);

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
			handler: async () => {
				// Not "ok" while changes cannot be saved: a monitor (and the facilitator's page) sees it.
				const storage = deps.storage.state();
				const ok = storage === 'ok';
				return [
					ok ? 200 : 503,
					{ ok, protocol: PROTOCOL_VERSION, audio: deps.audio.enabled, storage }
				];
			}
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
				if (!creates.take(clientAddress(req))) throw tooFast(creates, 'new rounds');
				const input = await readJson(req, createRoundRequest, { allowEmpty: true });
				const address = clientAddress(req);
				// A practice round (#16): its simulated neighbours run in this process, within bounds.
				const practice = input.practice;
				if (practice) deps.practice.admit(address);
				const state = practice ? deps.practice.prepare(practice) : null;
				const guest = state ? deps.practice.withoutDevice(state) : null;
				const created = rounds.create({
					title: input.title ?? '',
					language: input.language ?? practice?.language ?? 'nl',
					...(practice && state
						? {
								practice: {
									meta: {
										language: practice.language,
										speed: practice.speed ?? 'normal',
										neighbours: state.neighbours,
										...(guest ? { withoutDevice: guest } : {})
									},
									state
								}
							}
						: {})
				});
				if (state) {
					deps.practice.start(created.code, state, {
						address,
						tabletToken: derivedToken(created.facilitatorKey, 'tablet'),
						speed: practice?.speed ?? 'normal'
					});
				}
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
				if (round.practice) body.practice = true;
				return [200, body];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/rounds\/([^/]+)\/participants$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				if (!joins.take(clientAddress(req))) throw tooFast(joins, 'joins');
				const input = await readJson(req, joinRequest);
				const body = await joinRound(deps, round, input);
				if (body.waiting) return [202, body];
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
			// A practice round's simulated neighbours, each with a token for the demo view (#16):
			// the facilitator's key only; 409 in a real round.
			method: 'GET',
			pattern: /^\/api\/rounds\/([^/]+)\/practice$/,
			handler: async (req, { code }) => {
				const round = roundOf(req, code);
				const { identity } = authenticate(req, round.code, rounds, 403);
				if (identity.role !== 'facilitator') {
					throw new HttpError(403, {
						error: 'forbidden',
						message: 'Only a facilitator sees the neighbours of a practice round.'
					});
				}
				const body: PracticeInfo | null = deps.practice.neighbourTokens(round.code);
				if (!body) {
					throw new HttpError(409, {
						error: 'not_practice',
						message: 'This is not a practice round.'
					});
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
				const body: AudioGrant = await deps.audio.grant(round.code, who, input.device);
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
				const muted = await deps.audio.mute(round.code, input.identity);
				return [200, { muted }];
			}
		},
		...groupRoutes(deps)
	];

	// A full disk (or another storage fault): the page says in plain words that changes cannot
	// be saved now; /api/health reports it; other errors of SQLite stay a 500.
	const storageErrors = answerError(Database.SqliteError, (err) => {
		deps.storage.failed(err);
		const fault = storageFault(err);
		if (fault === null) {
			deps.log.error({ err }, 'API error');
			return new HttpError(500, {
				error: 'server_error',
				message: 'Something went wrong on the server.'
			});
		}
		return fault === 'full'
			? new HttpError(507, {
					error: 'storage_full',
					message: 'The server is full: changes cannot be saved now. Try again later.'
				})
			: new HttpError(503, {
					error: 'storage_error',
					message: 'The server cannot save changes now. Try again later.'
				});
	});
	return router('/api', routes, {
		log: deps.log,
		errors: [...SERVICE_ERRORS, storageErrors]
	});
}

/**
 * The identity of the request's bearer token in round `code`, or an HTTP error: 401 without a
 * token, `wrongTokenStatus` for a token that is not one of this round's.
 */
function authenticate(
	req: IncomingMessage,
	code: string,
	rounds: RoundStore,
	wrongTokenStatus: 401 | 403
): { identity: Identity; token: string } {
	const token = bearerToken(req);
	const identity = rounds.verifyToken(code, token);
	if (!identity) {
		throw new HttpError(wrongTokenStatus, {
			error: wrongTokenStatus === 401 ? 'unauthorized' : 'forbidden',
			message: 'This token does not belong to this round.'
		});
	}
	return { identity, token };
}
