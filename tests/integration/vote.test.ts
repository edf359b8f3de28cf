/**
 * Secret votes through the real server: nobody can learn a vote before the reveal, neither from
 * the doc nor from awareness; ballots survive a SIGKILL; the roles of the extra links.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP, type VoteFields } from '../../src/lib/round/doc.ts';
import { childServerSuite } from '../helpers/childSuite.ts';
import { createRound, joinRound, until, upgradeStatus } from '../helpers/server.ts';

const suite = childServerSuite();
const device = suite.device;

const vote = (doc: Y.Doc) => doc.getMap(DOC_MAP.vote).toJSON() as VoteFields;

it('keeps every vote secret until the reveal, and keeps ballots through a SIGKILL', async () => {
	const port = suite.port;
	const round = await createRound(port);
	const people = await Promise.all(
		['Anna', 'Bram', 'Cem'].map((name) => joinRound(port, round.code, name))
	);
	const f = await device(round.code, round.facilitatorKey);
	const [anna, bram, cem] = await Promise.all(people.map((p) => device(round.code, p.token)));
	const everyone = [f, anna!, bram!, cem!];
	for (const d of everyone) d.provider.awareness.setLocalState({ ui: { page: 'vote' } });
	for (const d of [anna!, bram!, cem!]) {
		expect((await d.send({ type: 'join', presence: 'room' })).ok).toBe(true);
	}

	expect((await f.send({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
	await anna!.send.fence();
	expect(anna!.doc.getMap(DOC_MAP.meta).get('step')).toBe('choice');
	expect(await anna!.send({ type: 'story.post', id: 'story-anna', text: 'Mijn buurman' })).toEqual({
		id: 3,
		ok: true
	});
	expect((await bram!.send({ type: 'story.post', id: 'story-bram', text: 'Geld' })).ok).toBe(true);
	expect((await f.send({ type: 'vote.open', round: 1 })).ok).toBe(true);
	expect((await anna!.send({ type: 'vote.cast', storyId: 'story-bram' })).ok).toBe(true);
	expect((await bram!.send({ type: 'vote.cast', storyId: 'story-bram' })).ok).toBe(true);
	expect((await cem!.send({ type: 'vote.cast', storyId: 'story-anna' })).ok).toBe(true);
	await until(() => everyone.every((d) => vote(d.doc).voted === 3), 5000, 'count');

	// What a participant can see: the raw doc (every byte of it) and every awareness state.
	for (const d of [anna!, bram!, cem!]) {
		expect(vote(d.doc)).toEqual({
			status: 'open',
			round: 1,
			candidates: ['story-anna', 'story-bram'],
			voted: 3
		});
		// Every shared type of the replica: voters appear only as people and story owners.
		const json = d.doc.toJSON() as Record<string, unknown>;
		for (const [name, value] of Object.entries(json)) {
			if (name === DOC_MAP.participants || name === DOC_MAP.stories) continue;
			for (const p of people) expect(JSON.stringify(value) ?? '').not.toContain(p.participantId);
		}
		// Cem voted but owns no story: his id is in the doc exactly once, as a person.
		const raw = Buffer.from(Y.encodeStateAsUpdate(d.doc)).toString('latin1');
		expect(raw.split(people[2]!.participantId).length - 1).toBe(1);
		const awareness = JSON.stringify([...d.provider.awareness.getStates().values()]);
		expect(awareness).not.toMatch(/story-/);
	}
	// Another participant cannot ask for someone's vote.
	expect(await anna!.send({ type: 'vote.mine', as: people[2]!.participantId })).toMatchObject({
		ok: false,
		error: 'forbidden'
	});
	expect(await cem!.send({ type: 'vote.mine' })).toMatchObject({
		ok: true,
		data: { storyId: 'story-anna' }
	});

	// Crash in the middle of the vote.
	await suite.crashAndRestart();
	await until(() => f.provider.wsconnected, 10_000, 'facilitator back');
	await until(() => anna!.provider.wsconnected, 10_000, 'Anna back');
	expect((await f.send({ type: 'vote.reveal' })).ok).toBe(true);
	await until(() => vote(anna!.doc).status === 'revealed', 5000, 'reveal');
	expect(vote(anna!.doc).totals).toEqual({ 'story-anna': 1, 'story-bram': 2 });
	expect(anna!.doc.getMap(DOC_MAP.choice).toJSON()).toMatchObject({
		storyId: 'story-bram',
		consent: 'asked'
	});
});

it('opens the observer and shared-tablet links with their own read-only roles', async () => {
	const port = suite.port;
	const round = await createRound(port);
	const token = (link: string) => new URL(link).hash.replace('#token=', '');
	const observerToken = token(round.links.observer);
	const tabletToken = token(round.links.tablet);
	expect(new Set([observerToken, tabletToken, round.projectorToken]).size).toBe(3);
	for (const [t, role] of [
		[observerToken, 'observer'],
		[tabletToken, 'tablet']
	] as const) {
		const res = await fetch(`http://127.0.0.1:${port}/api/rounds/${round.code}/session`, {
			headers: { authorization: `Bearer ${t}` }
		});
		expect(await res.json()).toMatchObject({ role });
		expect(await upgradeStatus(`ws://127.0.0.1:${port}/sync/${round.code}?token=${t}`)).toBe(101);
	}
	const other = await createRound(port);
	expect(
		await upgradeStatus(`ws://127.0.0.1:${port}/sync/${other.code}?token=${observerToken}`)
	).toBe(403);
	// The observer is visible to everyone in awareness, as an observer.
	const f = await device(round.code, round.facilitatorKey);
	const o = await device(round.code, observerToken);
	o.provider.awareness.setLocalState({ ui: {} });
	await until(
		() =>
			[...f.provider.awareness.getStates().values()].some(
				(s) => (s as { user?: { role?: string } }).user?.role === 'observer'
			),
		5000,
		'observer seen'
	);
	// And cannot write: neither the doc nor through intents.
	o.doc.getMap(DOC_MAP.meta).set('step', 'closing');
	expect(await o.send({ type: 'vote.open', round: 1 })).toMatchObject({
		ok: false,
		error: 'forbidden'
	});
	// The observer's frames were handled in order (its answer came); what the server did before
	// the facilitator's next answer has reached the facilitator.
	expect(o.denied).toHaveLength(1);
	await f.send.fence();
	expect(f.doc.getMap(DOC_MAP.meta).get('step')).toBe('opening');
});
