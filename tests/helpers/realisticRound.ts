import type * as Y from 'yjs';
import type { CreateRoundResponse, Presence, Step } from '../../src/lib/protocol.ts';
import type { Intent, IntentResult } from '../../src/lib/round/intents.ts';
import { intents, type IntentSender } from './intents.ts';
import { provider, synced } from './server.ts';

/**
 * A round as it is in a real circle, made through the same door as people use (the HTTP API and
 * intents on real sockets, every server check on): 15 people with long, Arabic, Turkish and
 * duplicate names, some at home; 20 objects on the kleed with repeats; 6 happy events; 8 stories
 * of about 120 characters; and a vote that ends in a tie. Tests that look at screens (#14) open
 * their browser pages on top of it; benches and the practice round can drive it too.
 *
 * Works against any running server: pass its origin (`http://127.0.0.1:PORT`).
 */

/** Names as they come in a neighbourhood: a long one, Arabic, Turkish, two Annas. */
export const PEOPLE: readonly { name: string; presence: Presence }[] = [
	{ name: 'Anna', presence: 'room' },
	{ name: 'Anna', presence: 'room' },
	{ name: 'Mohammed', presence: 'room' },
	{ name: 'فاطمة الزهراء', presence: 'room' },
	{ name: 'Wilhelmina van Oosterhout-Brinkman', presence: 'room' },
	{ name: 'Ayşe Yılmaz', presence: 'room' },
	{ name: 'Bram', presence: 'remote' },
	{ name: 'Gülşen', presence: 'room' },
	{ name: 'Jan-Willem', presence: 'room' },
	{ name: 'محمد', presence: 'remote' },
	{ name: 'Ria', presence: 'room' },
	{ name: 'Kees de Vries', presence: 'remote' },
	{ name: 'Samira', presence: 'room' },
	{ name: 'Henk', presence: 'room' },
	{ name: 'Maria Fernanda dos Santos', presence: 'remote' }
];

/** 20 objects (at most 3 per person), with repeats as people bring them. */
const OBJECTS = [
	'candle',
	'bread',
	'tea',
	'flower',
	'candle',
	'stone',
	'photo',
	'cookie',
	'tea',
	'book',
	'music',
	'flower',
	'candle',
	'fruit',
	'tea',
	'photo',
	'bread',
	'stone',
	'flower',
	'cookie'
] as const;

const HAPPY = [
	{ icon: 'cake', text: 'Mijn kleinzoon is vandaag drie jaar geworden' },
	{ icon: 'sun', text: 'Eindelijk weer lekker in de tuin gewerkt' },
	{ icon: 'baby', text: 'Mijn nicht heeft een dochter gekregen' },
	{ icon: 'home', text: '' },
	{ icon: 'music', text: 'Ik zing weer mee in het koor van de wijk' },
	{ icon: 'star', text: 'Mijn zoon is geslaagd voor zijn rijexamen' }
] as const;

/** Eight stories of about 120 characters (the most a story may have). */
export const STORIES = [
	'Mijn buurman maakt elke nacht lawaai en ik durf er niets van te zeggen omdat ik bang ben dat het dan nog erger wordt.',
	'Sinds de verhuizing slaap ik slecht en ik mis mijn oude straat, waar ik iedereen kende en de bakker mijn naam wist.',
	'Mijn moeder woont ver weg en wordt vergeetachtig. Ik weet niet hoe ik haar help en ook voor mijn eigen gezin zorg.',
	'Op mijn werk wordt er over mij geroddeld en ik voel me alleen. Moet ik er iets van zeggen tegen mijn leidinggevende?',
	'Mijn dochter praat niet meer met mij sinds de ruzie met Kerst. Ik heb haar een brief geschreven maar nog niet verstuurd.',
	'De rekeningen stapelen zich op en ik schaam me om hulp te vragen. Mijn kinderen weten het niet, en zo wil ik het houden.',
	'Ik ben sinds kort met pensioen en de dagen zijn lang. Ik mis het werk en de collega’s meer dan ik ooit had gedacht.',
	'Mijn beste vriendin is ziek en ik weet niet wat ik moet zeggen als ik bij haar op bezoek ga. Ik doe vast iets fout.'
];

/** The moments a screen test looks at, in the order a round passes them. */
export const MOMENTS = [
	'opening',
	'choice',
	'vote',
	'tie',
	'chosen',
	'deepening',
	'broadening',
	'closing',
	'ended'
] as const;
export type Moment = (typeof MOMENTS)[number];

export interface Person {
	name: string;
	presence: Presence;
	participantId: string;
	token: string;
	send: IntentSender;
}

export interface RealisticRound {
	round: CreateRoundResponse;
	people: Person[];
	/** Story ids in the order posted (story i by people[i]). */
	stories: string[];
	/** The facilitator's intents. */
	steer: IntentSender;
	/** The facilitator's replica of the round. */
	doc: Y.Doc;
	/** Where the round is now. */
	readonly moment: Moment;
	/** Moves the round on, through every moment before it, to `moment`. */
	to(moment: Moment): Promise<void>;
	/** Closes every socket (the round stays). */
	close(): void;
}

let ids = 0;
const newId = (kind: string) => `${kind}-${Date.now().toString(36)}-${(ids++).toString(36)}`;

async function ok(what: string, answer: Promise<IntentResult>): Promise<void> {
	const result = await answer;
	if (!result.ok) throw new Error(`${what}: ${result.error} ${result.message ?? ''}`);
}

/**
 * Where the round's requests say they come from, for a server behind a trusted proxy (the e2e
 * server): one address per round, like a community centre's wifi (set by realisticRound).
 * Ignored by a server without TRUST_PROXY.
 */
