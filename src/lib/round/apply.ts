/**
 * What each intent does: one handler per intent type (a missing one is a compile error), behind
 * one dispatcher that first checks the table in `intents.ts` (who may send it, in which step,
 * after the end of the round). Handlers then check ownership and limits and write the doc in a
 * transaction with origin `'server'`: the server is the doc's only writer.
 *
 * Runs on the server only (the browser never imports it); it lives beside the table and the doc
 * schema so that a round's rules are read in one folder.
 */
import * as Y from 'yjs';
import type { Presence, Role } from '../protocol.ts';
import {
	DOC_MAP,
	PER_PERSON_MAX,
	leaders,
	nextProposal,
	readChoice,
	readHands,
	readMeta,
	readPracticeRecap,
	readVote,
	winner,
	type HappyEvent,
	type KleedObject,
	type Note,
	type ParticipantEntry,
	type PracticeRecapFields,
	type RaisedHand,
	type Story,
	type TimerState,
	type VoteFields,
	type WaitingEntry
} from './doc.ts';
import {
	INTENTS,
	type Intent,
	type IntentError,
	type IntentOf,
	type IntentOutcome,
	type IntentType
} from './intents.ts';

/** The transaction origin of every change the server makes. */
export const SERVER_ORIGIN = 'server';

/** Who sends an intent: always from the connection's token, never from the message. */
export interface Actor {
	role: Role;
	participantId?: string;
	name?: string;
}

/** The secret ballots, kept outside the doc (SQLite on the server). */
export interface Ballots {
	cast(code: string, round: number, voter: string, storyId: string): void;
	clear(code: string, round: number, voter: string): void;
	mine(code: string, round: number, voter: string): string | null;
	/** How many people have voted in this round. */
	count(code: string, round: number): number;
	/** Hearts per story id. */
	tally(code: string, round: number): Record<string, number>;
	/** Drops every ballot for one story (it was removed during the vote). */
	dropStory(code: string, round: number, storyId: string): void;
}

/** What intents keep outside the doc: the ballots and the people's rows (with their tokens). */
export interface IntentServices {
	ballots: Ballots;
	setLocked(code: string, locked: boolean): void;
	/**
	 * Adds someone without a device. `id_taken`: the id is already used (in any round);
	 * `full`: the round already holds as many people as it may.
	 */
	addPerson(code: string, id: string, name: string, presence: Presence): AddOutcome;
	/** False when nobody with this id is waiting; `full` when the round has no room for them. */
	admit(code: string, id: string): boolean | 'full';
	/** Deletes the person: their token stops working. */
	removePerson(code: string, id: string): void;
	setNewcomer(code: string, id: string, on: boolean): void;
	/** Where someone sits, kept in the database too: the counts of an erased round use it. */
	setPresence(code: string, id: string, presence: Presence): void;
}

/** What adding a person without a device came to (see IntentServices.addPerson). */
export type AddOutcome = 'added' | 'id_taken' | 'full' | void;

/** What the live round (the relay) does for an intent beyond the doc. */
export interface RoundControl {
	/**
	 * Why the round takes no writing intents now (its doc is at its size cap, or changes cannot be
	 * saved), or null when it does. Checked before every intent that may write.
	 */
	refuseWrites?(): IntentOutcome | null;
	/** Closes the connections of one participant with `removed` (their device is told kindly). */
	disconnect(participantId: string): void;
	/** Erases the round once this intent's answer has gone out (every connection gets 4404). */
	erase(): void;
}

export interface IntentContext {
	code: string;
	doc: Y.Doc;
	actor: Actor;
	now: () => number;
	services: IntentServices;
	round: RoundControl;
}

type Handler<K extends IntentType> = (ctx: IntentContext, intent: IntentOf<K>) => IntentOutcome;
type Handlers = { [K in IntentType]: Handler<K> };

const OK: IntentOutcome = { ok: true };
const fail =
	(error: IntentError) =>
	(message: string): IntentOutcome => ({ ok: false, error, message });
