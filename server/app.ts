import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { AudioService } from './AudioService.ts';
import { BallotBox } from './BallotBox.ts';
import { Checkpointer } from './Checkpointer.ts';
import { openDatabase, type Db } from './db.ts';
import { DocStore, type DocPersistence } from './DocStore.ts';
import { createApi } from './http/api.ts';
import { CoordinatorKey } from './CoordinatorKey.ts';
import { localDay } from './days.ts';
import { GroupStore } from './GroupStore.ts';
import type { Middleware } from './http/plumbing.ts';
import { GuessGuard } from './http/GuessGuard.ts';
import { createUpgradeHandler, type UpgradeHandler } from './http/upgrade.ts';
import { lanAddresses } from './network.ts';
import type { IntentServices } from '../src/lib/round/apply.ts';
import {
	GROUP_LIMITS,
	HTTP_LIMITS,
	SWEEP_LIMITS,
	type GroupLimits,
	type HttpLimits,
	type RelayLimits,
	type RoundLimits
} from './relay/limits.ts';
import { NO_PROXY, resolveClientAddress } from './http/proxy.ts';
import { PracticeRunner, type PracticeRunnerOptions } from './practice/PracticeRunner.ts';
import { Relay } from './relay/Relay.ts';
import { RoundStore } from './RoundStore.ts';
import { StorageHealth } from './StorageHealth.ts';

export interface Kleed {
	db: Db;
	/** WAL checkpoints in their own thread (null for an in-memory database). */
	checkpointer: Checkpointer | null;
	rounds: RoundStore;
	/** Whether changes can be saved now (a full disk, say); reported by /api/health. */
	storage: StorageHealth;
	relay: Relay;
	/** Practice rounds' simulated neighbours (#16). */
	practice: PracticeRunner;
	/** Groups and their templates (#17). */
	groups: GroupStore;
	/** The installation's coordinator link (#17). */
	coordinator: CoordinatorKey;
	/** The coordinator key when this start made it (shown once, then never again), else null. */
	newCoordinatorKey: string | null;
	/** Connect-style middleware for /api/*; calls `next` for everything else. */
	api: Middleware;
	/** Handles upgrades on /sync/*; returns false for other paths. */
	upgrade: UpgradeHandler;
	/** Erases the rounds idle for longer than ROUND_TTL_HOURS (runs by itself; tests call it). */
	sweep(): Promise<void>;
	/** Flushes and compacts every round in memory, closes sockets and the database. */
	close(): void;
}

export interface KleedOptions {
	config: Pick<
		Config,
		'databaseFile' | 'host' | 'publicUrl' | 'idleUnloadMs' | 'roundTtlMs' | 'liveKit'
	> &
		Partial<Pick<Config, 'dataDir'>> &
		Partial<Pick<Config, 'trustProxy'>>;
	log: Logger;
	limits?: Partial<RelayLimits>;
	/** Per-address HTTP bounds (HTTP_LIMITS); tests that create many rounds raise them. */
	httpLimits?: Partial<HttpLimits>;
	/** Per-round bounds (ROUND_LIMITS). */
	roundLimits?: Partial<RoundLimits>;
	/** Replaces SQLite doc storage (tests use it to slow loading down). */
	persistence?: DocPersistence;
	/** Replaces the audio service (tests use a fake LiveKit RoomService). */
	audio?: AudioService;
	/** Practice rounds: a scheduler, seeds, bounds or content of the tests' choosing. */
	practice?: Pick<PracticeRunnerOptions, 'scheduler' | 'seed' | 'limits' | 'content'>;
	/** Bounds of groups (GROUP_LIMITS). */
	groupLimits?: Partial<GroupLimits>;
	/**
	 * The clock of rounds' times, groups and the TTL sweep (tests play a year with it). The relay
	 * and timers keep the real one.
	 */
	clock?: () => number;
}

/** What intents keep outside the doc: the ballots and the people's rows in SQLite. */
export function intentServices(db: Db, rounds: RoundStore): IntentServices {
	return {
		ballots: new BallotBox(db),
		addPerson: (code, id, name, presence) =>
			rounds.addPersonWithoutDevice(code, id, { name, presence }),
		setLocked: (code, locked) => rounds.setLocked(code, locked),
		admit: (code, id) => rounds.admit(code, id),
		removePerson: (code, id) => rounds.removeParticipant(code, id),
		setNewcomer: (code, id, on) => rounds.setNewcomer(code, id, on),
		setPresence: (code, id, presence) => rounds.setPresence(code, id, presence)
	};
}

/**
 * Builds everything behind the one port: storage, relay, API and upgrade routing. Used by the
 * production entry (server/index.ts), the Vite dev plugin and the integration tests alike.
 */
