/**
 * Practice rounds (#16): simulated neighbours run in the server process and act through the same
 * door as people. Real SQLite, real relay, real API; time is a manual clock (no real waiting).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateRoundResponse, PracticeInfo, Step } from '../../src/lib/protocol.ts';
import {
	DOC_MAP,
	readChoice,
	readMeta,
	readParticipants,
	readPracticeRecap,
	readStories,
	readVote,
	voteResult
} from '../../src/lib/round/doc.ts';
import { ManualScheduler } from '../helpers/manualScheduler.ts';
import { MemoryYClient, tick } from '../helpers/memoryYClient.ts';
import { driveUntil, TEST_CONTENT } from '../helpers/practice.ts';
import { startInProcess, tempDir, type Running } from '../helpers/server.ts';

let dir: ReturnType<typeof tempDir>;
let server: Running;
let scheduler: ManualScheduler;

async function start(seed = 7, env: Record<string, string> = {}) {
	scheduler = new ManualScheduler();
	server = await startInProcess(dir.path, env, {
		httpLimits: { roundsBurst: 100 },
		practice: { scheduler, seed: () => seed, content: () => TEST_CONTENT }
	});
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
	const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function createPractice(practice: Record<string, unknown>, headers = {}) {
	const res = await post('/api/rounds', { title: 'Oefenen', practice }, headers);
	expect(res.status).toBe(201);
	return res.body as unknown as CreateRoundResponse;
}

function facilitator(created: CreateRoundResponse) {
	const identity = server.kleed.rounds.verifyToken(created.code, created.facilitatorKey)!;
	return new MemoryYClient(server.kleed.relay, created.code, identity);
}

const map = (client: MemoryYClient, name: keyof typeof DOC_MAP) =>
	client.doc.getMap<unknown>(DOC_MAP[name]);

beforeEach(() => {
	dir = tempDir();
});

afterEach(async () => {
	MemoryYClient.destroyAll();
	await server?.stop();
	dir.remove();
});

describe('practice rounds', () => {
	it('creates a practice round: meta, recap and the neighbours walk in', async () => {
		await start();
		const created = await createPractice({ neighbours: 6, language: 'nl', speed: 'fast' });
		const began = scheduler.now();
		const info = await fetch(`http://127.0.0.1:${server.port}/api/rounds/${created.code}`);
		expect(await info.json()).toMatchObject({ practice: true });
		const f = facilitator(created);
		await f.sync();
		const meta = readMeta(map(f, 'meta'));
		expect(meta.practice).toMatchObject({ language: 'nl', speed: 'fast', neighbours: 6 });
		// One of the six has no device: the trainee's guide says who, and what they say.
		const guest = meta.practice!.withoutDevice!;
		expect(TEST_CONTENT.names).toContain(guest.name);
		expect(TEST_CONTENT.stories).toContain(guest.story);
		expect(TEST_CONTENT.takeaways).toContain(guest.takeaway);
		expect(readPracticeRecap(map(f, 'practice'))?.stepStartedAt.opening).toBe(meta.createdAt);
		await driveUntil(
			scheduler,
			() => readParticipants(map(f, 'participants')).length === 5,
			'five neighbours'
		);
		// At 'fast' they walk in within seconds (PACE.join × 0.2, then taking their place).
		expect(scheduler.now() - began).toBeLessThan(5_000);
		// …and the sixth never walks in by themselves.
		scheduler.advance(60_000);
		await tick();
		expect(readParticipants(map(f, 'participants')).map((p) => p.name)).not.toContain(guest.name);
		const people = readParticipants(map(f, 'participants'));
		expect(people.some((p) => p.presence === 'remote')).toBe(true);
		expect(people.some((p) => p.presence === 'room')).toBe(true);
		expect(people.some((p) => p.name === 'Maria-Magdalena van den Berg')).toBe(true);
		// Online, as people are: their awareness is set by the server from their identity.
		await driveUntil(scheduler, () => f.awareness.getStates().size >= 5, 'neighbours online');
	});
});

/** A person joined over HTTP, connected like a browser (in memory). */
async function person(created: CreateRoundResponse, name: string) {
	const joined = await post(`/api/rounds/${created.code}/participants`, { name, presence: 'room' });
	expect(joined.status).toBe(201);
	const identity = server.kleed.rounds.verifyToken(created.code, joined.body.token as string)!;
	const client = new MemoryYClient(server.kleed.relay, created.code, identity);
	await client.sync();
	expect((await client.intent({ type: 'join', presence: 'room' })).ok).toBe(true);
	return client;
}