const forbidden = fail('forbidden');
const conflict = fail('conflict');
const notFound = fail('not_found');
const roundFull = fail('round_full');

/**
 * Intents that write nothing a round stores (or only erase it): still answered when the round's
 * doc is full or its changes cannot be saved.
 */
const WRITES_NOTHING: ReadonlySet<IntentType> = new Set(['vote.mine', 'round.erase']);

/* ---------------------------------------------------------------------------------------------
 * The dispatcher: the table's rules, checked once for every intent
 * ------------------------------------------------------------------------------------------- */

/** Applies an intent that passed `parseIntentRequest`. */
export function applyIntent(ctx: IntentContext, intent: Intent): IntentOutcome {
	const spec = INTENTS[intent.type];
	const { role } = ctx.actor;
	const facilitator = role === 'facilitator';
	const meta = readMeta(maps(ctx.doc).meta);
	if (!facilitator && !spec.afterEnd && meta.endedAt !== null) {
		return conflict('the round has ended');
	}
	if (!(spec.roles as readonly Role[]).includes(role)) {
		return forbidden(`${intent.type} is not for the ${role} role`);
	}
	if (!facilitator && spec.steps && (meta.step === null || !spec.steps.includes(meta.step))) {
		return conflict(`this is possible in the ${spec.steps.join('/')} step (now: ${meta.step})`);
	}
	if (!WRITES_NOTHING.has(intent.type)) {
		const refusal = ctx.round.refuseWrites?.() ?? null;
		if (refusal !== null) return refusal;
	}
	const handler = handlers[intent.type] as Handler<IntentType>;
	return handler(ctx, intent as never);
}

/* ---------------------------------------------------------------------------------------------
 * Reading and writing the doc
 * ------------------------------------------------------------------------------------------- */

const maps = (doc: Y.Doc) => ({
	meta: doc.getMap<unknown>(DOC_MAP.meta),
	participants: doc.getMap<ParticipantEntry>(DOC_MAP.participants),
	happy: doc.getMap<HappyEvent>(DOC_MAP.happy),
	kleed: doc.getMap<KleedObject>(DOC_MAP.kleed),
	stories: doc.getMap<Story>(DOC_MAP.stories),
	vote: doc.getMap<unknown>(DOC_MAP.vote),
	choice: doc.getMap<unknown>(DOC_MAP.choice),
	recognize: doc.getMap<true>(DOC_MAP.recognize),
	takeaways: doc.getMap<Note>(DOC_MAP.takeaways),
	kindWords: doc.getMap<Note>(DOC_MAP.kindWords),
	timers: doc.getMap<TimerState>(DOC_MAP.timers),
	hands: doc.getMap<RaisedHand>(DOC_MAP.hands),
	floor: doc.getMap<unknown>(DOC_MAP.floor),
	waiting: doc.getMap<WaitingEntry>(DOC_MAP.waiting),
	practice: doc.getMap<unknown>(DOC_MAP.practice)
});

const voteOf = (ctx: IntentContext) => readVote(maps(ctx.doc).vote);
const choiceOf = (ctx: IntentContext) => readChoice(maps(ctx.doc).choice);

/** Writes every field of a flat map; `undefined` deletes the key. */
function writeFields(map: Y.Map<unknown>, fields: object): void {
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined) map.delete(key);
		else if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) map.set(key, value);
	}
}

const server = (ctx: IntentContext, fn: () => void) => ctx.doc.transact(fn, SERVER_ORIGIN);

/** Proposes a story to the group: its owner is asked whether they want to go on. */
function propose(doc: Y.Doc, storyId: string | null, declined: string[]): void {
	writeFields(maps(doc).choice, {
		storyId,
		consent: storyId ? 'asked' : null,
		answeredBy: undefined,
		declined
	});
}

/**
 * The recap of a practice round (#16): counts and times only, written only in a practice round
 * (a real round keeps no such thing). `fn` gets the current values and returns those to change.
 */
