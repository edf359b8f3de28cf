/**
 * Runtime validation of everything a client sends: HTTP bodies and intents. Used by the server;
 * kept beside `protocol.ts` so the types and their checks are read together. The `satisfies`
 * clauses make TypeScript fail when a schema and its protocol type drift apart.
 */
import { z } from 'zod';
import {
	HAPPY_ICONS,
	INTENT_TYPES,
	KLEED_ICONS,
	NAME_MAX_LENGTH,
	PRESENCES,
	STEPS,
	TEXT_MAX,
	TIMER_MAX_SECONDS,
	TITLE_MAX_LENGTH,
	type AudioRequest,
	type CreateRoundRequest,
	type MuteRequest,
	type Intent,
	type IntentRequest,
	type JoinRequest
} from './protocol.ts';

/** BCP 47-ish language tag: "nl", "en", "tr", "ar", "nl-BE". */
const languageTag = z
	.string()
	.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as "nl" or "en"');

const noControl = (s: string) => !/\p{Cc}/u.test(s);

/** Trimmed text without control characters (no one types them; they confuse screens). */
function text(max: number, { allowEmpty = false } = {}) {
	const base = z.string().trim();
	return (allowEmpty ? base : base.min(1, 'must not be empty'))
		.max(max, `must be at most ${max} characters`)
		.refine(noControl, 'must not contain control characters');
}

/** Ids that clients make up for new items, and server ids of people and stories. */
const id = z
	.string()
	.regex(/^[A-Za-z0-9_-]{6,40}$/, 'must be an id of 6-40 letters, digits, - or _');
const step = z.enum(STEPS);
const presence = z.enum(PRESENCES, 'must be "room" or "remote"');
/** `by` on content a facilitator adds: a participant id, or null for "zonder naam". */
const by = id.nullable().optional();

export const createRoundRequest = z.strictObject({
	title: text(TITLE_MAX_LENGTH, { allowEmpty: true }).optional(),
	language: languageTag.optional()
}) satisfies z.ZodType<CreateRoundRequest>;

export const joinRequest = z.strictObject({
	name: text(NAME_MAX_LENGTH),
	presence
}) satisfies z.ZodType<JoinRequest>;

export const intent = z.discriminatedUnion('type', [
	z.strictObject({ type: z.literal('join'), presence }),
	z.strictObject({
		type: z.literal('happy.add'),
		id,
		icon: z.enum(HAPPY_ICONS),
		text: text(TEXT_MAX.happy, { allowEmpty: true }),
		by
	}),
	z.strictObject({ type: z.literal('happy.remove'), id }),
	z.strictObject({ type: z.literal('kleed.place'), id, icon: z.enum(KLEED_ICONS), by }),
	z.strictObject({ type: z.literal('kleed.remove'), id }),
	z.strictObject({ type: z.literal('story.post'), id, text: text(TEXT_MAX.story), by }),
	z.strictObject({ type: z.literal('story.withdraw'), id }),
	z.strictObject({
		type: z.literal('story.retell'),
		id,
		text: text(TEXT_MAX.story, { allowEmpty: true })
	}),
	z.strictObject({
		type: z.literal('vote.open'),
		round: z.int().min(1).max(1000),
		candidates: z.array(id).min(1).max(100).optional()
	}),
	z.strictObject({ type: z.literal('vote.cast'), storyId: id, as: id.optional() }),
	z.strictObject({ type: z.literal('vote.clear'), as: id.optional() }),
	z.strictObject({ type: z.literal('vote.mine'), as: id.optional() }),
	z.strictObject({ type: z.literal('vote.reveal') }),
	z.strictObject({
		type: z.literal('vote.byHand'),
		totals: z
			.record(id, z.int().min(0).max(1000))
			.refine((t) => Object.keys(t).length >= 1 && Object.keys(t).length <= 100, {
				message: 'must count 1 to 100 stories'
			})
	}),
	z.strictObject({ type: z.literal('vote.reset') }),
	z.strictObject({ type: z.literal('choice.pick'), storyId: id }),
	z.strictObject({ type: z.literal('consent.answer'), answer: z.enum(['yes', 'no']) }),
	z.strictObject({ type: z.literal('recognize.set'), on: z.boolean(), by: id.optional() }),
	z.strictObject({
		type: z.literal('takeaway.set'),
		text: text(TEXT_MAX.note, { allowEmpty: true }),
		by: id.optional()
	}),
	z.strictObject({
		type: z.literal('kindword.set'),
		text: text(TEXT_MAX.note, { allowEmpty: true }),
		by: id.optional()
	}),
	z.strictObject({ type: z.literal('hand.raise') }),
	z.strictObject({ type: z.literal('hand.lower'), who: id.optional() }),
	z.strictObject({ type: z.literal('hand.give'), who: id.optional() }),
	z.strictObject({ type: z.literal('hands.clear') }),
	z.strictObject({ type: z.literal('person.add'), id, name: text(NAME_MAX_LENGTH), presence }),
	z.strictObject({
		type: z.literal('timer.set'),
		step,
		seconds: z.int().min(0).max(TIMER_MAX_SECONDS)
	}),
	z.strictObject({ type: z.literal('timer.start'), step }),
	z.strictObject({ type: z.literal('timer.pause'), step }),
	z.strictObject({ type: z.literal('round.end') }),
	z.strictObject({ type: z.literal('round.lock'), locked: z.boolean() }),
	z.strictObject({ type: z.literal('door.admit'), who: id }),
	z.strictObject({ type: z.literal('door.refuse'), who: id }),
	z.strictObject({ type: z.literal('person.remove'), who: id }),
	z.strictObject({ type: z.literal('person.newcomer'), who: id, on: z.boolean() }),
	z.strictObject({ type: z.literal('round.erase') })
]) satisfies z.ZodType<Intent>;

// Every intent type of the protocol has a schema here, and nothing more (compile-time check).
type SchemaTypes = z.infer<typeof intent>['type'];
const _sameTypes: [SchemaTypes, (typeof INTENT_TYPES)[number]] extends [
	(typeof INTENT_TYPES)[number],
	SchemaTypes
]
	? true
	: never = true;
void _sameTypes;

export const audioRequest = z.strictObject({
	device: z.literal('room').optional()
}) satisfies z.ZodType<AudioRequest>;

export const muteRequest = z.strictObject({
	identity: z.string().min(1).max(100)
}) satisfies z.ZodType<MuteRequest>;

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