let roundAddress = '10.255.0.1';
const someAddress = () =>
	`10.255.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

async function post<T>(origin: string, path: string, body: unknown): Promise<T> {
	const res = await fetch(origin + path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': roundAddress },
		body: JSON.stringify(body)
	});
	if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

function connect(origin: string, code: string, token: string) {
	const port = Number(new URL(origin).port);
	const client = provider(port, code, token);
	return { client, send: intents(client.provider) };
}

/**
 * Makes the round and brings it to `upTo` (default: the Opening with everything laid down).
 * `people` takes the first N of PEOPLE (default all 15).
 */
export async function realisticRound(
	origin: string,
	{
		upTo = 'opening',
		people: count = PEOPLE.length,
		title = 'Luisterronde De Buurtkamer, donderdagmiddag'
	}: { upTo?: Moment; people?: number; title?: string } = {}
): Promise<RealisticRound> {
	roundAddress = someAddress();
	const round = await post<CreateRoundResponse>(origin, '/api/rounds', { title });
	const sockets: ReturnType<typeof connect>['client'][] = [];
	const facilitator = connect(origin, round.code, round.facilitatorKey);
	sockets.push(facilitator.client);
	await synced(facilitator.client.provider);
	const steer = facilitator.send;

	const people: Person[] = [];
	for (const { name, presence } of PEOPLE.slice(0, count)) {
		const joined = await post<{ participantId: string; token: string }>(
			origin,
			`/api/rounds/${round.code}/participants`,
			{ name, presence }
		);
		const { client, send } = connect(origin, round.code, joined.token);
		sockets.push(client);
		await synced(client.provider);
		await ok(`join ${name}`, send({ type: 'join', presence }));
		people.push({ name, presence, ...joined, send });
	}

	const stories: string[] = [];
	let moment: Moment | null = null;
	const step = async (from: Step, to: Step) =>
		ok(`step ${to}`, steer({ type: 'step.set', from, to }));
	const by = (i: number) => people[i % people.length]!;
	const cast = (voter: Person, storyId: string) =>
		ok(`heart of ${voter.name}`, voter.send({ type: 'vote.cast', storyId }));

	const enter: Record<Moment, () => Promise<void>> = {
		async opening() {
			await ok(
				'warm-up',
				steer({ type: 'text.set', field: 'warmup', text: 'Wat heb je vandaag meegenomen?' })
			);
			await Promise.all(
				OBJECTS.map((icon, i) =>
					ok(`object ${i}`, by(i).send({ type: 'kleed.place', id: newId('obj'), icon }))
				)
			);
			await Promise.all(
				HAPPY.map((happy, i) =>
					ok(`happy ${i}`, by(i * 2).send({ type: 'happy.add', id: newId('happy'), ...happy }))
				)
			);
		},
		async choice() {
			await step('opening', 'choice');
			for (const [i, text] of STORIES.slice(0, Math.min(8, people.length)).entries()) {
				const id = newId('story');
				await ok(`story ${i}`, by(i).send({ type: 'story.post', id, text }));
				stories.push(id);
			}
		},
		async vote() {
			await ok('vote open', steer({ type: 'vote.open', round: 1 }));
			// Everyone but the last two gives a heart, alternating between the first two stories:
			// a tie when the vote is shown.
			const voters = people.slice(0, Math.max(2, people.length - 2));
			const even = voters.length - (voters.length % 2);
			await Promise.all(voters.slice(0, even).map((p, i) => cast(p, stories[i % 2]!)));
		},
		async tie() {
			await ok('reveal', steer({ type: 'vote.reveal' }));
		},
		async chosen() {
			await ok('pick', steer({ type: 'choice.pick', storyId: stories[1]! }));
			await ok('consent', people[1]!.send({ type: 'consent.answer', answer: 'yes' }));
		},
		async deepening() {
			await step('choice', 'deepening');
			for (const i of [6, 9, 2]) {
				if (people[i]) await ok(`hand ${i}`, people[i].send({ type: 'hand.raise' }));
			}
			await ok('give the word', steer({ type: 'hand.give' }));
		},
		async broadening() {
			await step('deepening', 'broadening');
			for (const i of [0, 3, 4, 7, 11]) {
				if (people[i])
					await ok(`recognize ${i}`, people[i].send({ type: 'recognize.set', on: true }));
			}
		},
		async closing() {
			await step('broadening', 'closing');
			for (const [i, p] of people.entries()) {
				if (i % 3 === 2) continue;
				await ok(
					`takeaway ${i}`,
					p.send({ type: 'takeaway.set', text: 'Ik ben niet de enige die dit meemaakt.' })
				);
				if (i % 2 === 0) {
					await ok(
						`kind word ${i}`,
						p.send({ type: 'kindword.set', text: 'Dank je wel voor je open verhaal, Anna.' })
					);
				}
			}
		},
		async ended() {
			await ok('end', steer({ type: 'round.end' }));
		}
	};

	const self: RealisticRound = {
		round,
		people,
		stories,
		steer,
		doc: facilitator.client.doc,
		get moment() {
			return moment ?? 'opening';
		},
		async to(target) {
			const from = moment === null ? 0 : MOMENTS.indexOf(moment) + 1;
			for (const next of MOMENTS.slice(from, MOMENTS.indexOf(target) + 1)) {
				await enter[next]();
				moment = next;
			}
			// Every socket has seen every change: the pages opened next see the same round.
			await Promise.all([steer.fence(), ...people.map((p) => p.send.fence())]);
		},
		close() {
			for (const socket of sockets) socket.destroy();
		}
	};
	await self.to(upTo);
	return self;
}

export type { Intent };