function recap(
	ctx: IntentContext,
	fn: (now: PracticeRecapFields) => Partial<PracticeRecapFields>
): void {
	const { meta, practice } = maps(ctx.doc);
	if (readMeta(meta).practice === null) return;
	const current = readPracticeRecap(practice) ?? {
		stepStartedAt: {},
		endedAt: null,
		handsGiven: 0,
		votesOpened: 0,
		ties: 0,
		consent: { yes: 0, no: 0 }
	};
	const changes = fn(current);
	if (Object.keys(changes).length > 0) server(ctx, () => writeFields(practice, changes));
}

/* ---------------------------------------------------------------------------------------------
 * Ownership (the table's `owner` column)
 * ------------------------------------------------------------------------------------------- */

const isFacilitator = (ctx: IntentContext) => ctx.actor.role === 'facilitator';

/** The participant id of a participant connection, or null. */
function self(ctx: IntentContext): string | null {
	return ctx.actor.role === 'participant' ? (ctx.actor.participantId ?? null) : null;
}

const isOutcome = (x: object): x is IntentOutcome => 'ok' in x;

/**
 * `author`: whose item new content is. A participant adds only their own (`by` absent or their
 * own id); a facilitator may add for anyone on the kleed, or for nobody (`null`: "zonder naam").
 */
function author(
	ctx: IntentContext,
	by: string | null | undefined
): { by: string | null } | IntentOutcome {
	const me = self(ctx);
	if (me) {
		if (by !== undefined && by !== me) return forbidden('you can only add your own items');
		return { by: me };
	}
	if (by && !maps(ctx.doc).participants.has(by)) return notFound('no such person in this round');
	return { by: by ?? null };
}

/** Adds a keyed item (happy event, kleed object) idempotently, within a per-person limit. */
function addItem<T extends { by: string | null }>(
	ctx: IntentContext,
	map: Y.Map<T>,
	id: string,
	item: T,
	limit: number
): IntentOutcome {
	const existing = map.get(id);
	if (existing) {
		// The same request sent again after a reconnect.
		return existing.by === item.by ? OK : conflict('this id is already used');
	}
	if (item.by && !isFacilitator(ctx)) {
		let count = 0;
		for (const other of map.values()) if (other.by === item.by) count++;
		if (count >= limit) return conflict(`at most ${limit} per person`);
	}
	server(ctx, () => map.set(id, item));
	return OK;
}

/** `own`: removes an item: its owner or a facilitator. Removing what is gone already is fine. */
function removeItem<T extends { by: string | null }>(
	ctx: IntentContext,
	map: Y.Map<T>,
	id: string
): IntentOutcome {
	const item = map.get(id);
	if (!item) return OK;
	if (!isFacilitator(ctx) && item.by !== self(ctx)) return forbidden('this is not yours');
	server(ctx, () => map.delete(id));
	return OK;
}

/**
 * `noDevice`: whose note or mark this is: a participant's own, or, recorded by a facilitator,
 * that of someone without a device of their own.
 */
function noteOwner(ctx: IntentContext, by: string | undefined): string | IntentOutcome {
	const me = self(ctx);
	if (me) return by === undefined || by === me ? me : forbidden('you can only speak for yourself');
	if (by === undefined) return forbidden('only a participant leaves this');
	const person = maps(ctx.doc).participants.get(by);
	if (!person) return notFound('no such person in this round');
	if (!person.noDevice) return forbidden('this person has a device of their own');
	return by;
}

/** Sets or (on empty text) removes one person's note in a map. */
function setNote(
	ctx: IntentContext,
	map: Y.Map<Note>,
	text: string,
	by: string | undefined
): IntentOutcome {
	const owner = noteOwner(ctx, by);
	if (typeof owner !== 'string') return owner;
	server(ctx, () => {
		if (text === '') map.delete(owner);
		else if (map.get(owner)?.text !== text) map.set(owner, { text, at: ctx.now() });
	});
	return OK;
}