describe('simulated neighbours act through the same door', () => {
	it('refuses a neighbour’s illegal action exactly like a person’s', async () => {
		await start();
		const created = await createPractice({ neighbours: 4, language: 'nl', speed: 'fast' });
		const f = facilitator(created);
		await f.sync();
		// Four neighbours: three with a device of their own walk in (cast.ts: one has none).
		await driveUntil(
			scheduler,
			() => readParticipants(map(f, 'participants')).length === 3,
			'neighbours'
		);
		const human = await person(created, 'Echte Mens');
		const sim = server.kleed.practice.round(created.code)!.neighbours[0]!;
		await driveUntil(scheduler, () => sim.connected, 'a connected neighbour');
		const neighbour = sim.client!;
		const both = async (intent: Record<string, unknown>) => {
			const a = await neighbour.intent(intent);
			const b = await human.intent(intent);
			expect(a.ok).toBe(false);
			expect(a).toEqual({ ...b, id: a.id });
			return a;
		};
		// A story in the Opening.
		expect(
			await both({ type: 'story.post', id: 'story-in-opening', text: 'Te vroeg' })
		).toMatchObject({
			error: 'conflict'
		});
		// A heart before the vote is open.
		expect(await both({ type: 'vote.cast', storyId: 'nothing-yet' })).toMatchObject({
			error: 'conflict'
		});
		// A facilitator's intent.
		expect(await both({ type: 'step.set', from: 'opening', to: 'choice' })).toMatchObject({
			error: 'forbidden'
		});
		// A second story in Verhaalkeuze.
		expect((await f.intent({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await driveUntil(
			scheduler,
			() => neighbour.doc.getMap(DOC_MAP.meta).get('step') === 'choice',
			'choice'
		);
		expect(
			(await neighbour.intent({ type: 'story.post', id: 'sim-story-1', text: 'Een' })).ok
		).toBe(true);
		expect((await human.intent({ type: 'story.post', id: 'human-story-1', text: 'Een' })).ok).toBe(
			true
		);
		const second = await both({ type: 'story.post', id: 'second-story', text: 'Twee' });
		expect(second).toMatchObject({
			error: 'conflict',
			message: 'you already have a story on the kleed'
		});
	});
});

describe('a whole practice round', () => {
	it('six neighbours at fast: Opening to the end, with a tie and a "no" handled', async () => {
		await start(11);
		const created = await createPractice({
			neighbours: 6,
			language: 'nl',
			speed: 'fast',
			situations: ['tie', 'no']
		});
		const began = scheduler.now();
		const f = facilitator(created);
		await f.sync();
		const step = async (from: Step, to: Step) => {
			expect((await f.intent({ type: 'step.set', from, to })).ok).toBe(true);
		};
		const people = () => readParticipants(map(f, 'participants'));
		await driveUntil(scheduler, () => people().length === 5, 'five on the kleed');
		// The sixth has no device: the trainee adds them and lays their object, as the guide says.
		const guest = readMeta(map(f, 'meta')).practice!.withoutDevice!;
		const added = await f.intent({
			type: 'person.add',
			id: 'guest-1',
			name: guest.name,
			presence: 'room'
		});
		expect(added.ok).toBe(true);
		expect(
			(await f.intent({ type: 'kleed.place', id: 'guest-obj', icon: guest.object, by: 'guest-1' }))
				.ok
		).toBe(true);
		// Opening: everyone lays something on the kleed (repeats welcome).
		await driveUntil(scheduler, () => map(f, 'kleed').size >= 6, 'objects on the kleed');
		expect(map(f, 'stories').size).toBe(0);
		await step('opening', 'choice');
		// Verhaalkeuze: some tell a story, not all; no heart before the vote opens.
		await driveUntil(scheduler, () => readStories(map(f, 'stories')).length >= 3, 'stories');
		scheduler.advance(10_000);
		await tick();
		const stories = readStories(map(f, 'stories'));
		expect(stories.length).toBeLessThan(5);
		expect(readVote(map(f, 'vote')).voted).toBe(0);
		// The trainee writes down the story of the neighbour without a device.
		expect(
			(await f.intent({ type: 'story.post', id: 'guest-story', text: guest.story, by: 'guest-1' }))
				.ok
		).toBe(true);
		expect((await f.intent({ type: 'vote.open', round: 1 })).ok).toBe(true);
		// Six hearts: five from the neighbours' own devices, one through the shared tablet.
		await driveUntil(scheduler, () => readVote(map(f, 'vote')).voted === 6, 'six hearts');
		expect((await f.intent({ type: 'vote.reveal' })).ok).toBe(true);
		const first = voteResult(readVote(map(f, 'vote')))!;
		expect(first.tie).toBe(true);
		// The tie: a second vote among the tied stories.
		expect((await f.intent({ type: 'vote.open', round: 2, candidates: first.leaders })).ok).toBe(
			true
		);
		await driveUntil(scheduler, () => readVote(map(f, 'vote')).voted === 6, 'hearts again');
		expect((await f.intent({ type: 'vote.reveal' })).ok).toBe(true);
		const second = voteResult(readVote(map(f, 'vote')))!;
		expect(second.tie).toBe(false);
		// The chosen person says no; the next story is proposed (or the facilitator picks one)…
		await driveUntil(scheduler, () => readChoice(map(f, 'choice')).declined.length === 1, '"no"');
		if (readChoice(map(f, 'choice')).consent !== 'asked') {
			const other = stories.find((s) => !readChoice(map(f, 'choice')).declined.includes(s.id))!;
			expect((await f.intent({ type: 'choice.pick', storyId: other.id })).ok).toBe(true);
		}
		// …and its owner says yes.
		await driveUntil(scheduler, () => readChoice(map(f, 'choice')).consent === 'yes', '"yes"');
		expect(readChoice(map(f, 'choice')).answeredBy).toBe('owner');
		await step('choice', 'deepening');
		// Verdieping: hands go up now and then; the facilitator gives the word.
		await driveUntil(scheduler, () => map(f, 'hands').size > 0, 'a raised hand');
		expect((await f.intent({ type: 'hand.give' })).ok).toBe(true);
		// "Alle handen omlaag": no hand from anyone for a while.
		expect((await f.intent({ type: 'hands.clear' })).ok).toBe(true);
		for (let i = 0; i < 20; i++) {
			scheduler.advance(250);
			await tick();
			expect(map(f, 'hands').size).toBe(0);
		}
		await step('deepening', 'broadening');
		await driveUntil(scheduler, () => map(f, 'recognize').size > 0, '"Ik herken dit"');
		await step('broadening', 'closing');
		expect((await f.intent({ type: 'takeaway.set', text: guest.takeaway, by: 'guest-1' })).ok).toBe(
			true
		);
		await driveUntil(scheduler, () => map(f, 'takeaways').size === 6, 'takeaways');
		await driveUntil(scheduler, () => map(f, 'kindWords').size > 0, 'kind words');
		const round = server.kleed.practice.round(created.code)!;
		expect((await f.intent({ type: 'round.end' })).ok).toBe(true);
		// At 'fast' the neighbours kept a trainee waiting for less than two minutes in all.
		expect(scheduler.now() - began).toBeLessThan(120_000);
		// The recap: counts and times only.
		const recap = readPracticeRecap(map(f, 'practice'))!;
		expect(Object.keys(recap.stepStartedAt).sort()).toEqual(
			['broadening', 'choice', 'closing', 'deepening', 'opening'].sort()
		);
		expect(recap).toMatchObject({ votesOpened: 2, ties: 1, consent: { yes: 1, no: 1 } });
		expect(recap.handsGiven).toBe(1);
		expect(recap.endedAt).toBe(readMeta(map(f, 'meta')).endedAt);
		// The end stops them: no timer, no socket left.
		await driveUntil(scheduler, () => round.stopped, 'neighbours stopped');
		expect(round.timers.pending).toBe(0);
		expect(round.neighbours.every((n) => !n.connected)).toBe(true);
		expect(server.kleed.practice.running).toEqual([]);
		await tick();
		expect(
			[...server.kleed.relay.round(created.code)!.connections].map((c) => c.identity.role)
		).toEqual(['facilitator']);
	});
});

describe('never counted, never kept', () => {
	it('leaves no stats row for an erased practice round; a normal round still counts', async () => {
		await start();
		const practice = await createPractice({ neighbours: 4, language: 'en', speed: 'fast' });
		const f = facilitator(practice);
		await f.sync();
		await driveUntil(scheduler, () => readParticipants(map(f, 'participants')).length === 3, 'in');
		const before = server.kleed.rounds.stats().length;
		const round = server.kleed.practice.round(practice.code)!;
		expect((await f.intent({ type: 'round.erase' })).ok).toBe(true);
		await driveUntil(scheduler, () => server.kleed.rounds.get(practice.code) === null, 'erased');
		expect(server.kleed.rounds.stats().length).toBe(before);
		// Erasing stopped the neighbours: no timer, no socket.
		expect(round.stopped).toBe(true);
		expect(round.timers.pending).toBe(0);
		expect(round.neighbours.every((n) => !n.connected)).toBe(true);
		expect(server.kleed.practice.running).toEqual([]);

		const real = await post('/api/rounds', { title: 'Echt' });
		const code = real.body.code as string;
		await person(real.body as unknown as CreateRoundResponse, 'Iemand');
		const r = facilitator(real.body as unknown as CreateRoundResponse);
		await r.sync();
		expect((await r.intent({ type: 'round.erase' })).ok).toBe(true);
		await driveUntil(scheduler, () => server.kleed.rounds.get(code) === null, 'erased');
		expect(server.kleed.rounds.stats()).toHaveLength(before + 1);
		expect(server.kleed.rounds.stats().at(-1)).toMatchObject({ inRoom: 1 });
	});

	it('the TTL sweep erases a practice round too, without counting it', async () => {
		await start(3);
		const practice = await createPractice({ neighbours: 4, language: 'nl' });
		await driveUntil(
			scheduler,
			() => server.kleed.relay.round(practice.code) !== undefined,
			'live'
		);
		// Long unused (as if 13 hours had passed), and nobody is there.
		server.kleed.practice.stop(practice.code, 'facilitator gone');
		server.kleed.db
			.prepare('UPDATE rounds SET last_activity = 0 WHERE code = ?')
			.run(practice.code);
		await server.kleed.sweep();
		expect(server.kleed.rounds.get(practice.code)).toBeNull();
		expect(server.kleed.rounds.stats()).toHaveLength(0);
	});
});

describe('lifecycle', () => {
	it('stops when no facilitator has been there for a while, and resumes when one is back', async () => {
		await start();
		const created = await createPractice({ neighbours: 5, language: 'nl', speed: 'fast' });
		const runner = server.kleed.practice;
		const first = runner.round(created.code)!;
		let f = facilitator(created);
		await f.sync();
		await driveUntil(scheduler, () => readParticipants(map(f, 'participants')).length === 4, 'in');
		const ids = readParticipants(map(f, 'participants')).map((p) => p.id);
		f.socket.disconnect();
		await driveUntil(scheduler, () => first.stopped, 'stopped', {
			stepMs: 5_000,
			maxMs: runner.limits.facilitatorGoneMs + 60_000
		});
		expect(first.timers.pending).toBe(0);
		expect(first.neighbours.every((n) => !n.connected)).toBe(true);
		expect(runner.running).toEqual([]);
		// Only the runner's own watch is left on the clock.
		expect(scheduler.pending).toBe(1);
		// The facilitator comes back: the same neighbours reconnect (nobody new joins).
		f = facilitator(created);
		await f.sync();
		await driveUntil(
			scheduler,
			() => runner.round(created.code)?.neighbours.every((n) => n.connected) ?? false,
			'resumed'
		);
		expect(readParticipants(map(f, 'participants')).map((p) => p.id)).toEqual(ids);
		expect((await f.intent({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'stories').size >= 3, 'stories after resuming');
	});

	it('after a server restart, the neighbours resume when the round is opened again', async () => {
		await start(5);
		const created = await createPractice({ neighbours: 4, language: 'nl', speed: 'fast' });
		let f = facilitator(created);
		await f.sync();
		await driveUntil(scheduler, () => readParticipants(map(f, 'participants')).length === 3, 'in');
		expect((await f.intent({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		const ids = readParticipants(map(f, 'participants')).map((p) => p.id);
		MemoryYClient.destroyAll();
		await server.stop();
		// Stopping the server stopped every neighbour and the watch: nothing is left on the clock.
		expect(scheduler.pending).toBe(0);
		await start(5);
		expect(server.kleed.practice.running).toEqual([]);
		f = facilitator(created);
		await f.sync();
		await driveUntil(
			scheduler,
			() => server.kleed.practice.running.includes(created.code),
			'resumed'
		);
		await driveUntil(scheduler, () => map(f, 'stories').size >= 2, 'stories after the restart');
		expect(readParticipants(map(f, 'participants')).map((p) => p.id)).toEqual(ids);
	});

	it('an ended practice round never starts its neighbours again, not after a restart either', async () => {
		await start(6);
		const created = await createPractice({ neighbours: 4, language: 'nl', speed: 'fast' });
		let f = facilitator(created);
		await f.sync();
		await driveUntil(scheduler, () => map(f, 'participants').size === 3, 'in');
		expect((await f.intent({ type: 'round.end' })).ok).toBe(true);
		await driveUntil(scheduler, () => server.kleed.practice.running.length === 0, 'stopped');
		MemoryYClient.destroyAll();
		await server.stop();
		await start(6);
		f = facilitator(created);
		await f.sync();
		scheduler.advance(server.kleed.practice.limits.watchMs * 3);
		await tick();
		expect(server.kleed.practice.running).toEqual([]);
		expect([...server.kleed.relay.round(created.code)!.connections]).toHaveLength(1);
	});

	it('a locked round puts a neighbour at the door like anyone', async () => {
		await start();
		const created = await createPractice({ neighbours: 4, language: 'nl', speed: 'fast' });
		const f = facilitator(created);
		await f.sync();
		expect((await f.intent({ type: 'round.lock', locked: true })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'waiting').size === 3, 'three at the door');
		expect(map(f, 'participants').size).toBe(0);
		const [who] = [...map(f, 'waiting').keys()];
		expect((await f.intent({ type: 'door.admit', who: who! })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'participants').has(who!), 'let in');
		expect(map(f, 'participants').size).toBe(1);
	});
});

describe('bounds', () => {
	it('refuses too many practice rounds clearly; an honest normal round still works', async () => {
		scheduler = new ManualScheduler();
		server = await startInProcess(
			dir.path,
			{ TRUST_PROXY: '127.0.0.1' },
			{
				httpLimits: { roundsBurst: 100 },
				practice: {
					scheduler,
					seed: () => 1,
					content: () => TEST_CONTENT,
					limits: { maxRunning: 3, maxPerAddress: 2 }
				}
			}
		);
		const from = (address: string) => ({ 'x-forwarded-for': address });
		const body = { neighbours: 4, language: 'nl' };
		expect((await post('/api/rounds', { practice: body }, from('10.0.0.1'))).status).toBe(201);
		expect((await post('/api/rounds', { practice: body }, from('10.0.0.1'))).status).toBe(201);
		const perAddress = await post('/api/rounds', { practice: body }, from('10.0.0.1'));
		expect(perAddress.status).toBe(429);
		expect(perAddress.body.error).toBe('too_many_requests');
		expect((await post('/api/rounds', { practice: body }, from('10.0.0.2'))).status).toBe(201);
		const busy = await post('/api/rounds', { practice: body }, from('10.0.0.3'));
		expect(busy.status).toBe(503);
		expect(busy.body).toMatchObject({ error: 'practice_busy' });
		expect(server.kleed.practice.running).toHaveLength(3);
		// A real round from the same addresses is not touched by any of it.
		const real = await post('/api/rounds', { title: 'Echt' }, from('10.0.0.1'));
		expect(real.status).toBe(201);
		const joined = await post(`/api/rounds/${real.body.code as string}/participants`, {
			name: 'Iemand',
			presence: 'room'
		});
		expect(joined.status).toBe(201);
	});

	it('validates the practice body like the rest', async () => {
		await start();
		for (const practice of [
			{ neighbours: 3, language: 'nl' },
			{ neighbours: 13, language: 'nl' },
			{ neighbours: 6, language: 'de' },
			{ neighbours: 6, language: 'nl', speed: 'slow' },
			{ neighbours: 6, language: 'nl', situations: ['fire'] },
			{ neighbours: 6, language: 'nl', situations: ['tie', 'tie'] },
			{ neighbours: 6, language: 'nl', extra: true }
		]) {
			const res = await post('/api/rounds', { practice });
			expect(res.status, JSON.stringify(practice)).toBe(400);
			expect(res.body.error).toBe('invalid');
		}
		expect(server.kleed.practice.running).toEqual([]);
	});
});

describe('practice.speed', () => {
	it('is refused in a normal round and changes the meta of a practice round', async () => {
		await start();
		const real = (await post('/api/rounds', {})).body as unknown as CreateRoundResponse;
		const r = facilitator(real);
		await r.sync();
		expect(await r.intent({ type: 'practice.speed', speed: 'fast' })).toMatchObject({
			ok: false,
			error: 'conflict',
			message: 'this is not a practice round'
		});
		expect(readMeta(map(r, 'meta')).practice).toBeNull();
		// A real round keeps no recap: the handlers write it only in practice rounds.
		expect((await r.intent({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		expect((await r.intent({ type: 'round.end' })).ok).toBe(true);
		expect(map(r, 'practice').size).toBe(0);
		expect(readPracticeRecap(map(r, 'practice'))).toBeNull();

		const practice = await createPractice({ neighbours: 4, language: 'tr' });
		const f = facilitator(practice);
		await f.sync();
		expect(readMeta(map(f, 'meta')).practice?.speed).toBe('normal');
		expect((await f.intent({ type: 'practice.speed', speed: 'calm' })).ok).toBe(true);
		expect(readMeta(map(f, 'meta')).practice).toMatchObject({
			language: 'tr',
			speed: 'calm',
			neighbours: 4
		});
		// Only a facilitator steers it.
		await driveUntil(scheduler, () => map(f, 'participants').size > 0, 'a neighbour');
		const sim = server.kleed.practice.round(practice.code)!.neighbours.find((n) => n.connected)!;
		expect(await sim.client!.intent({ type: 'practice.speed', speed: 'fast' })).toMatchObject({
			ok: false,
			error: 'forbidden'
		});
	});
});

describe('situations and people', () => {
	it("'leave': someone's connection goes away, and they come back as who they were", async () => {
		await start(21);
		const created = await createPractice({
			neighbours: 6,
			language: 'nl',
			speed: 'fast',
			situations: ['leave']
		});
		const f = facilitator(created);
		await f.sync();
		await driveUntil(scheduler, () => map(f, 'participants').size === 5, 'five');
		const round = server.kleed.practice.round(created.code)!;
		const leaver = round.neighbours.find((n) => n.profile.leavesIn !== null)!;
		const order: Step[] = ['opening', 'choice', 'deepening', 'broadening'];
		for (let i = 0; order[i] !== leaver.profile.leavesIn; i++) {
			expect((await f.intent({ type: 'step.set', from: order[i]!, to: order[i + 1]! })).ok).toBe(
				true
			);
		}
		const online = () =>
			[...f.awareness.getStates().values()].some(
				(s) =>
					(s.user as { participantId?: string } | undefined)?.participantId === leaver.participantId
			);
		// Watched at every step of the clock: gone (offline for the others too), then back.
		let gone = false;
		let offline = false;
		await driveUntil(
			scheduler,
			() => {
				if (leaver.left && !leaver.connected) gone = true;
				if (gone && !online()) offline = true;
				return offline && leaver.connected && online();
			},
			'gone and back'
		);
		expect(map(f, 'participants').size).toBe(5);
	});

	it('the shared tablet gives a heart for someone without a device', async () => {
		await start(8);
		const created = await createPractice({ neighbours: 4, language: 'nl', speed: 'fast' });
		const f = facilitator(created);
		await f.sync();
		expect(
			await f.intent({ type: 'person.add', id: 'no-device-1', name: 'Oma Fatma', presence: 'room' })
		).toMatchObject({ ok: true });
		await driveUntil(scheduler, () => map(f, 'participants').size === 4, 'four');
		expect((await f.intent({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'stories').size >= 2, 'stories');
		expect((await f.intent({ type: 'vote.open', round: 1 })).ok).toBe(true);
		await driveUntil(scheduler, () => readVote(map(f, 'vote')).voted === 4, 'four hearts');
		const row = server.kleed.db
			.prepare('SELECT story_id FROM ballots WHERE round_code = ? AND voter = ?')
			.get(created.code, 'no-device-1');
		expect(row).toBeDefined();
	});

	it('nobody raises a hand for a while after "Alle handen omlaag"; a facilitator may lower one', async () => {
		await start(13);
		const created = await createPractice({ neighbours: 8, language: 'nl', speed: 'fast' });
		const f = facilitator(created);
		await f.sync();
		await driveUntil(scheduler, () => map(f, 'participants').size === 7, 'seven');
		// Two the same name from eight on (both with a device).
		const names = readParticipants(map(f, 'participants')).map((p) => p.name);
		expect(new Set(names).size).toBe(6);
		expect((await f.intent({ type: 'step.set', from: 'opening', to: 'deepening' })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'hands').size > 0, 'a hand');
		const [first] = [...map(f, 'hands').keys()];
		expect((await f.intent({ type: 'hand.lower', who: first! })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'hands').size > 0, 'another hand');
		expect((await f.intent({ type: 'hands.clear' })).ok).toBe(true);
		// The quiet lasts at least PACE.quiet[0] × the 'fast' factor (6 s).
		for (let t = 0; t < 6_000; t += 250) {
			scheduler.advance(250);
			await tick();
			expect(map(f, 'hands').size).toBe(0);
		}
	});

	it("'tie' still happens when the facilitator revealed before every heart was in", async () => {
		await start(17);
		const created = await createPractice({
			neighbours: 5,
			language: 'nl',
			speed: 'fast',
			situations: ['tie']
		});
		const f = facilitator(created);
		await f.sync();
		await driveUntil(scheduler, () => map(f, 'participants').size === 4, 'four');
		expect((await f.intent({ type: 'step.set', from: 'opening', to: 'choice' })).ok).toBe(true);
		await driveUntil(scheduler, () => map(f, 'stories').size >= 3, 'stories');
		expect((await f.intent({ type: 'vote.open', round: 1 })).ok).toBe(true);
		await driveUntil(scheduler, () => readVote(map(f, 'vote')).voted === 1, 'one heart');
		expect((await f.intent({ type: 'vote.reveal' })).ok).toBe(true);
		expect(voteResult(readVote(map(f, 'vote')))!.tie).toBe(false);
		expect((await f.intent({ type: 'vote.open', round: 2 })).ok).toBe(true);
		await driveUntil(scheduler, () => readVote(map(f, 'vote')).voted === 4, 'four hearts');
		expect((await f.intent({ type: 'vote.reveal' })).ok).toBe(true);
		expect(voteResult(readVote(map(f, 'vote')))!.tie).toBe(true);
	});

	it('without situations, each happens at random, the same for the same seed', async () => {
		await start(99);
		const a = await createPractice({ neighbours: 4, language: 'nl' });
		const b = await createPractice({ neighbours: 4, language: 'nl' });
		const state = (code: string) =>
			server.kleed.rounds.practiceState(code) as { situations: string[]; seed: number };
		expect(state(a.code).seed).toBe(99);
		expect(state(a.code).situations).toEqual(state(b.code).situations);
		server.kleed.practice.stop(a.code, 'ended'); // two per address at once
		const listed = await createPractice({ neighbours: 4, language: 'nl', situations: [] });
		expect(state(listed.code).situations).toEqual([]);
	});
});

describe('the demo view’s neighbours (GET /api/rounds/{code}/practice)', () => {
	const get = async (path: string, token?: string) => {
		const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
			headers: token ? { authorization: `Bearer ${token}` } : {}
		});
		return { status: res.status, body: (await res.json()) as Record<string, unknown> };
	};

	it('gives the facilitator a working token per neighbour, the same each time; nobody else; 409 in a real round', async () => {
		await start();
		const created = await createPractice({ neighbours: 4, language: 'nl', speed: 'fast' });
		const f = facilitator(created);
		await f.sync();
		// Four neighbours: three with a device of their own walk in (cast.ts: one has none).
		await driveUntil(
			scheduler,
			() => readParticipants(map(f, 'participants')).length === 3,
			'neighbours'
		);
		const path = `/api/rounds/${created.code}/practice`;
		const first = await get(path, created.facilitatorKey);
		expect(first.status).toBe(200);
		const info = first.body as unknown as PracticeInfo;
		expect(info.total).toBe(3);
		expect(info.neighbours).toHaveLength(3);
		// Each token is that neighbour: the participant page opens their tablet with it.
		for (const n of info.neighbours) {
			const session = await get(`/api/rounds/${created.code}/session`, n.token);
			expect(session.body).toMatchObject({
				role: 'participant',
				participantId: n.id,
				name: n.name
			});
		}
		// Asked again (the demo view polls): the same tokens, so a tablet shown keeps working.
		expect(
			((await get(path, created.facilitatorKey)).body as unknown as PracticeInfo).neighbours
		).toEqual(info.neighbours);
		// The neighbours themselves go on acting (their connection never used a stored token).
		const sim = server.kleed.practice.round(created.code)!.neighbours[0]!;
		await driveUntil(scheduler, () => sim.connected, 'a connected neighbour');
		expect(
			(await sim.client!.intent({ type: 'kleed.place', id: 'demo-check', icon: 'tea' })).ok
		).toBe(true);
		// A participant's token, no token, a real round.
		expect((await get(path, info.neighbours[0]!.token)).status).toBe(403);
		expect((await get(path)).status).toBe(401);
		const real = await post('/api/rounds', { title: 'Echt' });
		const realRound = real.body as unknown as CreateRoundResponse;
		const refused = await get(`/api/rounds/${realRound.code}/practice`, realRound.facilitatorKey);
		expect(refused.status).toBe(409);
		expect(refused.body.error).toBe('not_practice');
	});
});
