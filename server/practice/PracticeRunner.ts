/**
 * Practice rounds' simulated neighbours, for the whole server (owned by app.ts's createKleed).
 *
 * - `admit(address)` before a practice round is created: at most PRACTICE_LIMITS.maxRunning
 *   rounds run at once (else PracticeRefused 503 `practice_busy`), at most maxPerAddress from one
 *   address (else 429 `too_many_requests`).
 * - `start(...)` when one is created: plans the cast (seeded), stores the state in the round's row,
 *   and walks the neighbours in.
 * - A watch every `watchMs` stops a round's neighbours when the round has ended or is gone, or
 *   when no facilitator has been connected for `facilitatorGoneMs`. A round whose neighbours
 *   stopped for want of a facilitator, or that was running when the server restarted, resumes as
 *   soon as a facilitator is connected to it again: the neighbours reconnect as who they were
 *   (their participant rows) and go on from what the doc holds.
 * - `close()` stops everything (server shutdown).
 */
import type { Logger } from 'pino';
import { trainingContent } from '../../src/lib/practice/content.ts';
import {
	PRACTICE_LANGUAGES,
	type PracticeLanguage,
	type PracticeSituation,
	type PracticeSpeed,
	type TrainingContent
} from '../../src/lib/practice/types.ts';
import type { PracticeGuest, PracticeNeighbour } from '../../src/lib/protocol.ts';
import { DOC_MAP, readMeta } from '../../src/lib/round/doc.ts';
import { PRACTICE_LIMITS, type PracticeLimits } from '../relay/limits.ts';
import type { Relay } from '../relay/Relay.ts';
import type { RoundStore } from '../RoundStore.ts';
import { planRound, resolveSituations, type PracticePlan } from './cast.ts';
import { PracticeRound, type PracticeState } from './PracticeRound.ts';
import { Random, randomSeed } from './random.ts';
import { realScheduler, type Scheduler } from './Scheduler.ts';

/** A practice round cannot start now: too many run on the server, or from this address. */
export class PracticeRefused extends Error {
	constructor(readonly which: 'server' | 'address') {
		super(
			which === 'server'
				? 'Too many practice rounds are running on this server now. Try again in a while.'
				: 'Too many practice rounds from your address are running. End one first.'
		);
	}
}

export interface PracticeRunnerOptions {
	rounds: RoundStore;
	relay: Relay;
	log: Logger;
	scheduler?: Scheduler;
	limits?: Partial<PracticeLimits>;
	/** A round's seed (tests make rounds reproducible). */
	seed?: () => number;
	/** The training content of a language (tests may give their own). */
	content?: (language: PracticeLanguage) => TrainingContent;
}

interface Running {
	round: PracticeRound;
	address: string | null;
	/** Scheduler time a facilitator was last seen connected. */
	facilitatorSeen: number;
}

const isState = (v: unknown): v is PracticeState => {
	const s = v as PracticeState | null;
	return (
		typeof s === 'object' &&
		s !== null &&
		s.version === 1 &&
		typeof s.seed === 'number' &&
		Number.isInteger(s.neighbours) &&
		PRACTICE_LANGUAGES.includes(s.language as PracticeLanguage) &&
		Array.isArray(s.situations) &&
		Array.isArray(s.ids)
	);
};

export class PracticeRunner {
	readonly limits: PracticeLimits;
	readonly #o: PracticeRunnerOptions;
	readonly #scheduler: Scheduler;
	readonly #running = new Map<string, Running>();
	/** Practice rounds that exist but whose neighbours do not run now (resumable). */
	readonly #dormant = new Set<string>();
	/** The shared tablet's token of rounds created by this process (never stored). */
	readonly #tabletTokens = new Map<string, string>();
	/** Tokens made for the demo view, per round and neighbour (never stored). */
	readonly #demoTokens = new Map<string, Map<string, string>>();
	#cancelWatch: (() => void) | null = null;
	#closed = false;