/**
 * `voter`: a participant votes for themselves, the shared tablet for whoever chose among the
 * people without a device of their own (someone with a device votes on it; the tablet must not
 * overwrite their heart).
 */
function voter(ctx: IntentContext, as: string | undefined): string | IntentOutcome {
	const me = self(ctx);
	if (me) return as === undefined || as === me ? me : forbidden('you can only vote for yourself');
	if (!as) return fail('invalid')('say who votes ("as")');
	const person = maps(ctx.doc).participants.get(as);
	if (!person) return notFound('no such person in this round');
	if (!person.noDevice) return forbidden('this person votes on a device of their own');
	return as;
}

function recount(ctx: IntentContext, vote: VoteFields): void {
	const voted = ctx.services.ballots.count(ctx.code, vote.round);
	if (voted !== vote.voted) server(ctx, () => maps(ctx.doc).vote.set('voted', voted));
}

/** Publishes totals and proposes the winner; on a tie the facilitator decides. */
function publish(ctx: IntentContext, fields: VoteFields): void {
	const { declined } = choiceOf(ctx);
	if (leaders(fields.totals ?? {}, fields.candidates).length > 1) {
		recap(ctx, (now) => ({ ties: now.ties + 1 }));
	}
	server(ctx, () => {
		writeFields(maps(ctx.doc).vote, {
			totals: undefined,
			byHand: undefined,
			...fields
		});
		propose(ctx.doc, winner(fields.totals ?? {}, fields.candidates), declined);
	});
}

/* ---------------------------------------------------------------------------------------------
 * The handlers
 * ------------------------------------------------------------------------------------------- */

