/**
 * One simulated neighbour of a practice round: a person with a profile (cast.ts) who reads the
 * round from their own synced replica and acts through intents on their own connection, like a
 * participant's device. They react to the facilitator and never act ahead of the round: every
 * action is chosen from what the doc holds when its delay has passed, and the server checks it
 * like anyone's. One delayed action at a time, owned by the round's Timers.
 */
import type { Logger } from 'pino';
import type { PracticeSpeed } from '../../src/lib/practice/types.ts';
import {
	DOC_MAP,
	readChoice,
	readHands,
	readMeta,
	readVote,
	type ChoiceFields,
	type Story,
	type VoteFields
} from '../../src/lib/round/doc.ts';
import type { Intent } from '../../src/lib/round/intents.ts';
import type { NeighbourProfile } from './cast.ts';
import type { MemoryClient } from './MemoryClient.ts';
import { delay, type PaceKind } from './pace.ts';
import type { Random } from './random.ts';
import type { Timers } from './Scheduler.ts';

/** What the practice round hands each neighbour. */
export interface NeighbourHost {
	timers: Timers;
	log: Logger;
	speed(): PracticeSpeed;
	/** The heart this voter gives in this vote (planned for the whole round), or null. */
	ballot(vote: VoteFields, voter: string, doc: MemoryClient['doc']): string | null;
	/** Whether the owner of `storyId` says no when asked (the 'no' situation). */
	declines(doc: MemoryClient['doc']): boolean;
	/** Nobody raises a hand before this time (after "Alle handen omlaag"). */
	quietUntil(): number;
	/** Someone saw "Alle handen omlaag". */
	handsCleared(): void;
	/** The round has ended. */
	ended(): void;
	/** This neighbour leaves now and should come back after a while. */
	leave(neighbour: Neighbour): void;
}

type Action = { kind: string; pace: PaceKind; intent: () => Intent | null };

/** After this many refusals of one kind of action, a neighbour stops trying it. */
const MAX_REFUSALS = 2;

export class Neighbour {
	readonly index: number;
	readonly profile: NeighbourProfile;
	participantId: string | null = null;
	client: MemoryClient | null = null;
	/** Taken out by a facilitator (4410): never comes back. */
	removed = false;
	/** Left once already ('leave'). */
	left = false;
	readonly #host: NeighbourHost;
	readonly #random: Random;
	#pending: { kind: string; cancel: () => void } | null = null;
	#votedIn = new Map<number, string>();
	#raises = new Map<string, number>();
	#refusals = new Map<string, number>();
	#detach: (() => void) | null = null;
	#stopped = false;

	constructor(index: number, profile: NeighbourProfile, host: NeighbourHost, random: Random) {
		this.index = index;
		this.profile = profile;
		this.#host = host;
		this.#random = random;
	}

	get connected(): boolean {
		return this.client !== null && this.client.closed === null;
	}

