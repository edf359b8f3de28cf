/**
 * Every intent of a round, written once: for each, the payload's schema, the roles that may send
 * it, the steps in which a participant may send it, and whose things it may touch. The server's
 * dispatcher (`apply.ts`) checks roles, steps and the end of the round from this table before any
 * handler runs; the `Intent` type, the frame parser and the table in docs/protocol.md (held to
 * this one by `intents.test.ts`) all come from it.
 *
 * The browser imports only types from here (zod stays out of the participant's bundle).
 */
import { z } from 'zod';
import { STEPS, type Role, type Step } from '../protocol.ts';
import { describeIssues, id, personName, presence, text } from '../schemas.ts';
import { HAPPY_ICONS, KLEED_ICONS, TEXT_FIELDS, TEXT_MAX, TIMER_MAX_SECONDS } from './doc.ts';
import { PRACTICE_SPEEDS } from '../practice/types.ts';

const step = z.enum(STEPS);
/** `by` on content a facilitator adds: a participant id, or null for "zonder naam". */
const by = id.nullable().optional();

/* ------------------------------------------------------------------------------------------------
 * The table
 * ---------------------------------------------------------------------------------------------- */

/**
 * Whose things an intent may touch (checked by its handler, which needs the doc to know):
 * - `round`: the round as a whole (only facilitators send these)
 * - `self`: the sender's own entry; the sender is a participant
 * - `author`: new content; a participant's is their own, a facilitator adds it for anyone on the
 *   kleed or for nobody (`by: null`, "zonder naam")
 * - `own`: an existing item; a participant only their own, a facilitator any
 * - `noDevice`: a participant's own note or mark; a facilitator's for someone without a device
 * - `voter`: a participant's own heart; the shared tablet's for a person it names (`as`)
 * - `storyOwner`: the owner of the proposed story, or a facilitator for them
 */
export const OWNERSHIP = [
	'round',
	'self',
	'author',
	'own',
	'noDevice',
	'voter',
	'storyOwner'
] as const;
export type Ownership = (typeof OWNERSHIP)[number];

/** The roles that can send intents at all: projector and observer only read. */
export type Sender = Extract<Role, 'facilitator' | 'participant' | 'tablet'>;

export interface IntentSpec<P extends z.ZodObject = z.ZodObject> {
	/** The intent without its `type`; unknown fields are refused. */
	payload: P;
	roles: readonly Sender[];
	/** A participant or tablet may send it only in these steps; facilitators at any time. */
	steps?: readonly Step[];
	owner: Ownership;
	/** Still accepted from non-facilitators after `round.end` (facilitators always are). */
	afterEnd?: true;
}

const F = ['facilitator'] as const;
const P = ['participant'] as const;
const PF = ['participant', 'facilitator'] as const;
const PT = ['participant', 'tablet'] as const;

const spec = <S extends z.ZodRawShape>(
	shape: S,
	rest: Omit<IntentSpec, 'payload'>
): IntentSpec<z.ZodObject<S, z.core.$strict>> => ({ payload: z.strictObject(shape), ...rest });

/** Facilitator-only intents on the round as a whole. */
const steer = <S extends z.ZodRawShape>(shape: S) => spec(shape, { roles: F, owner: 'round' });