export function createKleed({
	config,
	log,
	limits,
	httpLimits,
	roundLimits,
	persistence,
	audio,
	practice: practiceOptions,
	groupLimits,
	clock = Date.now
}: KleedOptions): Kleed {
	const trust = config.trustProxy ?? NO_PROXY;
	const db = openDatabase(config.databaseFile);
	let closed = false;
	const checkpointer =
		config.databaseFile === ':memory:'
			? null
			: new Checkpointer(config.databaseFile, log, {
					fallback: () => db.pragma('wal_autocheckpoint = 1000')
				});
	const rounds = new RoundStore(db, clock, roundLimits);
	const groups = new GroupStore(db, clock);
	// One coordinator link per installation, kept beside the database (none for :memory:).
	const coordinator = new CoordinatorKey(
		config.databaseFile === ':memory:' ? null : (config.dataDir ?? dirname(config.databaseFile))
	);
	const newCoordinatorKey = coordinator.ensure();
	const storage = new StorageHealth(db);
	const guard = new GuessGuard();
	const relay = new Relay({
		persistence: persistence ?? new DocStore(db, clock, storage),
		log,
		services: intentServices(db, rounds),
		onErase: (code) => {
			practice.stop(code, 'gone');
			rounds.erase(code);
			guard.erased(code);
		},
		limits: { idleUnloadMs: config.idleUnloadMs, ...limits },
		maxDocBytes: roundLimits?.maxDocBytes
	});
	const practice = new PracticeRunner({ rounds, relay, log, ...practiceOptions });
	const handleApi = createApi({
		rounds,
		config,
		log,
		lanAddresses,
		relay,
		guard,
		storage,
		practice,
		groups,
		coordinator,
		groupLimits: { ...GROUP_LIMITS, ...groupLimits },
		now: clock,
		limits: { ...HTTP_LIMITS, ...httpLimits },
		audio: audio ?? new AudioService(config.liveKit)
	});
	const upgrade = createUpgradeHandler({ rounds, relay, log, guard, publicUrl: config.publicUrl });
	// Rounds nobody used for ROUND_TTL_HOURS are erased: stories must not outlive the round. In
	// slices of SWEEP_LIMITS.sliceMs, yielding to the event loop between them (5,000 rounds at
	// once stalled every round for 6 s); the WAL is truncated once per sweep, in the checkpoint
	// thread (or here, without one).
	let sweeping: Promise<void> | null = null;
	const sweepNow = async () => {
		// A prepared round is kept until the day after its date (#17).
		const now = clock();
		const codes = rounds.idleSince(now - config.roundTtlMs, localDay(now));
		let erased = 0;
		let sliceStart = performance.now();
		for (const code of codes) {
			if (closed) return;
			if (performance.now() - sliceStart > SWEEP_LIMITS.sliceMs) {
				await new Promise((resolve) => setImmediate(resolve));
				sliceStart = performance.now();
				if (closed) return;
			}
			if ((relay.round(code)?.connections.size ?? 0) > 0) {
				rounds.touch(code); // someone is still there
				continue;
			}
			// Everywhere: memory, connections, database. Only counts remain.
			practice.stop(code, 'gone');
			relay.discard(code);
			try {
				if (rounds.erase(code, { checkpoint: false })) erased++;
			} catch (err) {
				// A storage fault: this round stays for the next sweep; the others go on.
				log.error({ err }, 'an idle round could not be erased; the next sweep retries');
				continue;
			}
			guard.erased(code);
		}
		if (erased === 0 || closed) return;
		log.info({ erased }, 'idle rounds were erased');
		if (!(checkpointer?.truncate() ?? false)) db.pragma('wal_checkpoint(TRUNCATE)');
	};
	const sweep = (): Promise<void> =>
		(sweeping ??= sweepNow()
			.catch((err: unknown) => log.error({ err }, 'the TTL sweep failed; the next one retries'))
			.finally(() => (sweeping = null)));
	void sweep();
	const sweeper = setInterval(() => void sweep(), Math.min(config.roundTtlMs / 4, 10 * 60_000));
	sweeper.unref();
	const api: Middleware = (req, res, next) => {
		resolveClientAddress(req, trust);
		handleApi(req, res, next);
	};
	return {
		db,
		storage,
		sweep,
		checkpointer,
		rounds,
		relay,
		practice,
		groups,
		coordinator,
		newCoordinatorKey,
		api,
		upgrade: (req, socket, head) => {
			resolveClientAddress(req, trust);
			return upgrade.handle(req, socket, head);
		},
		close() {
			if (closed) return;
			closed = true;
			clearInterval(sweeper);
			practice.close();
			relay.close();
			upgrade.close();
			checkpointer?.stop();
			db.pragma('wal_checkpoint(TRUNCATE)');
			db.close();
		}
	};
}
