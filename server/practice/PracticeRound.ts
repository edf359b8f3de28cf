/**
 * The simulated neighbours of one practice round, while they run: it walks them in through the
 * same join as anyone (joinRound: caps, a locked round's door), connects each to the relay as an
 * in-memory client with the identity its token (or, after a restart, its participant row) gives,
 * plans the votes, lets the shared tablet vote for people without a device of their own, and
 * takes people away and back ('leave'). Every delayed call is owned by one `Timers`: `stop()`
 * leaves nothing behind.
 */
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { PracticeSpeed } from '../../src/lib/practice/types.ts';
import { CloseCode } from '../../src/lib/protocol.ts';
import {
	DOC_MAP,
	readChoice,
	readMeta,
	readParticipants,
	readPracticeRecap,
	readVote,
	type Story,
	type VoteFields
} from '../../src/lib/round/doc.ts';
import { joinRound } from '../joinRound.ts';
import type { Relay } from '../relay/Relay.ts';
import type { Identity, RoundStore } from '../RoundStore.ts';
import { planBallots } from './ballots.ts';
import type { PracticePlan } from './cast.ts';
import { MemoryClient } from './MemoryClient.ts';
import { Neighbour, type NeighbourHost } from './Neighbour.ts';
import { delay } from './pace.ts';
import { Random } from './random.ts';
import { Timers, type Scheduler } from './Scheduler.ts';

/** What a practice round keeps in its `rounds.practice` column: settings and who is who. */
export interface PracticeState {
	version: 1;
	seed: number;
	neighbours: number;
	language: string;
	situations: PracticePlan['situations'];
	/** Each neighbour's participant id once they joined (null: not yet). Never a token. */
	ids: (string | null)[];
	/** The round ended: its neighbours never run again. */
	ended: boolean;
}

export interface PracticeRoundOptions {
	code: string;
	state: PracticeState;
	plan: PracticePlan;
	rounds: RoundStore;
	relay: Relay;
	log: Logger;
	scheduler: Scheduler;
	/** The speed until a replica is synced (the round's meta then tells). */
	speed: PracticeSpeed;
	/** The shared tablet's token, when the runner has it (not after a restart). */
	tabletToken: string | null;
	/** The round ended (neighbours saw `round.end`). */
	onEnded(): void;
	/** The round is gone (erased: every socket closed with 4404). */
	onGone(): void;
}

/** How often a neighbour at a locked round's door checks whether they were let in. */
const DOOR_CHECK_MS = 2_000;

export class PracticeRound {
	readonly code: string;
	readonly timers: Timers;
	readonly neighbours: Neighbour[];
	readonly #o: PracticeRoundOptions;
	readonly #random: Random;
	#tablet: MemoryClient | null = null;
	#tabletVoted = new Map<string, number>();
	#quietUntil = 0;
	#ballots = new Map<string, Map<string, string>>();
	#stopped = false;

