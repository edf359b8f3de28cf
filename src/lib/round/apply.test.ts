import { beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { intentServices } from '../../../server/app.ts';
import { openDatabase, type Db } from '../../../server/db.ts';
import { RoundStore, type Identity } from '../../../server/RoundStore.ts';
import type { Step } from '../protocol.ts';
import { applyIntent, type IntentServices, type RoundControl } from './apply.ts';
import {
	DOC_MAP,
	leaders,
	nextProposal,
	ranked,
	winner,
	type ChoiceFields,
	type Story,
	type VoteFields
} from './doc.ts';
import { parseIntentRequest, type Intent, type IntentOutcome } from './intents.ts';

let db: Db;
let rounds: RoundStore;
let code: string;
let doc: Y.Doc;
let now: number;

const facilitator: Identity = { role: 'facilitator' };
const tablet: Identity = { role: 'tablet' };
const observer: Identity = { role: 'observer' };
const projector: Identity = { role: 'projector' };

function run(identity: Identity, intent: Intent): IntentOutcome {
	return applyIntent({ code, doc, actor: identity, now: () => now, services, round }, intent);
}

/** A participant who has joined the kleed. */
function person(name: string, presence: 'room' | 'remote' = 'room'): Identity & { id: string } {
	const { participantId } = rounds.addParticipant(code, { name, presence });
	const identity = { role: 'participant' as const, participantId, name };
	expect(run(identity, { type: 'join', presence })).toEqual({ ok: true });
	return { ...identity, id: participantId };
}

const map = <T>(name: keyof typeof DOC_MAP) => doc.getMap<T>(DOC_MAP[name]);
const setStep = (step: Step) => map<unknown>('meta').set('step', step);
const vote = () => map<unknown>('vote').toJSON() as VoteFields;
const choice = () => map<unknown>('choice').toJSON() as ChoiceFields;
const stories = () => map<Story>('stories');
const expectError = (outcome: IntentOutcome, error: string) =>
	expect(outcome).toMatchObject({ ok: false, error });

let services: IntentServices;
/** What the live round did that a doc cannot show: closed connections, erased rounds. */
let effects: string[];
let round: RoundControl;

beforeEach(() => {
	db = openDatabase(':memory:');
	rounds = new RoundStore(db);
	effects = [];
	services = intentServices(db, rounds);
	round = {
		disconnect: (id) => effects.push(`removed ${id}`),
		erase: () => effects.push(`erase ${code}`)
	};
	code = rounds.create({ title: '', language: 'nl' }).code;
	doc = new Y.Doc();
	now = 1_000_000;
	setStep('opening');
});

describe('intent schema', () => {
	const valid = (intent: unknown) => parseIntentRequest({ id: 1, intent }).ok;

	it('accepts well-formed intents of every kind', () => {
		expect(valid({ type: 'story.post', id: 'abcdef12', text: 'Mijn buurman' })).toBe(true);
		expect(valid({ type: 'happy.add', id: 'abcdef12', icon: 'cake', text: '' })).toBe(true);
		expect(valid({ type: 'vote.byHand', totals: { abcdef12: 3 } })).toBe(true);
		expect(valid({ type: 'timer.set', step: 'choice', seconds: 600 })).toBe(true);
	});

	it('refuses unknown fields, long or control-character text, bad icons, ids and numbers', () => {
		expect(valid({ type: 'join', presence: 'room', name: 'Eve' })).toBe(false);
		expect(valid({ type: 'story.post', id: 'abcdef12', text: 'x'.repeat(121) })).toBe(false);
		expect(valid({ type: 'story.post', id: 'abcdef12', text: '   ' })).toBe(false);
		expect(valid({ type: 'story.post', id: 'abcdef12', text: 'a\u0000b' })).toBe(false);
		expect(valid({ type: 'story.post', id: '../x', text: 'hi' })).toBe(false);
		expect(valid({ type: 'kleed.place', id: 'abcdef12', icon: 'bomb' })).toBe(false);
		expect(valid({ type: 'vote.byHand', totals: { abcdef12: -1 } })).toBe(false);
		expect(valid({ type: 'vote.byHand', totals: {} })).toBe(false);
		expect(valid({ type: 'timer.set', step: 'choice', seconds: 1e9 })).toBe(false);
		expect(valid({ type: 'vote.open', round: 1.5 })).toBe(false);
		expect(valid({ type: 'teleport' })).toBe(false);
	});
});

describe('tally', () => {
	const c = ['a', 'b', 'c'];
	it('ranks by hearts and finds a unique winner', () => {
		expect(ranked({ a: 1, b: 3, c: 2 }, c)).toEqual(['b', 'c', 'a']);
		expect(winner({ a: 1, b: 3, c: 2 }, c)).toBe('b');
	});
	it('reports a tie, and no winner when nobody voted', () => {
		expect(leaders({ a: 2, b: 2, c: 1 }, c)).toEqual(['a', 'b']);
		expect(winner({ a: 2, b: 2, c: 1 }, c)).toBeNull();
		expect(winner({}, c)).toBeNull();
	});
	it('proposes the next story after a no, skipping declined ones', () => {
		expect(nextProposal({ a: 3, b: 2, c: 1 }, c, ['a'])).toBe('b');
		expect(nextProposal({ a: 3, b: 1, c: 1 }, c, ['a'])).toBeNull();
		expect(nextProposal({ a: 3, b: 0, c: 0 }, c, ['a'])).toBeNull();
	});
});

describe('opening', () => {
	it('lets participants add happy events and objects for themselves, at most three', () => {
		const anna = person('Anna');
		for (let i = 0; i < 3; i++) {
			expect(run(anna, { type: 'kleed.place', id: `kleed-${i}00`, icon: 'tea' })).toEqual({
				ok: true
			});
		}
		expectError(run(anna, { type: 'kleed.place', id: 'kleed-400', icon: 'tea' }), 'conflict');
		expect(run(anna, { type: 'happy.add', id: 'happy-1', icon: 'cake', text: 'Jarig!' })).toEqual({
			ok: true
		});
		expect(map('happy').get('happy-1')).toMatchObject({ by: anna.id, text: 'Jarig!' });
	});

	it('does not add twice when the same intent is sent again after a reconnect', () => {
		const anna = person('Anna');
		const intent: Intent = { type: 'kleed.place', id: 'kleed-100', icon: 'bread' };
		run(anna, intent);
		expect(run(anna, intent)).toEqual({ ok: true });
		expect(map('kleed').size).toBe(1);
	});

	it("refuses adding for someone else and removing another's item", () => {
		const anna = person('Anna');
		const bram = person('Bram');
		expectError(
			run(anna, { type: 'happy.add', id: 'happy-1', icon: 'cake', text: '', by: bram.id }),
			'forbidden'
		);
		run(bram, { type: 'kleed.place', id: 'kleed-100', icon: 'candle' });
		expectError(run(anna, { type: 'kleed.remove', id: 'kleed-100' }), 'forbidden');
		expect(run(bram, { type: 'kleed.remove', id: 'kleed-100' })).toEqual({ ok: true });
	});

	it('lets the facilitator add for someone, or for nobody', () => {
		const anna = person('Anna');
		run(facilitator, { type: 'kleed.place', id: 'kleed-100', icon: 'fruit', by: anna.id });
		run(facilitator, { type: 'happy.add', id: 'happy-1', icon: 'sun', text: 'Lente', by: null });
		expect(map('kleed').get('kleed-100')).toMatchObject({ by: anna.id });
		expect(map('happy').get('happy-1')).toMatchObject({ by: null });
	});

	it('keeps participant content to its step, and read-only roles out', () => {
		const anna = person('Anna');
		setStep('choice');
		expectError(run(anna, { type: 'kleed.place', id: 'kleed-100', icon: 'tea' }), 'conflict');
		for (const role of [observer, projector, tablet]) {
			expectError(run(role, { type: 'kleed.place', id: 'kleed-100', icon: 'tea' }), 'forbidden');
		}
	});
});

describe('stories', () => {
	beforeEach(() => setStep('choice'));

	it('lets a participant post one story and withdraw it; the facilitator posts for others', () => {
		const anna = person('Anna');
		expect(run(anna, { type: 'story.post', id: 'story-a', text: 'Mijn buurman' })).toEqual({
			ok: true
		});
		expectError(run(anna, { type: 'story.post', id: 'story-b', text: 'Nog een' }), 'conflict');
		run(facilitator, { type: 'story.post', id: 'story-x', text: 'Zorgen om geld', by: null });
		run(facilitator, { type: 'story.retell', id: 'story-x', text: 'Geldzorgen' });
		expect(stories().get('story-x')).toMatchObject({
			by: null,
			text: 'Zorgen om geld',
			retold: 'Geldzorgen'
		});
		expectError(run(anna, { type: 'story.withdraw', id: 'story-x' }), 'forbidden');
		expect(run(anna, { type: 'story.withdraw', id: 'story-a' })).toEqual({ ok: true });
		expect(stories().has('story-a')).toBe(false);
	});

	it('refuses a participant retelling or posting in another step', () => {
		const anna = person('Anna');
		run(anna, { type: 'story.post', id: 'story-a', text: 'Mijn buurman' });
		expectError(run(anna, { type: 'story.retell', id: 'story-a', text: 'x' }), 'forbidden');
		setStep('deepening');
		run(anna, { type: 'story.withdraw', id: 'story-a' });
		expectError(run(anna, { type: 'story.post', id: 'story-b', text: 'Later' }), 'conflict');
	});
});

describe('voting', () => {
	let anna: Identity & { id: string };
	let bram: Identity & { id: string };
	let cem: Identity & { id: string };

	beforeEach(() => {
		setStep('choice');
		anna = person('Anna');
		bram = person('Bram');
		cem = person('Cem', 'remote');
		run(anna, { type: 'story.post', id: 'story-a', text: 'A' });
		run(bram, { type: 'story.post', id: 'story-b', text: 'B' });
		run(facilitator, { type: 'story.post', id: 'story-x', text: 'X', by: null });
	});

	const open = (round = (vote().round ?? 0) + 1, candidates?: string[]) =>
		run(facilitator, { type: 'vote.open', round, ...(candidates ? { candidates } : {}) });
	const mine = (who: Identity) =>
		(run(who, { type: 'vote.mine' }) as { data: { storyId: string | null } }).data.storyId;

	it('keeps ballots out of the doc: only a count until the reveal', () => {
		open();
		run(anna, { type: 'vote.cast', storyId: 'story-b' });
		run(bram, { type: 'vote.cast', storyId: 'story-a' });
		run(anna, { type: 'vote.cast', storyId: 'story-x' });
		expect(vote()).toMatchObject({ status: 'open', round: 1, voted: 2 });
		expect(vote().totals).toBeUndefined();
		// The vote map holds no ballots, and nothing else in the doc mentions a vote.
		expect(Object.keys(map('vote').toJSON()).sort()).toEqual([
			'candidates',
			'round',
			'status',
			'voted'
		]);
		for (const name of Object.keys(DOC_MAP) as (keyof typeof DOC_MAP)[]) {
			if (name === 'vote' || name === 'stories' || name === 'choice') continue;
			expect(JSON.stringify(map(name).toJSON())).not.toMatch(/story-/);
		}
		expect(mine(anna)).toBe('story-x');
		expect(mine(cem)).toBeNull();
	});

	it('gives one heart per person, changeable until the reveal', () => {
		open();
		run(anna, { type: 'vote.cast', storyId: 'story-a' });
		run(anna, { type: 'vote.cast', storyId: 'story-b' });
		expect(vote().voted).toBe(1);
		run(anna, { type: 'vote.clear' });
		expect(vote().voted).toBe(0);
		run(anna, { type: 'vote.cast', storyId: 'story-b' });
		run(bram, { type: 'vote.cast', storyId: 'story-b' });
		run(facilitator, { type: 'vote.reveal' });
		expect(vote().totals).toEqual({ 'story-a': 0, 'story-b': 2, 'story-x': 0 });
		expectError(run(anna, { type: 'vote.cast', storyId: 'story-a' }), 'conflict');
		expect(choice()).toMatchObject({ storyId: 'story-b', consent: 'asked' });
	});

	it('refuses votes before opening, for unknown stories, and for someone else', () => {
		expectError(run(anna, { type: 'vote.cast', storyId: 'story-a' }), 'conflict');
		open();
		expectError(run(anna, { type: 'vote.cast', storyId: 'story-zz' }), 'not_found');
		expectError(run(anna, { type: 'vote.cast', storyId: 'story-a', as: bram.id }), 'forbidden');
		expectError(run(observer, { type: 'vote.cast', storyId: 'story-a' }), 'forbidden');
		expectError(run(anna, { type: 'vote.reveal' }), 'forbidden');
		expectError(run(anna, { type: 'vote.open', round: 2 }), 'forbidden');
	});

	it('lets the shared tablet vote for whoever picked their name, but not read a vote', () => {
		// Dirk has no device of his own: the facilitator added him.
		run(facilitator, { type: 'person.add', id: 'dirk-id', name: 'Dirk', presence: 'room' });
		open();
		run(tablet, { type: 'vote.cast', storyId: 'story-a', as: 'dirk-id' });
		run(tablet, { type: 'vote.cast', storyId: 'story-x', as: 'dirk-id' });
		expect(vote().voted).toBe(1);
		expectError(run(tablet, { type: 'vote.mine', as: 'dirk-id' }), 'forbidden');
		expectError(run(tablet, { type: 'vote.cast', storyId: 'story-a' }), 'invalid');
		expectError(
			run(tablet, { type: 'vote.cast', storyId: 'story-a', as: 'nobody-here' }),
			'not_found'
		);
		expect(services.ballots.mine(code, 1, 'dirk-id')).toBe('story-x');
	});

	it('does not let the shared tablet vote for someone with a device of their own (#15)', () => {
		open();
		// Cem votes at home, on his own device.
		run(cem, { type: 'vote.cast', storyId: 'story-b' });
		expectError(run(tablet, { type: 'vote.cast', storyId: 'story-a', as: cem.id }), 'forbidden');
		expectError(run(tablet, { type: 'vote.clear', as: cem.id }), 'forbidden');
		expect(mine(cem)).toBe('story-b');
	});

	it('is idempotent when the facilitator opens or reveals twice, and counts rounds', () => {
		expect(open(1)).toEqual({ ok: true });
		expect(open(1)).toEqual({ ok: true });
		expectError(open(3), 'conflict');
		run(facilitator, { type: 'vote.reveal' });
		expect(run(facilitator, { type: 'vote.reveal' })).toEqual({ ok: true });
	});

	it('on a tie, re-votes among the tied stories; ballots of the first vote do not count', () => {
		open();
		run(anna, { type: 'vote.cast', storyId: 'story-a' });
		run(bram, { type: 'vote.cast', storyId: 'story-b' });
		run(facilitator, { type: 'vote.reveal' });
		expect(choice()).toMatchObject({ storyId: null, consent: null });
		open(2, ['story-a', 'story-b']);
		expect(vote()).toMatchObject({ round: 2, voted: 0, candidates: ['story-a', 'story-b'] });
		expect(mine(anna)).toBeNull();
		expectError(run(cem, { type: 'vote.cast', storyId: 'story-x' }), 'not_found');
		run(cem, { type: 'vote.cast', storyId: 'story-a' });
		run(anna, { type: 'vote.cast', storyId: 'story-a' });
		run(facilitator, { type: 'vote.reveal' });
		expect(vote().totals).toEqual({ 'story-a': 2, 'story-b': 0 });
		expect(choice()).toMatchObject({ storyId: 'story-a', consent: 'asked' });
	});

	it('on a tie, lets the facilitator pick one', () => {
		open();
		run(anna, { type: 'vote.cast', storyId: 'story-a' });
		run(bram, { type: 'vote.cast', storyId: 'story-b' });
		run(facilitator, { type: 'vote.reveal' });
		expectError(run(anna, { type: 'choice.pick', storyId: 'story-a' }), 'forbidden');
		run(facilitator, { type: 'choice.pick', storyId: 'story-b' });
		expect(choice()).toMatchObject({ storyId: 'story-b', consent: 'asked' });
	});

	it('asks the owner; on no proposes the next story; the facilitator answers for "zonder naam"', () => {
		open();
		run(anna, { type: 'vote.cast', storyId: 'story-b' });
		run(bram, { type: 'vote.cast', storyId: 'story-b' });
		run(cem, { type: 'vote.cast', storyId: 'story-x' });
		run(facilitator, { type: 'vote.reveal' });
		expect(choice()).toMatchObject({ storyId: 'story-b', consent: 'asked' });
		expectError(run(anna, { type: 'consent.answer', answer: 'yes' }), 'forbidden');
		run(bram, { type: 'consent.answer', answer: 'no' });
		expect(choice()).toMatchObject({ storyId: 'story-x', consent: 'asked', declined: ['story-b'] });
		run(facilitator, { type: 'consent.answer', answer: 'yes' });
		expect(choice()).toMatchObject({
			storyId: 'story-x',
			consent: 'yes',
			answeredBy: 'facilitator'
		});
		expect(run(facilitator, { type: 'consent.answer', answer: 'yes' })).toEqual({ ok: true });
		expectError(run(facilitator, { type: 'consent.answer', answer: 'no' }), 'conflict');
	});

	it('takes counts by hand for a room without tablets', () => {
		run(facilitator, { type: 'vote.byHand', totals: { 'story-a': 4, 'story-b': 6 } });
		expect(vote()).toMatchObject({ status: 'revealed', byHand: true });
		expect(choice()).toMatchObject({ storyId: 'story-b', consent: 'asked' });
		expectError(run(anna, { type: 'vote.byHand', totals: { 'story-a': 9 } }), 'forbidden');
	});

	it('drops a story removed during the vote, with its hearts', () => {
		open();
		run(anna, { type: 'vote.cast', storyId: 'story-x' });
		expectError(run(bram, { type: 'story.withdraw', id: 'story-b' }), 'conflict');
		run(facilitator, { type: 'story.withdraw', id: 'story-x' });
		expect(vote()).toMatchObject({ voted: 0, candidates: ['story-a', 'story-b'] });
		expect(mine(anna)).toBeNull();
	});
});

describe('later steps', () => {
	it('takes "Ik herken dit" in Verbreding, notes in Afsluiting, each one per person', () => {
		const anna = person('Anna');
		expectError(run(anna, { type: 'recognize.set', on: true }), 'conflict');
		setStep('broadening');
		run(anna, { type: 'recognize.set', on: true });
		expect(map('recognize').get(anna.id)).toBe(true);
		setStep('closing');
		run(anna, { type: 'takeaway.set', text: 'Rust' });
		run(anna, { type: 'takeaway.set', text: 'Rust en moed' });
		run(anna, { type: 'kindword.set', text: 'Dank je' });
		expect(map('takeaways').toJSON()).toEqual({ [anna.id]: { text: 'Rust en moed', at: now } });
		run(anna, { type: 'kindword.set', text: '' });
		expect(map('kindWords').size).toBe(0);
		expectError(run(facilitator, { type: 'takeaway.set', text: 'x' }), 'forbidden');
	});

	it('lets a facilitator record notes and "Ik herken dit" for someone without a device', () => {
		const anna = person('Anna');
		run(facilitator, { type: 'person.add', id: 'person-1', name: 'Fatma', presence: 'room' });
		setStep('broadening');
		expect(run(facilitator, { type: 'recognize.set', on: true, by: 'person-1' })).toEqual({
			ok: true
		});
		expectError(run(facilitator, { type: 'recognize.set', on: true, by: anna.id }), 'forbidden');
		expectError(run(facilitator, { type: 'recognize.set', on: true }), 'forbidden');
		expectError(run(anna, { type: 'recognize.set', on: true, by: 'person-1' }), 'forbidden');
		setStep('closing');
		run(facilitator, { type: 'takeaway.set', text: 'Thee', by: 'person-1' });
		run(facilitator, { type: 'kindword.set', text: 'Dapper', by: 'person-1' });
		expect(map('recognize').get('person-1')).toBe(true);
		expect(map('takeaways').get('person-1')).toMatchObject({ text: 'Thee' });
		expect(map('kindWords').get('person-1')).toMatchObject({ text: 'Dapper' });
	});

	it('runs timers on server time', () => {
		expectError(run(facilitator, { type: 'timer.start', step: 'opening' }), 'conflict');
		run(facilitator, { type: 'timer.set', step: 'opening', seconds: 600 });
		run(facilitator, { type: 'timer.start', step: 'opening' });
		expect(map('timers').get('opening')).toEqual({
			durationMs: 600_000,
			endsAt: now + 600_000,
			remainingMs: 600_000
		});
		now += 60_000;
		run(facilitator, { type: 'timer.pause', step: 'opening' });
		expect(map('timers').get('opening')).toMatchObject({ endsAt: null, remainingMs: 540_000 });
		const anna = person('Anna');
		expectError(run(anna, { type: 'timer.start', step: 'opening' }), 'forbidden');
	});

	it('adds a person without a device once, even when asked twice', () => {
		const intent: Intent = { type: 'person.add', id: 'person-1', name: 'Fatma', presence: 'room' };
		expect(run(facilitator, intent)).toEqual({ ok: true, data: { participantId: 'person-1' } });
		expect(run(facilitator, intent)).toEqual({ ok: true, data: { participantId: 'person-1' } });
		expect(map('participants').get('person-1')).toMatchObject({ name: 'Fatma', noDevice: true });
		const rows = db.prepare('SELECT has_device FROM participants WHERE id = ?').all('person-1') as {
			has_device: number;
		}[];
		expect(rows).toEqual([{ has_device: 0 }]);
	});

	it('refuses participant actions once the round has ended', () => {
		const anna = person('Anna');
		run(facilitator, { type: 'round.end' });
		expect(map('meta').get('endedAt')).toBe(now);
		expectError(run(anna, { type: 'kleed.place', id: 'kleed-100', icon: 'tea' }), 'conflict');
		expect(run(anna, { type: 'join', presence: 'room' })).toEqual({ ok: true });
	});

	it('puts nobody new on the kleed once the round has ended (they would be counted)', () => {
		person('Anna');
		run(facilitator, { type: 'round.end' });
		const { participantId } = rounds.addParticipant(code, { name: 'Laat', presence: 'room' });
		const late = { role: 'participant' as const, participantId, name: 'Laat' };
		expectError(run(late, { type: 'join', presence: 'room' }), 'conflict');
		expect(map('participants').has(participantId)).toBe(false);
		expect(map('participants').size).toBe(1);
	});
});

describe('hand queue', () => {
	const queue = () =>
		Object.entries(map<{ order: number }>('hands').toJSON() as Record<string, { order: number }>)
			.sort(([, a], [, b]) => a.order - b.order)
			.map(([id]) => id);
	const speaker = () => map<unknown>('floor').get('speaker');

	it('orders hands as the server receives them; raising again keeps your place', () => {
		const anna = person('Anna', 'remote');
		const bram = person('Bram', 'remote');
		const cem = person('Cem');
		run(bram, { type: 'hand.raise' });
		run(anna, { type: 'hand.raise' });
		run(bram, { type: 'hand.raise' });
		run(cem, { type: 'hand.raise' });
		expect(queue()).toEqual([bram.id, anna.id, cem.id]);
	});

	it('lets people lower only their own hand; the facilitator lowers any or all', () => {
		const anna = person('Anna');
		const bram = person('Bram');
		run(anna, { type: 'hand.raise' });
		run(bram, { type: 'hand.raise' });
		expectError(run(anna, { type: 'hand.lower', who: bram.id }), 'forbidden');
		expectError(run(projector, { type: 'hand.raise' }), 'forbidden');
		run(anna, { type: 'hand.lower' });
		expect(queue()).toEqual([bram.id]);
		run(facilitator, { type: 'hand.lower', who: bram.id });
		expect(queue()).toEqual([]);
		run(anna, { type: 'hand.raise' });
		run(bram, { type: 'hand.raise' });
		run(facilitator, { type: 'hands.clear' });
		expect(queue()).toEqual([]);
	});

	it('gives the word to the first in the queue, or to someone named', () => {
		const anna = person('Anna');
		const bram = person('Bram');
		expectError(run(facilitator, { type: 'hand.give' }), 'conflict');
		run(anna, { type: 'hand.raise' });
		run(bram, { type: 'hand.raise' });
		expectError(run(anna, { type: 'hand.give' }), 'forbidden');
		run(facilitator, { type: 'hand.give' });
		expect(speaker()).toBe(anna.id);
		expect(queue()).toEqual([bram.id]);
		run(facilitator, { type: 'hand.give', who: bram.id });
		expect(speaker()).toBe(bram.id);
		expect(queue()).toEqual([]);
		// A later hand queues behind everyone who came before, never in front.
		run(anna, { type: 'hand.raise' });
		expect((map<{ order: number }>('hands').get(anna.id) as { order: number }).order).toBe(3);
	});
});

describe('steering the round', () => {
	const step = () => map<unknown>('meta').get('step');

	it('moves the step once when the same move arrives twice (a double click)', () => {
		const move: Intent = { type: 'step.set', from: 'opening', to: 'choice' };
		expect(run(facilitator, move)).toEqual({ ok: true });
		expect(run(facilitator, move)).toEqual({ ok: true });
		expect(step()).toBe('choice');
	});

	it('refuses a move from a step the round has left (a co-facilitator moved first)', () => {
		run(facilitator, { type: 'step.set', from: 'opening', to: 'choice' });
		const late = run(facilitator, { type: 'step.set', from: 'opening', to: 'deepening' });
		expectError(late, 'conflict');
		expect(late).toMatchObject({ message: expect.stringContaining('choice') });
		expect(step()).toBe('choice');
	});

	it("sets the facilitator's texts and the projector's names, and nobody else may", () => {
		run(facilitator, { type: 'text.set', field: 'mote', text: 'Wie kent dit?' });
		run(facilitator, { type: 'names.hide', on: true });
		expect(map<unknown>('meta').get('mote')).toBe('Wie kent dit?');
		expect(map<unknown>('meta').get('hideNames')).toBe(true);
		const anna = person('Anna');
		for (const who of [anna, tablet, observer, projector]) {
			expectError(run(who, { type: 'step.set', from: 'opening', to: 'closing' }), 'forbidden');
			expectError(run(who, { type: 'text.set', field: 'warmup', text: 'x' }), 'forbidden');
			expectError(run(who, { type: 'names.hide', on: false }), 'forbidden');
		}
		expect(step()).toBe('opening');
	});

	it('refuses a text field that is not one of the four, and a text over 300 characters', () => {
		const valid = (intent: unknown) => parseIntentRequest({ id: 1, intent }).ok;
		expect(valid({ type: 'text.set', field: 'title', text: 'x' })).toBe(false);
		expect(valid({ type: 'text.set', field: 'mote', text: 'x'.repeat(301) })).toBe(false);
		expect(valid({ type: 'step.set', from: 'opening', to: 'elsewhere' })).toBe(false);
	});

	it('tells the live round to close the connections of someone removed, and to erase', () => {
		const anna = person('Anna');
		run(facilitator, { type: 'person.remove', who: anna.id });
		expect(effects).toEqual([`removed ${anna.id}`]);
		expect(map('participants').has(anna.id)).toBe(false);
		expect(rounds.verifyToken(code, 'x')).toBeNull();
		run(facilitator, { type: 'round.erase' });
		expect(effects).toEqual([`removed ${anna.id}`, `erase ${code}`]);
	});

	it('locks the round when someone with a device is taken out: they cannot walk back in (#15)', () => {
		run(facilitator, { type: 'person.add', id: 'dirk-id', name: 'Dirk', presence: 'room' });
		run(facilitator, { type: 'person.remove', who: 'dirk-id' });
		// Dirk had no device: nothing to keep out.
		expect(map<unknown>('meta').get('locked')).toBeUndefined();
		expect(rounds.get(code)?.locked).toBe(false);
		const anna = person('Anna');
		run(facilitator, { type: 'person.remove', who: anna.id });
		expect(map<unknown>('meta').get('locked')).toBe(true);
		// The server's door too: a new join now waits for a facilitator.
		expect(rounds.get(code)?.locked).toBe(true);
	});
});