export const INTENTS = {
	// Everyone on the kleed
	join: spec({ presence }, { roles: P, owner: 'self', afterEnd: true }),
	'happy.add': spec(
		{ id, icon: z.enum(HAPPY_ICONS), text: text(TEXT_MAX.happy, { allowEmpty: true }), by },
		{ roles: PF, steps: ['opening'], owner: 'author' }
	),
	'happy.remove': spec({ id }, { roles: PF, owner: 'own' }),
	'kleed.place': spec(
		{ id, icon: z.enum(KLEED_ICONS), by },
		{ roles: PF, steps: ['opening'], owner: 'author' }
	),
	'kleed.remove': spec({ id }, { roles: PF, owner: 'own' }),
	// Verhaalkeuze
	'story.post': spec(
		{ id, text: text(TEXT_MAX.story), by },
		{ roles: PF, steps: ['choice'], owner: 'author' }
	),
	'story.withdraw': spec({ id }, { roles: PF, owner: 'own' }),
	'story.retell': steer({ id, text: text(TEXT_MAX.story, { allowEmpty: true }) }),
	'vote.open': steer({
		round: z.int().min(1).max(1000),
		candidates: z.array(id).min(1).max(100).optional()
	}),
	'vote.cast': spec({ storyId: id, as: id.optional() }, { roles: PT, owner: 'voter' }),
	'vote.clear': spec({ as: id.optional() }, { roles: PT, owner: 'voter' }),
	/** Answers `MyVote`, to the voter only (never to the shared tablet). */
	'vote.mine': spec({ as: id.optional() }, { roles: P, owner: 'self', afterEnd: true }),
	'vote.reveal': steer({}),
	'vote.byHand': steer({
		totals: z
			.record(id, z.int().min(0).max(1000))
			.refine((t) => Object.keys(t).length >= 1 && Object.keys(t).length <= 100, {
				message: 'must count 1 to 100 stories'
			})
	}),
	'vote.reset': steer({}),
	'choice.pick': steer({ storyId: id }),
	'consent.answer': spec({ answer: z.enum(['yes', 'no']) }, { roles: PF, owner: 'storyOwner' }),
	// Verbreding, Afsluiting (`by`: a facilitator records it for someone without a device)
	'recognize.set': spec(
		{ on: z.boolean(), by: id.optional() },
		{ roles: PF, steps: ['broadening'], owner: 'noDevice' }
	),
	'takeaway.set': spec(
		{ text: text(TEXT_MAX.note, { allowEmpty: true }), by: id.optional() },
		{ roles: PF, steps: ['closing'], owner: 'noDevice' }
	),
	'kindword.set': spec(
		{ text: text(TEXT_MAX.note, { allowEmpty: true }), by: id.optional() },
		{ roles: PF, steps: ['closing'], owner: 'noDevice' }
	),
	// The hand queue (any step)
	'hand.raise': spec({}, { roles: P, owner: 'self' }),
	/** A participant lowers their own hand; a facilitator names whose (`who`). */
	'hand.lower': spec({ who: id.optional() }, { roles: PF, owner: 'own' }),
	/** Gives the word to `who`, or to the first in the queue. */
	'hand.give': steer({ who: id.optional() }),
	'hands.clear': steer({}),
	// Steering the round
	/** Names the step it moves from: a double click or two facilitators at once move it once. */
	'step.set': steer({ from: step, to: step }),
	/** The warm-up, the mote, the closing text, the audio help (empty: the default). */
	'text.set': steer({
		field: z.enum(TEXT_FIELDS),
		text: text(TEXT_MAX.prompt, { allowEmpty: true })
	}),
	'names.hide': steer({ on: z.boolean() }),
	/** `id` becomes the new person's participant id (chosen by the client: a resend adds no one). */
	'person.add': steer({ id, name: personName, presence }),
	'timer.set': steer({ step, seconds: z.int().min(0).max(TIMER_MAX_SECONDS) }),
	'timer.start': steer({ step }),
	'timer.pause': steer({ step }),
	'round.end': steer({}),
	// The closed room
	'round.lock': steer({ locked: z.boolean() }),
	'door.admit': steer({ who: id }),
	'door.refuse': steer({ who: id }),
	/** Takes someone out of the round: their token stops working, their device is told kindly. */
	'person.remove': steer({ who: id }),
	'person.newcomer': steer({ who: id, on: z.boolean() }),
	/** Ends the round and erases everything but the counts. */
	'round.erase': steer({}),
	// Practice rounds (#16)
	/** How fast the simulated neighbours act; refused (`conflict`) in a round that is not practice. */
	'practice.speed': steer({ speed: z.enum(PRACTICE_SPEEDS) })
} satisfies Record<string, IntentSpec>;

