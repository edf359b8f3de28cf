/**
 * Runtime validation: field schemas, and the HTTP API's bodies. Used by the server; kept beside `protocol.ts` so
 * the types and their checks are read together. The `satisfies` clauses make TypeScript fail when
 * a schema and its protocol type drift apart. The intents' schemas (`round/intents.ts`) are built
 * from the field schemas here.
 */
import { z } from 'zod';
import { GROUP_NAME_MAX_LENGTH, TEMPLATE_MAX } from './groups.ts';
import {
	NAME_MAX_LENGTH,
	PRESENCES,
	STEPS,
	TITLE_MAX_LENGTH,
	type AudioRequest,
	type CreateGroupRequest,
	type GroupTemplate,
	type PrepareRoundRequest,
	type RoundPlan,
	type UpdateGroupRequest,
	type UpdatePlanRequest,
	type CreateRoundRequest,
	type JoinRequest,
	type MuteRequest,
	type PracticeRequest
} from './protocol.ts';
import {
	PRACTICE_LANGUAGES,
	PRACTICE_NEIGHBOURS,
	PRACTICE_SITUATIONS,
	PRACTICE_SPEEDS
} from './practice/types.ts';
import { hasVisibleCharacter } from './names.ts';

const noControl = (s: string) => !/\p{Cc}/u.test(s);

/** Trimmed text without control characters (no one types them; they confuse screens). */
export function text(max: number, { allowEmpty = false } = {}) {
	const base = z.string().trim();
	return (allowEmpty ? base : base.min(1, 'must not be empty'))
		.max(max, `must be at most ${max} characters`)
		.refine(noControl, 'must not contain control characters');
}

/** Ids that clients make up for new items, and server ids of people and stories. */
export const id = z
	.string()
	.regex(/^[A-Za-z0-9_-]{6,40}$/, 'must be an id of 6-40 letters, digits, - or _');
export const presence = z.enum(PRESENCES, 'must be "room" or "remote"');
/** A name shows as a person on every screen: one of only invisible characters would be a blank. */
export const personName = text(NAME_MAX_LENGTH).refine(
	hasVisibleCharacter,
	'must contain at least one visible character'
);

/** Flattens zod issues into `{path, message}` pairs a person can read. */
export function describeIssues(
	error: z.ZodError,
	prefix?: string
): { path: string; message: string }[] {
	return error.issues.map((issue) => ({
		path: [prefix, ...issue.path].filter((p) => p !== undefined).join('.') || '(body)',
		message: issue.message
	}));
}

/** BCP 47-ish language tag: "nl", "en", "tr", "ar", "nl-BE". */
const languageTag = z
	.string()
	.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as "nl" or "en"');

/** A practice round with simulated neighbours (#16). */
export const practiceRequest = z.strictObject({
	neighbours: z.int().min(PRACTICE_NEIGHBOURS.min).max(PRACTICE_NEIGHBOURS.max),
	language: z.enum(PRACTICE_LANGUAGES),
	speed: z.enum(PRACTICE_SPEEDS).optional(),
	situations: z
		.array(z.enum(PRACTICE_SITUATIONS))
		.max(PRACTICE_SITUATIONS.length)
		.refine((list) => new Set(list).size === list.length, 'must not name a situation twice')
		.optional()
}) satisfies z.ZodType<PracticeRequest>;

export const createRoundRequest = z.strictObject({
	title: text(TITLE_MAX_LENGTH, { allowEmpty: true }).optional(),
	language: languageTag.optional(),
	practice: practiceRequest.optional()
}) satisfies z.ZodType<CreateRoundRequest>;

export const joinRequest = z.strictObject({
	name: personName,
	presence
}) satisfies z.ZodType<JoinRequest>;

export const audioRequest = z.strictObject({
	device: z.literal('room').optional()
}) satisfies z.ZodType<AudioRequest>;

export const muteRequest = z.strictObject({
	identity: z.string().min(1).max(100)
}) satisfies z.ZodType<MuteRequest>;

// --- Groups, prepared rounds and the report (#17) ------------------------------------------------

const choice = text(TEMPLATE_MAX.text);
const timers = z.partialRecord(
	z.enum(STEPS),
	z.int('must be whole minutes').min(0).max(TEMPLATE_MAX.timerMinutes)
);
const templateFields = {
	title: text(TITLE_MAX_LENGTH, { allowEmpty: true }),
	closingText: text(TEMPLATE_MAX.text, { allowEmpty: true }),
	extraRules: z.array(text(TEMPLATE_MAX.rule)).max(TEMPLATE_MAX.rules),
	timers,
	homeInstructions: text(TEMPLATE_MAX.text, { allowEmpty: true }),
	namesOnProjector: z.boolean()
};

/** A group's template: what its rounds start from. Every list and text is bounded. */
export const groupTemplate = z.strictObject({
	...templateFields,
	warmups: z.array(choice).max(TEMPLATE_MAX.choices),
	moteSuggestions: z.array(choice).max(TEMPLATE_MAX.choices)
}) satisfies z.ZodType<GroupTemplate>;

/** A date as YYYY-MM-DD that exists in the calendar. */
export const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
	.refine((s) => {
		const d = new Date(`${s}T12:00:00Z`);
		return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
	}, 'must be a date that exists');

const planFields = {
	...templateFields,
	date: isoDate,
	warmup: text(TEMPLATE_MAX.text, { allowEmpty: true }),
	mote: text(TEMPLATE_MAX.text, { allowEmpty: true })
};

export const roundPlan = z.strictObject(planFields) satisfies z.ZodType<RoundPlan>;

const groupFields = {
	name: text(GROUP_NAME_MAX_LENGTH),
	location: text(GROUP_NAME_MAX_LENGTH, { allowEmpty: true }),
	language: languageTag
};

export const createGroupRequest = z.strictObject({
	...groupFields,
	template: groupTemplate.optional()
}) satisfies z.ZodType<CreateGroupRequest>;

export const updateGroupRequest = z.strictObject({
	name: groupFields.name.optional(),
	location: groupFields.location.optional(),
	language: groupFields.language.optional(),
	template: groupTemplate.optional()
}) satisfies z.ZodType<UpdateGroupRequest>;

export const prepareRoundRequest = z.strictObject({
	...z.strictObject(planFields).partial().shape,
	date: isoDate
}) satisfies z.ZodType<PrepareRoundRequest>;

export const updatePlanRequest = z
	.strictObject(planFields)
	.partial() satisfies z.ZodType<UpdatePlanRequest>;

/** `?year=` of a report: a year Kleed could have counted. */
export const reportYear = z.coerce
	.number({ error: 'must be a year such as 2026' })
	.int('must be a year such as 2026')
	.min(2000, 'must be a year such as 2026')
	.max(2200, 'must be a year such as 2026');