	constructor(options: PracticeRoundOptions) {
		this.code = options.code;
		this.#o = options;
		this.timers = new Timers(options.scheduler);
		this.#random = new Random(options.state.seed).fork('round');
		const host: NeighbourHost = {
			timers: this.timers,
			log: options.log,
			speed: () => this.speed,
			ballot: (vote, voter, doc) => this.#ballot(vote, doc).get(voter) ?? null,
			declines: (doc) => this.#declines(doc),
			quietUntil: () => this.#quietUntil,
			handsCleared: () => {
				const now = this.timers.now();
				if (now < this.#quietUntil) return;
				this.#quietUntil = now + delay('quiet', this.speed, this.#random);
			},
			// Not inside the replica's own update event, which stopping would destroy.
			ended: () => queueMicrotask(() => this.#o.onEnded()),
			leave: (neighbour) => this.#leave(neighbour)
		};
		// Who has no device never joins by themselves: the trainee adds them (see cast.ts).
		this.neighbours = options.plan.cast.flatMap((profile, i) =>
			profile.noDevice ? [] : [new Neighbour(i, profile, host, this.#random.fork(`n${i}`))]
		);
	}

	/** The speed the facilitator chose last (`practice.speed`), read from a replica. */
	get speed(): PracticeSpeed {
		const doc = this.#anyDoc();
		const meta = doc ? readMeta(doc.getMap(DOC_MAP.meta)) : null;
		return meta?.practice?.speed ?? this.#o.speed;
	}

	get stopped(): boolean {
		return this.#stopped;
	}

	/** Walks everyone in: new neighbours join, those who joined before reconnect. */
	start(): void {
		const { state } = this.#o;
		this.neighbours.forEach((neighbour) => {
			const id = state.ids[neighbour.index] ?? null;
			const wait = delay(id ? 'react' : 'join', this.speed, this.#random);
			this.timers.after(wait, () => void (id ? this.#reconnect(neighbour) : this.#join(neighbour)));
		});
		if (this.#o.tabletToken) this.#connectTablet(this.#o.tabletToken);
	}

	/** Every neighbour leaves; no timer remains. */
	stop(): void {
		if (this.#stopped) return;
		this.#stopped = true;
		this.timers.clear();
		for (const neighbour of this.neighbours) neighbour.stop();
		this.#tablet?.leave();
		this.#tablet = null;
	}

	#anyDoc(): Y.Doc | null {
		if (this.#tablet && this.#tablet.closed === null) return this.#tablet.doc;
		for (const neighbour of this.neighbours) if (neighbour.connected) return neighbour.client!.doc;
		return null;
	}

	async #join(neighbour: Neighbour): Promise<void> {
		if (this.#stopped) return;
		const { rounds, relay, state, code, log } = this.#o;
		const round = rounds.get(code);
		if (!round) return this.#o.onGone();
		let joined;
		try {
			joined = await joinRound({ rounds, relay }, round, {
				name: neighbour.profile.name,
				presence: neighbour.profile.presence
			});
		} catch (err) {
			// A full round, or one that ended: like a person, this neighbour stays out.
			log.info({ round: code, err: (err as Error).message }, 'a neighbour could not join');
			return;
		}
		if (this.#stopped) return;
		state.ids[neighbour.index] = joined.participantId;
		rounds.setPracticeState(code, state);
		const identity = rounds.verifyToken(code, joined.token);
		if (!identity) return;
		if (identity.waiting)
			return this.#waitAtDoor(neighbour, () => rounds.verifyToken(code, joined.token));
		this.#connect(neighbour, identity);
	}

	/** After leaving, or after a restart: back in as the person they are (their participant row). */
	#reconnect(neighbour: Neighbour): void {
		if (this.#stopped || neighbour.removed || neighbour.connected) return;
		const id = this.#o.state.ids[neighbour.index];
		if (!id) return;
		const lookup = () => this.#o.rounds.participantIdentity(this.code, id);
		const identity = lookup();
		if (!identity) return; // removed or refused meanwhile
		if (identity.waiting) return this.#waitAtDoor(neighbour, lookup);
		this.#connect(neighbour, identity);
	}

	/** A locked round: the neighbour waits at the door until a facilitator lets them in (or not). */
	#waitAtDoor(neighbour: Neighbour, lookup: () => Identity | null): void {
		this.timers.after(DOOR_CHECK_MS, () => {
			if (this.#stopped) return;
			const identity = lookup();
			if (!identity) return; // sent away
			if (identity.waiting) return this.#waitAtDoor(neighbour, lookup);
			this.#connect(neighbour, identity);
		});
	}

	#connect(neighbour: Neighbour, identity: Identity): void {
		if (this.#stopped || !identity.participantId) return;
		const client = new MemoryClient(this.#o.relay, this.code, identity, { live: true });
		client.onClose((closeCode) => this.#closed(neighbour, client, closeCode));
		void client.sync().then(() => {
			if (this.#stopped || client.closed) return client.destroy();
			neighbour.attach(client, identity.participantId!);
		});
	}

	/** The server closed a neighbour's socket. */
	#closed(neighbour: Neighbour, client: MemoryClient, closeCode: number): void {
		if (neighbour.client === client) neighbour.detach();
		else client.destroy();
		if (this.#stopped) return;
		if (closeCode === CloseCode.roundNotFound) return this.#o.onGone();
		if (closeCode === CloseCode.removed) {
			neighbour.removed = true;
			return;
		}
		if (closeCode === CloseCode.goingAway) return;
		// Anything else (a server error, a slow consumer): come back like a browser would.
		this.timers.after(delay('react', this.speed, this.#random), () => this.#reconnect(neighbour));
	}

	/** 'leave': the neighbour's connection goes away, and comes back a while later. */
	#leave(neighbour: Neighbour): void {
		const away = delay('away', this.speed, this.#random);
		neighbour.detach();
		this.timers.after(away, () => this.#reconnect(neighbour));
	}

	/** The shared tablet: votes for the people without a device a facilitator added. */
	#connectTablet(token: string): void {
		const identity = this.#o.rounds.verifyToken(this.code, token);
		if (!identity || identity.role !== 'tablet') return;
		const client = new MemoryClient(this.#o.relay, this.code, identity, { live: true });
		this.#tablet = client;
		client.onClose(() => {
			if (this.#tablet === client) this.#tablet = null;
			client.destroy();
		});
		void client.sync().then(() => {
			if (this.#stopped || client.closed) return;
			client.doc.on('update', () => this.#tabletConsider(client));
			this.#tabletConsider(client);
		});
	}

	#tabletPending = false;

	#tabletConsider(client: MemoryClient): void {
		if (this.#stopped || this.#tabletPending || client.closed) return;
		const vote = readVote(client.doc.getMap(DOC_MAP.vote));
		const meta = readMeta(client.doc.getMap(DOC_MAP.meta));
		if (vote.status !== 'open' || meta.endedAt !== null) return;
		const ballots = this.#ballot(vote, client.doc);
		const next = readParticipants(client.doc.getMap(DOC_MAP.participants)).find(
			(p) => p.noDevice && ballots.has(p.id) && this.#tabletVoted.get(p.id) !== vote.round
		);
		if (!next) return;
		this.#tabletPending = true;
		this.timers.after(delay('vote', this.speed, this.#random), () => {
			this.#tabletPending = false;
			if (this.#stopped || client.closed) return;
			const now = readVote(client.doc.getMap(DOC_MAP.vote));
			const storyId = ballots.get(next.id);
			if (now.status === 'open' && now.round === vote.round && storyId) {
				this.#tabletVoted.set(next.id, vote.round);
				void client.intent({ type: 'vote.cast', storyId, as: next.id }).then(
					() => this.#tabletConsider(client),
					() => {}
				);
			} else this.#tabletConsider(client);
		});
	}

	/** The planned hearts of one vote: once per vote, for everyone the practice round votes for. */
	#ballot(vote: VoteFields, doc: Y.Doc): Map<string, string> {
		const key = `${vote.round} ${vote.candidates.join(',')}`;
		const planned = this.#ballots.get(key);
		if (planned) return planned;
		const ids = new Set(this.neighbours.map((n) => n.participantId).filter((id) => id !== null));
		const people = readParticipants(doc.getMap(DOC_MAP.participants));
		const voters = [
			...this.neighbours.filter((n) => n.connected).map((n) => n.participantId!),
			...(this.#tablet ? people.filter((p) => p.noDevice).map((p) => p.id) : [])
		];
		const stories = doc.getMap<Story>(DOC_MAP.stories);
		const recap = readPracticeRecap(doc.getMap(DOC_MAP.practice));
		const ballots = planBallots({
			vote,
			voters,
			ownerOf: (storyId) => stories.get(storyId)?.by ?? null,
			simulated: (id) => ids.has(id),
			// A vote with a choice ties until a revealed vote has tied, when the round practises a
			// tie (a facilitator who reveals before every heart is in gets another chance).
			tie:
				this.#o.plan.situations.includes('tie') &&
				(recap?.ties ?? 0) === 0 &&
				vote.candidates.length > 1,
			random: this.#random.fork(key)
		});
		this.#ballots.set(key, ballots);
		return ballots;
	}

	/** 'no': the first person asked says no (once); everyone else says yes. */
	#declines(doc: Y.Doc): boolean {
		if (!this.#o.plan.situations.includes('no')) return false;
		const recap = readPracticeRecap(doc.getMap(DOC_MAP.practice));
		const choice = readChoice(doc.getMap(DOC_MAP.choice));
		return (recap?.consent.no ?? 0) === 0 && choice.declined.length === 0;
	}
}