const handlers: Handlers = {
	join(ctx, intent) {
		const { participantId, name } = ctx.actor;
		if (!participantId || !name) return forbidden('only a participant can join the kleed');
		const { participants } = maps(ctx.doc);
		const existing = participants.get(participantId);
		if (existing && existing.presence === intent.presence && existing.name === name) return OK;
		// After the end only those who were in the circle come back on the kleed (a reconnect);
		// nobody new is added to, and counted in, a round that is over.
		if (!existing && readMeta(maps(ctx.doc).meta).endedAt !== null) {
			return conflict('the round has ended');
		}
		if (existing?.presence !== intent.presence) {
			ctx.services.setPresence(ctx.code, participantId, intent.presence);
		}
		server(ctx, () =>
			participants.set(participantId, {
				name,
				presence: intent.presence,
				joinedAt: existing?.joinedAt ?? ctx.now()
			})
		);
		return OK;
	},

	'happy.add'(ctx, intent) {
		const who = author(ctx, intent.by);
		if (isOutcome(who)) return who;
		const item: HappyEvent = { icon: intent.icon, text: intent.text, by: who.by, at: ctx.now() };
		return addItem(ctx, maps(ctx.doc).happy, intent.id, item, PER_PERSON_MAX.happy);
	},

	'happy.remove'(ctx, intent) {
		return removeItem(ctx, maps(ctx.doc).happy, intent.id);
	},

	'kleed.place'(ctx, intent) {
		const who = author(ctx, intent.by);
		if (isOutcome(who)) return who;
		const item: KleedObject = { icon: intent.icon, by: who.by, at: ctx.now() };
		return addItem(ctx, maps(ctx.doc).kleed, intent.id, item, PER_PERSON_MAX.kleed);
	},

	'kleed.remove'(ctx, intent) {
		return removeItem(ctx, maps(ctx.doc).kleed, intent.id);
	},

	'story.post'(ctx, intent) {
		const who = author(ctx, intent.by);
		if (isOutcome(who)) return who;
		const { stories } = maps(ctx.doc);
		const existing = stories.get(intent.id);
		if (existing) {
			return existing.by === who.by && existing.text === intent.text
				? OK
				: conflict('this id is already used');
		}
		if (!isFacilitator(ctx)) {
			if (voteOf(ctx).status === 'open') return conflict('voting is open');
			for (const story of stories.values()) {
				if (story.by === who.by) return conflict('you already have a story on the kleed');
			}
		}
		const story: Story = { text: intent.text, by: who.by, at: ctx.now() };
		server(ctx, () => stories.set(intent.id, story));
		return OK;
	},

	'story.withdraw'(ctx, intent) {
		const { stories, vote } = maps(ctx.doc);
		const story = stories.get(intent.id);
		if (!story) return OK;
		const current = voteOf(ctx);
		const inVote = current.status === 'open' && current.candidates.includes(intent.id);
		if (!isFacilitator(ctx)) {
			if (story.by === null || story.by !== self(ctx)) return forbidden('this is not your story');
			if (inVote) return conflict('voting is open');
		}
		if (inVote) ctx.services.ballots.dropStory(ctx.code, current.round, intent.id);
		const choice = choiceOf(ctx);
		server(ctx, () => {
			stories.delete(intent.id);
			if (inVote) {
				vote.set(
					'candidates',
					current.candidates.filter((c) => c !== intent.id)
				);
			}
			if (choice.storyId === intent.id) propose(ctx.doc, null, choice.declined);
		});
		if (inVote) recount(ctx, voteOf(ctx));
		return OK;
	},

	'story.retell'(ctx, intent) {
		const { stories } = maps(ctx.doc);
		const story = stories.get(intent.id);
		if (!story) return notFound('no such story');
		const { retold: _old, ...rest } = story;
		const next: Story = intent.text === '' ? rest : { ...rest, retold: intent.text };
		if (JSON.stringify(next) !== JSON.stringify(story)) {
			server(ctx, () => stories.set(intent.id, next));
		}
		return OK;
	},

	'vote.open'(ctx, intent) {
		const current = voteOf(ctx);
		if (current.status === 'open' && current.round === intent.round) return OK;
		if (intent.round !== current.round + 1) {
			return conflict(`the next vote is number ${current.round + 1}`);
		}
		const { stories } = maps(ctx.doc);
		const candidates = [...new Set(intent.candidates ?? [...stories.keys()])];
		if (candidates.length === 0) return conflict('there are no stories to vote on');
		if (candidates.some((c) => !stories.has(c))) return notFound('no such story');
		const { declined } = choiceOf(ctx);
		server(ctx, () => {
			writeFields(maps(ctx.doc).vote, {
				status: 'open',
				round: intent.round,
				candidates,
				voted: 0,
				totals: undefined,
				byHand: undefined
			} satisfies VoteFields);
			propose(ctx.doc, null, declined);
		});
		recap(ctx, (now) => ({ votesOpened: now.votesOpened + 1 }));
		return OK;
	},

	'vote.cast'(ctx, intent) {
		const who = voter(ctx, intent.as);
		if (typeof who !== 'string') return who;
		const current = voteOf(ctx);
		if (current.status !== 'open') return conflict('voting is not open');
		if (!current.candidates.includes(intent.storyId)) return notFound('no such story in this vote');
		ctx.services.ballots.cast(ctx.code, current.round, who, intent.storyId);
		recount(ctx, current);
		return OK;
	},

	'vote.clear'(ctx, intent) {
		const who = voter(ctx, intent.as);
		if (typeof who !== 'string') return who;
		const current = voteOf(ctx);
		if (current.status !== 'open') return conflict('voting is not open');
		ctx.services.ballots.clear(ctx.code, current.round, who);
		recount(ctx, current);
		return OK;
	},

	'vote.mine'(ctx, intent) {
		// Only the voter themself: the shared tablet must not show one person's heart to the next.
		const me = self(ctx);
		if (!me || (intent.as !== undefined && intent.as !== me)) {
			return forbidden('only the voter can see their own vote');
		}
		const current = voteOf(ctx);
		const storyId =
			current.status === 'idle' ? null : ctx.services.ballots.mine(ctx.code, current.round, me);
		return { ok: true, data: { storyId } };
	},

	'vote.reveal'(ctx) {
		const current = voteOf(ctx);
		if (current.status === 'revealed') return OK;
		if (current.status !== 'open') return conflict('voting is not open');
		const hearts = ctx.services.ballots.tally(ctx.code, current.round);
		const totals = Object.fromEntries(current.candidates.map((c) => [c, hearts[c] ?? 0]));
		publish(ctx, { ...current, status: 'revealed', totals });
		return OK;
	},

	'vote.byHand'(ctx, intent) {
		const { stories } = maps(ctx.doc);
		const candidates = Object.keys(intent.totals);
		if (candidates.some((c) => !stories.has(c))) return notFound('no such story');
		const current = voteOf(ctx);
		publish(ctx, {
			status: 'revealed',
			round: current.status === 'idle' ? current.round + 1 : current.round,
			candidates,
			voted: 0,
			totals: intent.totals,
			byHand: true
		});
		return OK;
	},

	'vote.reset'(ctx) {
		const current = voteOf(ctx);
		server(ctx, () => {
			writeFields(maps(ctx.doc).vote, {
				status: 'idle',
				round: current.round,
				candidates: [],
				voted: 0,
				totals: undefined,
				byHand: undefined
			} satisfies VoteFields);
			propose(ctx.doc, null, []);
		});
		return OK;
	},

	'choice.pick'(ctx, intent) {
		if (!maps(ctx.doc).stories.has(intent.storyId)) return notFound('no such story');
		const choice = choiceOf(ctx);
		if (choice.storyId === intent.storyId) return OK;
		const declined = choice.declined.filter((d) => d !== intent.storyId);
		server(ctx, () => propose(ctx.doc, intent.storyId, declined));
		return OK;
	},

	'consent.answer'(ctx, intent) {
		const choice = choiceOf(ctx);
		const story = choice.storyId ? maps(ctx.doc).stories.get(choice.storyId) : undefined;
		if (!choice.storyId || !story) return conflict('no story is waiting for an answer');
		const owner = story.by !== null && story.by === self(ctx);
		if (!owner && !isFacilitator(ctx)) return forbidden('only the owner of the story answers');
		if (choice.consent !== 'asked') {
			// A resend of the answer already given is fine; a change of mind goes via the facilitator.
			return choice.consent === intent.answer ? OK : conflict('this was answered already');
		}
		const answeredBy = owner ? 'owner' : 'facilitator';
		recap(ctx, (now) => ({
			consent: { ...now.consent, [intent.answer]: now.consent[intent.answer] + 1 }
		}));
		server(ctx, () => {
			if (intent.answer === 'yes') {
				writeFields(maps(ctx.doc).choice, { consent: 'yes', answeredBy });
				return;
			}
			const declined = [...choice.declined, choice.storyId!];
			const vote = voteOf(ctx);
			propose(ctx.doc, nextProposal(vote.totals ?? {}, vote.candidates, declined), declined);
		});
		return OK;
	},

	'recognize.set'(ctx, intent) {
		const owner = noteOwner(ctx, intent.by);
		if (typeof owner !== 'string') return owner;
		const { recognize } = maps(ctx.doc);
		if (recognize.has(owner) !== intent.on) {
			server(ctx, () => (intent.on ? recognize.set(owner, true) : recognize.delete(owner)));
		}
		return OK;
	},

	'takeaway.set'(ctx, intent) {
		return setNote(ctx, maps(ctx.doc).takeaways, intent.text, intent.by);
	},

	'kindword.set'(ctx, intent) {
		return setNote(ctx, maps(ctx.doc).kindWords, intent.text, intent.by);
	},

	'hand.raise'(ctx) {
		const me = self(ctx);
		if (!me) return forbidden('only a participant raises a hand');
		const { hands, floor } = maps(ctx.doc);
		// Raising again keeps your place: a reconnect or a double tap must not send you back.
		if (hands.has(me)) return OK;
		const order = ((floor.get('nextOrder') as number | undefined) ?? 0) + 1;
		server(ctx, () => {
			floor.set('nextOrder', order);
			hands.set(me, { order, raisedAt: ctx.now() });
		});
		return OK;
	},

	'hand.lower'(ctx, intent) {
		const me = self(ctx);
		const who = intent.who ?? me;
		if (!who) return fail('invalid')('say whose hand ("who")');
		if (who !== me && !isFacilitator(ctx)) return forbidden('you can only lower your own hand');
		const { hands } = maps(ctx.doc);
		if (hands.has(who)) server(ctx, () => hands.delete(who));
		return OK;
	},

	'hand.give'(ctx, intent) {
		const { hands, floor, participants } = maps(ctx.doc);
		const who = intent.who ?? readHands(hands)[0]?.id;
		if (!who) return conflict('no hand is raised');
		if (!participants.has(who)) return notFound('no such person in this round');
		if (floor.get('speaker') === who && !hands.has(who)) return OK;
		server(ctx, () => {
			hands.delete(who);
			floor.set('speaker', who);
			floor.set('since', ctx.now());
		});
		recap(ctx, (now) => ({ handsGiven: now.handsGiven + 1 }));
		return OK;
	},

	'hands.clear'(ctx) {
		const { hands, floor } = maps(ctx.doc);
		server(ctx, () => {
			hands.clear();
			floor.set('speaker', null);
			floor.delete('since');
		});
		return OK;
	},

	'step.set'(ctx, intent) {
		const { meta } = maps(ctx.doc);
		const now = readMeta(meta).step;
		// Already there: the same move sent twice (a double click, a resend, the co-facilitator).
		if (now === intent.to) return OK;
		if (now !== intent.from) {
			return conflict(`the round is in the ${now} step now, not in ${intent.from}`);
		}
		server(ctx, () => meta.set('step', intent.to));
		recap(ctx, (now) =>
			now.stepStartedAt[intent.to] === undefined
				? { stepStartedAt: { ...now.stepStartedAt, [intent.to]: ctx.now() } }
				: {}
		);
		return OK;
	},

	'text.set'(ctx, intent) {
		const { meta } = maps(ctx.doc);
		if ((meta.get(intent.field) ?? '') !== intent.text) {
			server(ctx, () => meta.set(intent.field, intent.text));
		}
		return OK;
	},

	'names.hide'(ctx, intent) {
		const { meta } = maps(ctx.doc);
		if ((meta.get('hideNames') ?? false) !== intent.on) {
			server(ctx, () => meta.set('hideNames', intent.on));
		}
		return OK;
	},

	'person.add'(ctx, intent) {
		const { participants } = maps(ctx.doc);
		const existing = participants.get(intent.id);
		if (existing) {
			return existing.name === intent.name
				? { ok: true, data: { participantId: intent.id } }
				: conflict('this id is already used');
		}
		const added = ctx.services.addPerson(ctx.code, intent.id, intent.name, intent.presence);
		if (added === 'id_taken') return conflict('this id is already used');
		if (added === 'full') return roundFull('the round already holds as many people as it may');
		server(ctx, () =>
			participants.set(intent.id, {
				name: intent.name,
				presence: intent.presence,
				joinedAt: ctx.now(),
				noDevice: true
			})
		);
		return { ok: true, data: { participantId: intent.id } };
	},

	'timer.set'(ctx, intent) {
		const durationMs = intent.seconds * 1000;
		const timer: TimerState = { durationMs, endsAt: null, remainingMs: durationMs };
		server(ctx, () => maps(ctx.doc).timers.set(intent.step, timer));
		return OK;
	},

	'timer.start'(ctx, intent) {
		const { timers } = maps(ctx.doc);
		const timer = timers.get(intent.step);
		if (!timer) return conflict('set a time first');
		if (timer.endsAt !== null) return OK;
		if (timer.remainingMs <= 0) return conflict('the time is up; set a new time');
		// Server time: every device counts down to the same moment, whatever its own clock says.
		server(ctx, () => timers.set(intent.step, { ...timer, endsAt: ctx.now() + timer.remainingMs }));
		return OK;
	},

	'timer.pause'(ctx, intent) {
		const { timers } = maps(ctx.doc);
		const timer = timers.get(intent.step);
		if (!timer || timer.endsAt === null) return OK;
		const remainingMs = Math.max(0, timer.endsAt - ctx.now());
		server(ctx, () => timers.set(intent.step, { ...timer, endsAt: null, remainingMs }));
		return OK;
	},

	'round.lock'(ctx, intent) {
		ctx.services.setLocked(ctx.code, intent.locked);
		const { meta } = maps(ctx.doc);
		if ((meta.get('locked') ?? false) !== intent.locked) {
			server(ctx, () => meta.set('locked', intent.locked));
		}
		return OK;
	},

	'door.admit'(ctx, intent) {
		const { waiting } = maps(ctx.doc);
		const admitted = ctx.services.admit(ctx.code, intent.who);
		if (admitted === 'full') {
			return roundFull('the round already holds as many people as it may; nobody was let in');
		}
		if (waiting.has(intent.who)) server(ctx, () => waiting.delete(intent.who));
		return admitted || !waiting.has(intent.who) ? OK : notFound('nobody is waiting with this id');
	},

	'door.refuse'(ctx, intent) {
		const { waiting } = maps(ctx.doc);
		if (!waiting.has(intent.who)) return OK;
		ctx.services.removePerson(ctx.code, intent.who);
		server(ctx, () => waiting.delete(intent.who));
		return OK;
	},

	'person.remove'(ctx, intent) {
		const { participants, hands, recognize, floor, meta } = maps(ctx.doc);
		const entry = participants.get(intent.who);
		// Someone with a device of their own could come straight back under another name: the round
		// locks, so a newcomer now waits at the door until a facilitator lets them in.
		if (entry && !entry.noDevice && meta.get('locked') !== true) {
			ctx.services.setLocked(ctx.code, true);
			server(ctx, () => meta.set('locked', true));
		}
		ctx.services.removePerson(ctx.code, intent.who);
		ctx.round.disconnect(intent.who);
		const current = voteOf(ctx);
		server(ctx, () => {
			participants.delete(intent.who);
			hands.delete(intent.who);
			recognize.delete(intent.who);
			if (floor.get('speaker') === intent.who) floor.set('speaker', null);
		});
		// Their heart goes with them (the ballot row was deleted with the person).
		if (current.status === 'open') recount(ctx, current);
		return OK;
	},

	'person.newcomer'(ctx, intent) {
		const { participants } = maps(ctx.doc);
		const entry = participants.get(intent.who);
		if (!entry) return notFound('no such person in this round');
		ctx.services.setNewcomer(ctx.code, intent.who, intent.on);
		if ((entry.newcomer ?? false) !== intent.on) {
			const { newcomer: _old, ...rest } = entry;
			server(ctx, () =>
				participants.set(intent.who, intent.on ? { ...rest, newcomer: true } : rest)
			);
		}
		return OK;
	},

	'round.erase'(ctx) {
		ctx.round.erase();
		return OK;
	},

	'round.end'(ctx) {
		if (readMeta(maps(ctx.doc).meta).endedAt === null) {
			const endedAt = ctx.now();
			server(ctx, () => maps(ctx.doc).meta.set('endedAt', endedAt));
			recap(ctx, () => ({ endedAt }));
		}
		return OK;
	},

	'practice.speed'(ctx, intent) {
		const { meta } = maps(ctx.doc);
		const practice = readMeta(meta).practice;
		if (practice === null) return conflict('this is not a practice round');
		if (practice.speed !== intent.speed) {
			server(ctx, () => meta.set('practice', { ...practice, speed: intent.speed }));
		}
		return OK;
	}
};