	constructor(options: PracticeRunnerOptions) {
		this.#o = options;
		this.#scheduler = options.scheduler ?? realScheduler;
		this.limits = { ...PRACTICE_LIMITS, ...options.limits };
		// Practice rounds of an earlier run of the server: they resume when a facilitator is back.
		for (const code of options.rounds.practiceCodes()) {
			const state = options.rounds.practiceState(code);
			if (isState(state) && !state.ended) this.#dormant.add(code);
		}
		this.#watchLater();
	}

	/** Codes of the rounds whose neighbours run now. */
	get running(): string[] {
		return [...this.#running.keys()];
	}

	/** The running practice round `code` (tests look at its timers). */
	round(code: string): PracticeRound | undefined {
		return this.#running.get(code)?.round;
	}

	/**
	 * The neighbours of practice round `code` who are in it now, each with a token for the demo
	 * view (made once, kept in memory only: their join token is never kept), and how many there
	 * will be. Null: not a practice round.
	 */
	neighbourTokens(code: string): { neighbours: PracticeNeighbour[]; total: number } | null {
		const state = this.#o.rounds.practiceState(code);
		if (!isState(state)) return null;
		let tokens = this.#demoTokens.get(code);
		if (!tokens) this.#demoTokens.set(code, (tokens = new Map()));
		const neighbours: PracticeNeighbour[] = [];
		for (const id of state.ids) {
			if (!id) continue;
			const identity = this.#o.rounds.participantIdentity(code, id);
			if (!identity || identity.waiting) continue;
			let token = tokens.get(id) ?? null;
			if (!token) {
				token = this.#o.rounds.rekeyParticipant(code, id);
				if (!token) continue;
				tokens.set(id, token);
			}
			neighbours.push({ id, name: identity.name ?? '', token });
		}
		// Who has no device of their own has no tablet to show.
		const total = this.#plan(state).cast.filter((c) => !c.noDevice).length;
		return { neighbours, total };
	}

	/** Throws PracticeRefused when one more practice round may not start now. */
	admit(address: string): void {
		if (this.#running.size >= this.limits.maxRunning) throw new PracticeRefused('server');
		let mine = 0;
		for (const run of this.#running.values()) if (run.address === address) mine++;
		if (mine >= this.limits.maxPerAddress) throw new PracticeRefused('address');
	}

	/** A seed and the situations that will happen, for a round about to be created. */
	prepare(settings: {
		neighbours: number;
		language: PracticeLanguage;
		situations?: PracticeSituation[];
	}): PracticeState {
		const seed = (this.#o.seed ?? randomSeed)() >>> 0;
		const neighbours = Math.min(settings.neighbours, this.limits.maxNeighbours);
		return {
			version: 1,
			seed,
			neighbours,
			language: settings.language,
			situations: resolveSituations(settings.situations, new Random(seed).fork('situations')),
			ids: Array.from({ length: neighbours }, () => null),
			ended: false
		};
	}

	/** The neighbour without a device in a round with `state`, for the trainee's guide (or none). */
	withoutDevice(state: PracticeState): PracticeGuest | null {
		const guest = this.#plan(state).cast.find((c) => c.noDevice);
		if (!guest?.story) return null;
		return {
			name: guest.name,
			object: guest.objects[0]!,
			story: guest.story,
			takeaway: guest.takeaway
		};
	}

	#plan(state: PracticeState): PracticePlan {
		const content = (this.#o.content ?? trainingContent)(state.language as PracticeLanguage);
		return planRound(
			{ neighbours: state.neighbours, situations: state.situations },
			content,
			state.seed
		);
	}

	/** The round `code` was created with `state` (see prepare): its neighbours walk in. */
	start(
		code: string,
		state: PracticeState,
		{
			address,
			tabletToken,
			speed
		}: { address: string | null; tabletToken: string | null; speed: PracticeSpeed }
	): void {
		if (this.#closed) return;
		if (tabletToken) this.#tabletTokens.set(code, tabletToken);
		this.#run(code, state, address, speed);
	}

	/** Stops the neighbours of `code`. `ended`: for good (the round ended or is gone). */
	stop(code: string, why: 'ended' | 'gone' | 'facilitator gone'): void {
		const run = this.#running.get(code);
		run?.round.stop();
		this.#running.delete(code);
		this.#dormant.delete(code);
		if (why === 'gone') {
			this.#tabletTokens.delete(code);
			this.#demoTokens.delete(code);
		} else if (why === 'ended') {
			const state = this.#o.rounds.practiceState(code);
			if (isState(state) && !state.ended)
				this.#o.rounds.setPracticeState(code, { ...state, ended: true });
			this.#tabletTokens.delete(code);
		} else {
			this.#dormant.add(code);
		}
		if (run) this.#o.log.info({ round: code, why }, 'practice neighbours stopped');
	}

	/** Stops every round's neighbours and the watch (server shutdown). */
	close(): void {
		this.#closed = true;
		this.#cancelWatch?.();
		this.#cancelWatch = null;
		for (const code of [...this.#running.keys()]) {
			this.#running.get(code)?.round.stop();
			this.#running.delete(code);
		}
	}

	#run(code: string, state: PracticeState, address: string | null, speed: PracticeSpeed): void {
		const plan = this.#plan(state);
		const round = new PracticeRound({
			code,
			state,
			plan,
			rounds: this.#o.rounds,
			relay: this.#o.relay,
			log: this.#o.log,
			scheduler: this.#scheduler,
			speed,
			tabletToken: this.#tabletTokens.get(code) ?? null,
			onEnded: () => this.stop(code, 'ended'),
			onGone: () => this.stop(code, 'gone')
		});
		this.#dormant.delete(code);
		this.#running.set(code, { round, address, facilitatorSeen: this.#scheduler.now() });
		round.start();
		this.#o.log.info({ round: code, neighbours: state.neighbours }, 'practice neighbours started');
	}

	#watchLater(): void {
		if (this.#closed) return;
		this.#cancelWatch = this.#scheduler.after(this.limits.watchMs, () => {
			this.#cancelWatch = null;
			this.watch();
			this.#watchLater();
		});
	}

	/** One look at every practice round (runs every `watchMs`; tests may call it). */
	watch(): void {
		const now = this.#scheduler.now();
		for (const [code, run] of [...this.#running]) {
			const record = this.#o.rounds.get(code);
			if (!record) {
				this.stop(code, 'gone');
				continue;
			}
			const live = this.#o.relay.round(code);
			if (live?.live && readMeta(live.doc.getMap(DOC_MAP.meta)).endedAt !== null) {
				this.stop(code, 'ended');
				continue;
			}
			if (this.#facilitatorConnected(code)) run.facilitatorSeen = now;
			else if (now - run.facilitatorSeen >= this.limits.facilitatorGoneMs) {
				this.stop(code, 'facilitator gone');
			}
		}
		for (const code of [...this.#dormant]) {
			// Memory only, for every dormant round; the database only for one a facilitator opened.
			// (An erased round leaves this set through stop(code, 'gone'): the erase and the sweep.)
			if (!this.#facilitatorConnected(code) || this.#running.size >= this.limits.maxRunning) {
				continue;
			}
			if (!this.#o.rounds.get(code)) {
				this.#dormant.delete(code);
				this.#tabletTokens.delete(code);
				continue;
			}
			const live = this.#o.relay.round(code);
			const state = this.#o.rounds.practiceState(code);
			if (!isState(state) || state.ended) {
				this.#dormant.delete(code);
				continue;
			}
			if (!live?.live) continue;
			const meta = readMeta(live.doc.getMap(DOC_MAP.meta));
			if (meta.endedAt !== null) {
				this.stop(code, 'ended');
				continue;
			}
			this.#run(code, state, null, meta.practice?.speed ?? 'normal');
		}
	}

	#facilitatorConnected(code: string): boolean {
		const live = this.#o.relay.round(code);
		if (!live) return false;
		for (const conn of live.connections) if (conn.identity.role === 'facilitator') return true;
		return false;
	}
}
