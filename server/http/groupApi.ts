/**
 * Routes of groups, prepared rounds, the coordinator and the annual report (#17), mounted by
 * api.ts with the same router, errors and bodies. Who may do what:
 *
 * | route                                   | group's key | coordinator's key |
 * | --------------------------------------- | ----------- | ----------------- |
 * | POST   /api/groups                      | (anyone)    | (anyone)          |
 * | GET/PUT/DELETE /api/groups/{id}         | its own     | every group       |
 * | GET    /api/groups/{id}/report(.csv)    | its own     | every group       |
 * | POST   /api/groups/{id}/rounds          | its own     | no: 403           |
 * | PUT/DELETE /api/groups/{id}/rounds/{c}  | its own     | every group       |
 * | POST   /api/groups/{id}/rounds/{c}/start| its own     | no: 403           |
 * | GET    /api/coordinator, …/report(.csv) | no: 403     | yes               |
 *
 * Preparing and starting need the group's own key: a prepared round's facilitator key is derived
 * from it (tokens.ts `groupRoundKey`), so the server never stores one.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { NO_GROUP, REMOVED_GROUP, groupPagePaths } from '../../src/lib/groups.ts';
import {
	STEPS,
	type AnnualReport,
	type CoordinatorOverview,
	type CreateGroupResponse,
	type GroupInfo,
	type GroupTemplate,
	type PreparedRound,
	type RoundPlan,
	type StartRoundResponse
} from '../../src/lib/protocol.ts';
import {
	createGroupRequest,
	prepareRoundRequest,
	reportYear,
	roundPlan,
	updateGroupRequest,
	updatePlanRequest
} from '../../src/lib/schemas.ts';
import { DOC_MAP, type TimerState } from '../../src/lib/round/doc.ts';
import type { CoordinatorKey } from '../CoordinatorKey.ts';
import { addDays, localDay } from '../days.ts';
import type { GroupRecord, GroupStore } from '../GroupStore.ts';
import type { Relay } from '../relay/Relay.ts';
import type { GroupLimits, HttpLimits } from '../relay/limits.ts';
import { OTHER_GROUP_NAMES, annualReport, reportCsv } from '../report.ts';
import type { RoundStore } from '../RoundStore.ts';
import { groupRoundKey } from '../tokens.ts';
import { AddressBuckets } from './AddressBuckets.ts';
import { clientAddress, type GuessGuard } from './GuessGuard.ts';
import { baseUrl, links, type LinkBase } from './links.ts';
import { HttpError, TextBody, bearerToken, notFound, readJson, type Route } from './plumbing.ts';

export interface GroupApiDeps extends LinkBase {
	rounds: RoundStore;
	groups: GroupStore;
	coordinator: CoordinatorKey;
	relay: Relay;
	guard: GuessGuard;
	log: Logger;
	limits: HttpLimits;
	groupLimits: GroupLimits;
	/** The server's clock (tests control it): dates, starts, the report's default year. */
	now: () => number;
}

const forbidden = (message: string) => new HttpError(403, { error: 'forbidden', message });

function tooFast(buckets: AddressBuckets, what: string): HttpError {
	return new HttpError(
		429,
		{ error: 'too_many_requests', message: `Too many ${what} from your address. Wait a minute.` },
		{ 'Retry-After': String(buckets.retryAfterSeconds) }
	);
}

/** The plan a new prepared round starts from: the template, for one date. */
export function planFromTemplate(template: GroupTemplate, date: string): RoundPlan {
	return {
		date,
		title: template.title,
		warmup: template.warmups[0] ?? '',
		mote: template.moteSuggestions[0] ?? '',
		closingText: template.closingText,
		extraRules: [...template.extraRules],
		timers: { ...template.timers },
		homeInstructions: template.homeInstructions,
		namesOnProjector: template.namesOnProjector
	};
}