type Table = typeof INTENTS;
export type IntentType = keyof Table;
/** An empty strict object infers as `Record<string, never>`, which no `{ type }` would fit. */
type Fields<T> = string extends keyof T ? unknown : T;
/** One intent of type `K`. */
export type IntentOf<K extends IntentType> = { type: K } & Fields<z.infer<Table[K]['payload']>>;
/** Every intent, by type. */
export type Intent = { [K in IntentType]: IntentOf<K> }[IntentType];
export const INTENT_TYPES = Object.keys(INTENTS) as IntentType[];

/* ------------------------------------------------------------------------------------------------
 * Requests and answers
 * ---------------------------------------------------------------------------------------------- */

export interface IntentRequest {
	/** Chosen by the client, echoed in the result so it can match answers to requests. */
	id: number;
	intent: Intent;
}

export const INTENT_ERRORS = [
	'invalid',
	'forbidden',
	/** Not possible now (wrong step, vote not open, limit reached, …): the message says why. */
	'conflict',
	'not_found',
	'rate_limited',
	'server_error',
	/** The round already holds as many people as it may (ROUND_LIMITS.maxParticipants). */
	'round_full',
	/** The round's doc reached its size cap (ROUND_LIMITS.maxDocBytes): nothing more is written. */
	'too_large',
	/** Changes cannot be saved now: the disk is full, or another storage fault. Try again later. */
	'storage_full',
	'storage_error'
] as const;
export type IntentError = (typeof INTENT_ERRORS)[number];

/** What `vote.mine` answers (in `IntentResult.data`): only ever to the voter. */
export interface MyVote {
	storyId: string | null;
}

/** What `person.add` answers. */
export interface AddedPerson {
	participantId: string;
}

/** What an intent answers with on success, by type (absent: nothing). */
export interface IntentData {
	'vote.mine': MyVote;
	'person.add': AddedPerson;
}
export type DataOf<K extends IntentType> = K extends keyof IntentData ? IntentData[K] : undefined;

/** server -> client, answers exactly one IntentRequest. */
export type IntentResult<D = unknown> =
	| { id: number; ok: true; data?: D }
	| { id: number; ok: false; error: IntentError; message: string };

/** The outcome of an intent, before the relay adds the request's id. */
export type IntentOutcome =
	{ ok: true; data?: unknown } | { ok: false; error: IntentError; message: string };

const envelope = z.strictObject({
	id: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
	intent: z.looseObject({ type: z.string() })
});

/**
 * Parses one request from a client: the envelope, then the payload by the schema of its type.
 * Answers `ok: false` with a readable message (and the request's id, when it could be read).
 */
export function parseIntentRequest(
	json: unknown
): { ok: true; request: IntentRequest } | { ok: false; id: number; message: string } {
	const outer = envelope.safeParse(json);
	const rawId = (json as { id?: unknown } | null)?.id;
	const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : 0;
	if (!outer.success) return { ok: false, id, message: describe(outer.error) };
	const { type, ...payload } = outer.data.intent;
	if (!Object.hasOwn(INTENTS, type)) {
		return { ok: false, id, message: `intent.type: no intent is called "${type.slice(0, 40)}"` };
	}
	const parsed = INTENTS[type as IntentType].payload.safeParse(payload);
	if (!parsed.success) return { ok: false, id, message: describe(parsed.error, 'intent') };
	const intent = { type, ...parsed.data } as Intent;
	return { ok: true, request: { id: outer.data.id, intent } };
}

function describe(error: z.ZodError, prefix?: string): string {
	return describeIssues(error, prefix)
		.map((issue) => `${issue.path}: ${issue.message}`)
		.join('; ');
}
