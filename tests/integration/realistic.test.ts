/**
 * The realistic round (tests/helpers/realisticRound.ts) that the screen tests build on: made
 * through the real server's door, it holds what a real circle holds at each moment.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
	DOC_MAP,
	readChoice,
	readMeta,
	readParticipants,
	readVote,
	voteResult
} from '../../src/lib/round/doc.ts';
import { PEOPLE, STORIES, realisticRound } from '../helpers/realisticRound.ts';
import { startInProcess, tempDir } from '../helpers/server.ts';

const dir = tempDir();
let server: Awaited<ReturnType<typeof startInProcess>>;
let origin = '';

beforeAll(async () => {
	server = await startInProcess(dir.path);
	origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
	await server.stop();
	dir.remove();
});

it('holds 15 people, 20 objects, 6 happy events, 8 long stories and a tie, then ends', async () => {
	const r = await realisticRound(origin, { upTo: 'tie' });
	try {
		const map = (name: keyof typeof DOC_MAP) => r.doc.getMap(DOC_MAP[name]);
		const people = readParticipants(map('participants'));
		expect(people.map((p) => p.name).sort()).toEqual(PEOPLE.map((p) => p.name).sort());
		expect(people.filter((p) => p.presence === 'remote')).toHaveLength(4);
		expect(map('kleed').size).toBe(20);
		expect(map('happy').size).toBe(6);
		expect(map('stories').size).toBe(8);
		expect(Math.min(...STORIES.map((s) => s.length))).toBeGreaterThanOrEqual(100);

		const result = voteResult(readVote(map('vote')));
		expect(result).toMatchObject({ tie: true, top: 6 });
		expect(result!.leaders.sort()).toEqual([r.stories[0], r.stories[1]].sort());

		await r.to('ended');
		expect(readChoice(map('choice'))).toMatchObject({ storyId: r.stories[1], consent: 'yes' });
		await r.steer.fence();
		expect(readMeta(map('meta')).step).toBe('closing');
		expect(readMeta(map('meta')).endedAt).toEqual(expect.any(Number));
	} finally {
		r.close();
	}
});