	/** Takes over a synced connection: appears online, then acts on what the doc holds. */
	attach(client: MemoryClient, participantId: string): void {
		this.participantId = participantId;
		this.client = client;
		client.setAwareness({});
		const onUpdate = () => this.consider();
		client.doc.on('update', onUpdate);
		const floor = client.doc.getMap(DOC_MAP.floor);
		const onFloor = (event: { keysChanged: Set<string> }) => {
			// "Alle handen omlaag": the speaker is set to nobody and no hand is left.
			const hands = client.doc.getMap(DOC_MAP.hands);
			if (event.keysChanged.has('speaker') && floor.get('speaker') === null && hands.size === 0) {
				this.#host.handsCleared();
			}
		};
		floor.observe(onFloor);
		this.#detach = () => {
			client.doc.off('update', onUpdate);
			floor.unobserve(onFloor);
		};
		this.consider();
	}

	/** Leaves the round's connection (a tab closed); the neighbour may come back later. */
	detach(): void {
		this.#cancel();
		this.#detach?.();
		this.#detach = null;
		this.client?.leave();
		this.client = null;
	}

	stop(): void {
		this.#stopped = true;
		this.detach();
	}

	/** Looks at the round and (re)plans the next action. */
	consider(): void {
		if (this.#stopped || !this.connected) return;
		const action = this.#next();
		if (action === null) return this.#cancel();
		if (this.#pending?.kind === action.kind) return;
		let wait = delay(action.pace, this.#host.speed(), this.#random);
		if (action.kind.startsWith('raise')) {
			wait += Math.max(0, this.#host.quietUntil() - this.#host.timers.now());
		}
		this.#schedule(action, wait);
	}

	#schedule(action: Action, wait: number): void {
		this.#cancel();
		const cancel = this.#host.timers.after(wait, () => {
			this.#pending = null;
			this.#act(action.kind);
		});
		this.#pending = { kind: action.kind, cancel };
	}

	#cancel(): void {
		this.#pending?.cancel();
		this.#pending = null;
	}

	/** The delay has passed: acts if the same action is still the one to take, else thinks again. */
	#act(kind: string): void {
		if (this.#stopped || !this.connected) return;
		const action = this.#next();
		if (action === null || action.kind !== kind) return this.consider();
		if (kind.startsWith('leave')) {
			this.left = true;
			this.#host.leave(this);
			return;
		}
		const intent = action.intent();
		if (intent === null) return this.consider();
		if (kind.startsWith('raise')) {
			const step = kind.slice('raise '.length);
			const quiet = this.#host.quietUntil() - this.#host.timers.now();
			// "Alle handen omlaag" came after this hand was planned: wait out the quiet first.
			if (quiet > 0)
				return this.#schedule(action, quiet + delay('react', this.#host.speed(), this.#random));
			this.#raises.set(step, (this.#raises.get(step) ?? 0) + 1);
		}
		if (intent.type === 'vote.cast') {
			this.#votedIn.set(readVote(this.#map('vote')).round, intent.storyId);
		}
		const client = this.client!;
		client.intent(intent).then(
			(result) => {
				if (!result.ok) {
					this.#host.log.debug({ kind, error: result.error }, 'a neighbour was refused');
					this.#refusals.set(kind, (this.#refusals.get(kind) ?? 0) + 1);
				}
				this.consider();
			},
			() => {} // the connection closed first: whoever closed it decides what happens next
		);
	}

	#map(name: keyof typeof DOC_MAP) {
		return this.client!.doc.getMap<unknown>(DOC_MAP[name]);
	}

	/** The one thing to do next, from what the doc holds now (null: nothing, wait for the round). */
	#next(): Action | null {
		const me = this.participantId;
		const doc = this.client?.doc;
		if (!me || !doc) return null;
		const meta = readMeta(this.#map('meta'));
		if (meta.step === null) return null; // not synced yet
		if (meta.endedAt !== null) {
			this.#host.ended();
			return null;
		}
		const tried = (action: Action) =>
			(this.#refusals.get(action.kind) ?? 0) >= MAX_REFUSALS ? null : action;
		const p = this.profile;
		const participants = this.#map('participants');
		if (!participants.has(me)) {
			return tried({
				kind: 'join',
				pace: 'react',
				intent: () => ({ type: 'join', presence: p.presence })
			});
		}
		const stories = this.#map('stories') as unknown as Map<string, Story>;
		const choice = readChoice(this.#map('choice'));
		const consent = this.#consent(choice, stories);
		if (consent) return tried(consent);
		const vote = readVote(this.#map('vote'));
		if (vote.status === 'open' && !this.#votedIn.has(vote.round)) {
			const storyId = this.#host.ballot(vote, me, doc);
			if (storyId) {
				return tried({
					kind: `vote ${vote.round}`,
					pace: 'vote',
					intent: () => ({ type: 'vote.cast', storyId })
				});
			}
		}
		if (p.leavesIn === meta.step && !this.left) {
			return { kind: `leave ${meta.step}`, pace: 'note', intent: () => null };
		}
		const mine = (map: Map<string, { by: string | null }>) =>
			[...map.values()].filter((item) => item.by === me).length;
		const own = (suffix: string) => `${me}-${suffix}`.slice(0, 40);
		switch (meta.step) {
			case 'opening': {
				const kleed = this.#map('kleed') as unknown as Map<string, { by: string | null }>;
				const placed = mine(kleed);
				const icon = p.objects[placed];
				if (icon) {
					return tried({
						kind: `place ${placed}`,
						pace: 'opening',
						intent: () => ({ type: 'kleed.place', id: own(`k${placed}`), icon })
					});
				}
				const happy = this.#map('happy') as unknown as Map<string, { by: string | null }>;
				if (p.happy && mine(happy) === 0) {
					const { icon: happyIcon, text } = p.happy;
					return tried({
						kind: 'happy',
						pace: 'opening',
						intent: () => ({ type: 'happy.add', id: own('h'), icon: happyIcon, text })
					});
				}
				return null;
			}
			case 'choice': {
				const story = p.story;
				// Only before the first vote: after it, a new story would be a story nobody chose.
				if (story && vote.status === 'idle' && vote.round === 0 && mine(stories) === 0) {
					return tried({
						kind: 'story',
						pace: 'story',
						intent: () => ({ type: 'story.post', id: own('s'), text: story })
					});
				}
				return null;
			}
			case 'deepening':
			case 'broadening': {
				if (meta.step === 'broadening' && p.recognizes && !this.#map('recognize').has(me)) {
					return tried({
						kind: 'recognize',
						pace: 'note',
						intent: () => ({ type: 'recognize.set', on: true })
					});
				}
				const hands = readHands(this.#map('hands'));
				const raised = hands.some((hand) => hand.id === me);
				if (raised) {
					// A hand nobody gave the word is lowered after a while.
					return tried({
						kind: 'lower',
						pace: 'handPatience',
						intent: () => ({ type: 'hand.lower' })
					});
				}
				const speaker = this.#map('floor').get('speaker');
				const chosen = choice.storyId ? stories.get(choice.storyId)?.by : null;
				const tellsNow = meta.step === 'deepening' && chosen === me;
				if (speaker !== me && !tellsNow && (this.#raises.get(meta.step) ?? 0) < p.raises) {
					return tried({
						kind: `raise ${meta.step}`,
						pace: 'hand',
						intent: () => ({ type: 'hand.raise' })
					});
				}
				return null;
			}
			case 'closing': {
				if (!this.#map('takeaways').has(me)) {
					return tried({
						kind: 'takeaway',
						pace: 'note',
						intent: () => ({ type: 'takeaway.set', text: p.takeaway })
					});
				}
				const kind = p.kindWord;
				if (kind && !this.#map('kindWords').has(me)) {
					return tried({
						kind: 'kindword',
						pace: 'note',
						intent: () => ({ type: 'kindword.set', text: kind })
					});
				}
				return null;
			}
		}
	}

	/** The chosen person is asked whether they want to go on: yes, or (once, 'no') no. */
	#consent(choice: ChoiceFields, stories: Map<string, Story>): Action | null {
		if (choice.consent !== 'asked' || !choice.storyId) return null;
		if (stories.get(choice.storyId)?.by !== this.participantId) return null;
		const doc = this.client!.doc;
		return {
			kind: `consent ${choice.storyId}`,
			pace: 'consent',
			intent: () => ({
				type: 'consent.answer',
				answer: this.#host.declines(doc) ? 'no' : 'yes'
			})
		};
	}
}
