import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP } from '$lib/round/doc';
import { RoundView } from './RoundView.svelte';

/** A view on a doc the test writes as the server would, with who is online set by hand. */
class TestView extends RoundView {
	here: string[] = [];
	protected override online(): string[] {
		return this.here;
	}
}

function setup(participantId?: string) {
	const doc = new Y.Doc();
	const view = new TestView(doc, participantId);
	const map = (name: keyof typeof DOC_MAP) => doc.getMap<unknown>(DOC_MAP[name]);
	const write = (name: keyof typeof DOC_MAP, values: Record<string, unknown>) =>
		doc.transact(() => {
			for (const [key, value] of Object.entries(values)) map(name).set(key, value);
		}, 'server');
	return { doc, view, write, map };
}

describe('RoundView', () => {
	it('reads meta through the shared reader: null step and empty texts before the first sync', () => {
		const { view, write } = setup();
		expect(view.step).toBeNull();
		expect([view.title, view.warmup, view.mote, view.closingText, view.audioHelp]).toEqual([
			'',
			'',
			'',
			'',
			''
		]);
		expect(view.ended).toBe(false);
		write('meta', { step: 'choice', title: 'Dinsdag', mote: 'Wie kent dit?', hideNames: true });
		expect(view.step).toBe('choice');
		expect(view.title).toBe('Dinsdag');
		expect(view.mote).toBe('Wie kent dit?');
		expect(view.hideNames).toBe(true);
		write('meta', { step: 'lunch', endedAt: 123 });
		expect(view.step).toBeNull();
		expect(view.ended).toBe(true);
	});

	it('lists people by name with whether they are online, and knows their names', () => {
		const { view, write } = setup('p2');
		write('participants', {
			p1: { name: 'bram', presence: 'room', joinedAt: 1 },
			p2: { name: 'Anna', presence: 'remote', joinedAt: 2, newcomer: true },
			p3: { name: 'Cees', presence: 'sofa', joinedAt: 3 }
		});
		view.here = ['p1'];
		expect(view.participants.map((p) => [p.name, p.online])).toEqual([
			['Anna', false],
			['bram', true]
		]);
		expect(view.participants[0]).toMatchObject({ id: 'p2', presence: 'remote', newcomer: true });
		expect(view.nameOf('p1')).toBe('bram');
		expect(view.nameOf('p3')).toBeNull();
		expect(view.nameOf(null)).toBeNull();
	});

	it('shows the revealed vote with one arithmetic: totals, leaders, a tie', () => {
		const { view, write } = setup();
		write('stories', {
			a: { text: 'Fiets gestolen', by: null, at: 2 },
			b: { text: 'Verhuisd', by: 'p1', at: 1 },
			bad: { text: 42, by: null, at: 3 }
		});
		expect(view.stories.map((s) => s.id)).toEqual(['b', 'a']);
		write('vote', { status: 'open', round: 1, candidates: ['a', 'b'], voted: 2 });
		expect(view.vote).toMatchObject({ status: 'open', voted: 2 });
		expect(view.result).toBeNull();
		write('vote', { status: 'revealed', totals: { a: 2, b: 2 } });
		expect(view.result).toMatchObject({ top: 2, leaders: ['a', 'b'], tie: true });
		write('vote', { totals: { a: 1, b: 3 } });
		expect(view.result).toMatchObject({ top: 3, leaders: ['b'], tie: false });
	});

	it('gives the chosen story only once its owner said yes', () => {
		const { view, write } = setup();
		write('stories', { a: { text: 'Fiets gestolen', by: 'p1', at: 1 } });
		write('choice', { storyId: 'a', consent: 'asked', declined: [] });
		expect(view.story(view.choice.storyId)?.text).toBe('Fiets gestolen');
		expect(view.chosenStory).toBeNull();
		write('choice', { consent: 'yes' });
		expect(view.chosenStory?.id).toBe('a');
	});

	it('puts hands in the order the server handed out, and knows our place', () => {
		const { view, write } = setup('p2');
		write('hands', {
			p1: { order: 3, raisedAt: 1 },
			p2: { order: 2, raisedAt: 9 },
			p3: { order: 5, raisedAt: 0 }
		});
		write('floor', { speaker: 'p3', nextOrder: 6 });
		expect(view.hands.map((h) => h.id)).toEqual(['p2', 'p1', 'p3']);
		expect(view.myPlace).toBe(1);
		expect(view.speaker).toBe('p3');
	});

	it('reads notes, recognisers, timers and the door', () => {
		const { view, write } = setup();
		write('takeaways', { p1: { text: 'Rust', at: 2 }, p2: { text: '', at: 1 } });
		write('recognize', { p1: true, p2: false });
		write('timers', { opening: { durationMs: 60_000, endsAt: null, remainingMs: 30_000 } });
		write('waiting', { p9: { name: 'Dirk', presence: 'room', at: 5 } });
		expect(view.takeaways).toEqual([{ by: 'p1', text: 'Rust', at: 2 }]);
		expect(view.recognizers).toEqual(['p1']);
		expect(view.timer('opening')).toEqual({
			durationMs: 60_000,
			endsAt: null,
			remainingMs: 30_000
		});
		expect(view.timer('closing')).toBeNull();
		expect(view.waiting.map((w) => w.name)).toEqual(['Dirk']);
	});
});

describe('two people with the same name', () => {
	it('shows the one who joined later as "Anna (2)", in the list and by id', () => {
		const { view, write } = setup();
		write('participants', {
			late: { name: 'Anna', presence: 'room', joinedAt: 2 },
			early: { name: 'Anna', presence: 'remote', joinedAt: 1 },
			bram: { name: 'Bram', presence: 'room', joinedAt: 3 }
		});
		expect(view.nameOf('early')).toBe('Anna');
		expect(view.nameOf('late')).toBe('Anna (2)');
		expect(view.participants.map((p) => [p.id, p.name])).toEqual([
			['early', 'Anna'],
			['late', 'Anna (2)'],
			['bram', 'Bram']
		]);
	});
});
