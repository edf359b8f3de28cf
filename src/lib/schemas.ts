/**
 * Runtime validation of everything a client sends: HTTP bodies and intents. Used by the server;
 * kept beside `protocol.ts` so the types and their checks are read together. The `satisfies`
 * clauses make TypeScript fail when a schema and its protocol type drift apart.
 */
import { z } from 'zod';
import {
	INTENT_TYPES,
	NAME_MAX_LENGTH,
	PRESENCES,
	TITLE_MAX_LENGTH,
	type CreateRoundRequest,
	type Intent,
	type IntentRequest,
	type JoinRequest
} from './protocol.ts';

/** BCP 47-ish language tag: "nl", "en", "tr", "ar", "nl-BE". */
const languageTag = z
	.string()
	.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as "nl" or "en"');

/** Trimmed text without control characters, which no one types and which confuse screens. */
function plainText(max: number) {
	return z
		.string()
		.trim()
		.min(1, 'must not be empty')
		.max(max, `must be at most ${max} characters`)
		.refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');
}

export const createRoundRequest = z.strictObject({
	title: z
		.string()
		.trim()
		.max(TITLE_MAX_LENGTH, `must be at most ${TITLE_MAX_LENGTH} characters`)
		.refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters')
		.optional(),
	language: languageTag.optional()
}) satisfies z.ZodType<CreateRoundRequest>;

export const joinRequest = z.strictObject({
	name: plainText(NAME_MAX_LENGTH),
	presence: z.enum(PRESENCES, 'must be "room" or "remote"')
}) satisfies z.ZodType<JoinRequest>;

export const intent = z.discriminatedUnion('type', [
	z.strictObject({ type: z.literal('join'), presence: z.enum(PRESENCES) })
]) satisfies z.ZodType<Intent>;

// Every intent type of the protocol must have a schema here (and nothing more).
const _allIntentTypes: readonly (typeof intent.options)[number]['shape']['type']['value'][] =
	INTENT_TYPES;
void _allIntentTypes;

export const intentRequest = z.strictObject({
	id: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
	intent
}) satisfies z.ZodType<IntentRequest>;

/** Flattens zod issues into `{path, message}` pairs a person can read. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
	return error.issues.map((issue) => ({
		path: issue.path.join('.') || '(body)',
		message: issue.message
	}));
}