export function groupRoutes(deps: GroupApiDeps): Route[] {
	const { rounds, groups, coordinator } = deps;
	const creates = new AddressBuckets(deps.limits.groupsBurst, deps.limits.groupsPerMinute);
	const writes = new AddressBuckets(deps.limits.groupWritesBurst, deps.limits.groupWritesPerMinute);
	const reads = new AddressBuckets(deps.limits.groupReadsBurst, deps.limits.groupReadsPerMinute);

	const take = (req: IncomingMessage, buckets: AddressBuckets, what: string) => {
		if (!buckets.take(clientAddress(req))) throw tooFast(buckets, what);
	};

	/** An address that guessed too many ids or keys waits, as for round codes (GuessGuard). */
	const notBlocked = (req: IncomingMessage) => {
		if (deps.guard.blocked(clientAddress(req))) {
			throw new HttpError(
				429,
				{ error: 'too_many_requests', message: 'Too many wrong links. Wait a minute.' },
				{ 'Retry-After': '60' }
			);
		}
	};

	/** The group of a path, and who opens it: its own key, or the coordinator's. */
	const groupAccess = (
		req: IncomingMessage,
		id: string | undefined
	): { group: GroupRecord; as: 'group' | 'coordinator'; key: string } => {
		notBlocked(req);
		const group = id ? groups.get(id) : null;
		if (!group) {
			deps.guard.failed(clientAddress(req));
			throw notFound('There is no group with this link.');
		}
		const key = bearerToken(req);
		if (groups.verifyKey(group.id, key)) return { group, as: 'group', key };
		if (coordinator.verify(key)) return { group, as: 'coordinator', key };
		deps.guard.failed(clientAddress(req));
		throw forbidden('This key does not open this group.');
	};

	const groupOnly = (req: IncomingMessage, id: string | undefined) => {
		const access = groupAccess(req, id);
		if (access.as !== 'group') {
			throw forbidden("Only the group's own link prepares and starts its rounds.");
		}
		return access;
	};

	const coordinatorOnly = (req: IncomingMessage) => {
		notBlocked(req);
		if (!coordinator.verify(bearerToken(req))) {
			deps.guard.failed(clientAddress(req));
			throw forbidden('This is not the coordinator link.');
		}
	};

	/** A round of this group (a round of another group is not found here). */
	const roundOfGroup = (group: GroupRecord, code: string | undefined) => {
		const round = code ? rounds.get(code) : null;
		if (!round || round.groupId !== group.id) throw notFound('This group has no such round.');
		return round;
	};

	const preparedRound = (req: IncomingMessage, code: string): PreparedRound => {
		const round = rounds.get(code)!;
		const base = baseUrl(req, deps);
		return {
			code,
			plan: rounds.plan(code) ?? planFromTemplate(groups.get(round.groupId!)!.template, ''),
			startedAt: round.startedAt,
			participantLink: `${base}/r/${code}`
		};
	};

	const info = (req: IncomingMessage, group: GroupRecord): GroupInfo => ({
		id: group.id,
		name: group.name,
		location: group.location,
		language: group.language,
		template: group.template,
		rounds: rounds.groupRounds(group.id).map((r) => preparedRound(req, r.code))
	});

	/** A date a round can be prepared for: today up to GROUP_LIMITS.maxDaysAhead. */
	const checkDate = (date: string) => {
		const today = localDay(deps.now());
		const last = addDays(today, deps.groupLimits.maxDaysAhead);
		if (date < today || date > last) {
			throw new HttpError(400, {
				error: 'invalid',
				message: `date: must be from ${today} to ${last}`,
				issues: [{ path: 'date', message: `must be from ${today} to ${last}` }]
			});
		}
	};

	const yearOf = (req: IncomingMessage): number => {
		const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('year');
		if (raw === null) return new Date(deps.now()).getFullYear();
		const parsed = reportYear.safeParse(raw);
		if (!parsed.success) {
			throw new HttpError(400, { error: 'invalid', message: 'year: must be a year such as 2026' });
		}
		return parsed.data;
	};

	const report = (req: IncomingMessage, only?: GroupRecord): AnnualReport => {
		const year = yearOf(req);
		const stats = rounds.stats(year).filter((s) => !only || s.groupId === only.id);
		return annualReport(year, stats, only ? [only] : groups.all());
	};

	const csv = (req: IncomingMessage, r: AnnualReport, name: string) => {
		const lang = new URL(req.url ?? '/', 'http://x').searchParams.get('lang') ?? 'nl';
		const other = OTHER_GROUP_NAMES[lang] ?? OTHER_GROUP_NAMES.nl!;
		const text = reportCsv(r, (g) =>
			g === REMOVED_GROUP ? other.removed : g === NO_GROUP ? other.none : g
		);
		// A BOM: spreadsheets otherwise read UTF-8 names as another code page.
		return new TextBody('text/csv; charset=utf-8', `\uFEFF${text}`, {
			'Content-Disposition': `attachment; filename="kleed-${name}-${r.year}.csv"`
		});
	};

	/** Writes a prepared round's plan into its doc, as the console would have set it. */
	const applyPlan = (code: string, plan: RoundPlan) =>
		deps.relay.transact(code, (doc) => {
			const meta = doc.getMap(DOC_MAP.meta);
			meta.set('title', plan.title);
			meta.set('createdAt', deps.now());
			if (plan.warmup) meta.set('warmup', plan.warmup);
			if (plan.mote) meta.set('mote', plan.mote);
			if (plan.closingText) meta.set('closingText', plan.closingText);
			if (plan.homeInstructions) meta.set('audioHelp', plan.homeInstructions);
			if (plan.extraRules.length > 0) meta.set('extraRules', plan.extraRules);
			if (!plan.namesOnProjector) meta.set('hideNames', true);
			const timers = doc.getMap<TimerState>(DOC_MAP.timers);
			for (const step of STEPS) {
				const minutes = plan.timers[step] ?? 0;
				if (minutes <= 0) continue;
				const durationMs = minutes * 60_000;
				timers.set(step, { durationMs, endsAt: null, remainingMs: durationMs });
			}
		});

	return [
		{
			method: 'POST',
			pattern: /^\/api\/groups$/,
			handler: async (req) => {
				take(req, creates, 'new groups');
				const input = await readJson(req, createGroupRequest);
				if (groups.count() >= deps.groupLimits.maxGroups) {
					throw new HttpError(409, {
						error: 'too_many_groups',
						message: `This Kleed holds ${deps.groupLimits.maxGroups} groups, the most it may. Erase one first.`
					});
				}
				const { id, key } = groups.create(
					{ name: input.name, location: input.location, language: input.language },
					input.template
				);
				deps.log.info({ group: id }, 'group created');
				const body: CreateGroupResponse = {
					id,
					key,
					link: `${baseUrl(req, deps)}${groupPagePaths.group(id)}#key=${key}`
				};
				return [201, body];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)$/,
			handler: async (req, { code: id }) => {
				take(req, reads, 'requests');
				const { group } = groupAccess(req, id);
				return [200, info(req, group)];
			}
		},
		{
			method: 'PUT',
			pattern: /^\/api\/groups\/([^/]+)$/,
			handler: async (req, { code: id }) => {
				take(req, writes, 'changes');
				const { group } = groupAccess(req, id);
				const input = await readJson(req, updateGroupRequest);
				groups.update(group.id, input);
				return [200, info(req, groups.get(group.id)!)];
			}
		},
		{
			method: 'DELETE',
			pattern: /^\/api\/groups\/([^/]+)$/,
			handler: async (req, { code: id }) => {
				take(req, writes, 'changes');
				const { group } = groupAccess(req, id);
				const codes = groups.erase(group.id) ?? [];
				for (const code of codes) {
					deps.relay.discard(code);
					deps.guard.erased(code);
				}
				deps.log.info({ group: group.id, prepared: codes.length }, 'group erased');
				return [200, { erased: true }];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)\/report$/,
			handler: async (req, { code: id }) => {
				take(req, reads, 'requests');
				const { group } = groupAccess(req, id);
				return [200, report(req, group)];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/groups\/([^/]+)\/report\.csv$/,
			handler: async (req, { code: id }) => {
				take(req, reads, 'requests');
				const { group } = groupAccess(req, id);
				return [200, csv(req, report(req, group), 'groep')];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/groups\/([^/]+)\/rounds$/,
			handler: async (req, { code: id }) => {
				take(req, writes, 'changes');
				const { group, key } = groupOnly(req, id);
				const input = await readJson(req, prepareRoundRequest);
				checkDate(input.date);
				if (rounds.preparedCount(group.id) >= deps.groupLimits.maxPreparedPerGroup) {
					throw new HttpError(409, {
						error: 'too_many_prepared',
						message: `This group has ${deps.groupLimits.maxPreparedPerGroup} rounds prepared, the most it may. Remove one first.`
					});
				}
				const plan: RoundPlan = { ...planFromTemplate(group.template, input.date), ...input };
				const created = rounds.create({
					title: plan.title,
					language: group.language,
					prepared: {
						groupId: group.id,
						plan,
						facilitatorKey: (code) => groupRoundKey(key, code)
					}
				});
				deps.log.info({ group: group.id, round: created.code }, 'round prepared');
				return [201, preparedRound(req, created.code)];
			}
		},
		{
			method: 'PUT',
			pattern: /^\/api\/groups\/([^/]+)\/rounds\/([^/]+)$/,
			handler: async (req, { code: id, sub }) => {
				take(req, writes, 'changes');
				const { group } = groupAccess(req, id);
				const round = roundOfGroup(group, sub);
				const input = await readJson(req, updatePlanRequest);
				if (input.date !== undefined) checkDate(input.date);
				const current = rounds.plan(round.code);
				const plan = roundPlan.parse({
					...(current ?? planFromTemplate(group.template, round.plannedDay ?? '')),
					...input
				});
				if (!rounds.setPlan(round.code, plan)) {
					throw new HttpError(409, {
						error: 'round_started',
						message: 'This round has started: change it on the facilitator page.'
					});
				}
				return [200, preparedRound(req, round.code)];
			}
		},
		{
			method: 'DELETE',
			pattern: /^\/api\/groups\/([^/]+)\/rounds\/([^/]+)$/,
			handler: async (req, { code: id, sub }) => {
				take(req, writes, 'changes');
				const { group } = groupAccess(req, id);
				const round = roundOfGroup(group, sub);
				if (!round.prepared) {
					throw new HttpError(409, {
						error: 'round_started',
						message: 'This round has started: end and erase it on the facilitator page.'
					});
				}
				deps.relay.discard(round.code);
				rounds.erase(round.code); // never held: leaves no counts
				deps.guard.erased(round.code);
				return [200, { erased: true }];
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/groups\/([^/]+)\/rounds\/([^/]+)\/start$/,
			handler: async (req, { code: id, sub }) => {
				take(req, writes, 'changes');
				const { group, key } = groupOnly(req, id);
				const round = roundOfGroup(group, sub);
				// A second "Start" (another device, a double tap) opens the same running round.
				if (rounds.start(round.code)) {
					await applyPlan(
						round.code,
						rounds.plan(round.code) ?? planFromTemplate(group.template, '')
					);
					deps.log.info({ group: group.id, round: round.code }, 'round started');
				}
				const facilitatorKey = groupRoundKey(key, round.code);
				const body: StartRoundResponse = {
					code: round.code,
					facilitatorKey,
					links: links(baseUrl(req, deps), round.code, facilitatorKey)
				};
				return [200, body];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/coordinator$/,
			handler: async (req) => {
				take(req, reads, 'requests');
				coordinatorOnly(req);
				const year = new Date(deps.now()).getFullYear();
				const held = new Map<string, number>();
				for (const s of rounds.stats(year)) {
					if (s.groupId) held.set(s.groupId, (held.get(s.groupId) ?? 0) + 1);
				}
				const body: CoordinatorOverview = {
					groups: groups.all().map((g) => ({
						id: g.id,
						name: g.name,
						location: g.location,
						language: g.language,
						prepared: rounds.preparedCount(g.id),
						heldThisYear: held.get(g.id) ?? 0
					})),
					years: rounds.statYears()
				};
				return [200, body];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/coordinator\/report$/,
			handler: async (req) => {
				take(req, reads, 'requests');
				coordinatorOnly(req);
				return [200, report(req)];
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/coordinator\/report\.csv$/,
			handler: async (req) => {
				take(req, reads, 'requests');
				coordinatorOnly(req);
				return [200, csv(req, report(req), 'jaarverslag')];
			}
		}
	];
}
