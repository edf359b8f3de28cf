import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { AudioService } from './AudioService.ts';
import { BallotBox } from './BallotBox.ts';
import { Checkpointer } from './Checkpointer.ts';
import { openDatabase, type Db } from './db.ts';
import { DocStore, type DocPersistence } from './DocStore.ts';
import { createApi } from './http/api.ts';
import type { Middleware } from './http/plumbing.ts';
import { GuessGuard } from './http/GuessGuard.ts';
import { createUpgradeHandler, type UpgradeHandler } from './http/upgrade.ts';
import { lanAddresses } from './network.ts';
import type { IntentServices } from '../src/lib/round/apply.ts';
import type { RelayLimits } from './relay/limits.ts';
import { Relay } from './relay/Relay.ts';
import { RoundStore } from './RoundStore.ts';

export interface Kleed {
	db: Db;
	/** WAL checkpoints in their own thread (null for an in-memory database). */
	checkpointer: Checkpointer | null;
	rounds: RoundStore;
	relay: Relay;
	/** Connect-style middleware for /api/*; calls `next` for everything else. */
	api: Middleware;
	/** Handles upgrades on /sync/*; returns false for other paths. */
	upgrade: UpgradeHandler;
	/** Flushes and compacts every round in memory, closes sockets and the database. */
	close(): void;
}

export interface KleedOptions {
	config: Pick<
		Config,
		'databaseFile' | 'host' | 'publicUrl' | 'idleUnloadMs' | 'roundTtlMs' | 'liveKit'
	>;
	log: Logger;
	limits?: Partial<RelayLimits>;
	/** Replaces SQLite doc storage (tests use it to slow loading down). */
	persistence?: DocPersistence;
	/** Replaces the audio service (tests use a fake LiveKit RoomService). */
	audio?: AudioService;
}

/** What intents keep outside the doc: the ballots and the people's rows in SQLite. */
export function intentServices(db: Db, rounds: RoundStore): IntentServices {
	return {
		ballots: new BallotBox(db),
		addPerson: (code, id, name, presence) =>
			rounds.addParticipant(code, { name, presence }, { hasDevice: false, id }),
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
export function createKleed({ config, log, limits, persistence, audio }: KleedOptions): Kleed {
	const db = openDatabase(config.databaseFile);
	const checkpointer =
		config.databaseFile === ':memory:'
			? null
			: new Checkpointer(config.databaseFile, log, {
					fallback: () => db.pragma('wal_autocheckpoint = 1000')
				});
	const rounds = new RoundStore(db);
	const guard = new GuessGuard();
	const relay = new Relay({
		persistence: persistence ?? new DocStore(db),
		log,
		services: intentServices(db, rounds),
		onErase: (code) => {
			rounds.erase(code);
			guard.erased(code);
		},
		limits: { idleUnloadMs: config.idleUnloadMs, ...limits }
	});
	const api = createApi({
		rounds,
		config,
		log,
		lanAddresses,
		relay,
		guard,
		audio: audio ?? new AudioService(config.liveKit)
	});
	const upgrade = createUpgradeHandler({ rounds, relay, log, guard, publicUrl: config.publicUrl });
	// Rounds nobody used for ROUND_TTL_HOURS are erased: stories must not outlive the round.
	const sweep = () => {
		for (const code of rounds.idleSince(Date.now() - config.roundTtlMs)) {
			if ((relay.round(code)?.connections.size ?? 0) > 0) {
				rounds.touch(code); // someone is still there
				continue;
			}
			// Everywhere: memory, connections, database. Only counts remain.
			relay.discard(code);
			rounds.erase(code);
			guard.erased(code);
			log.info('an idle round was erased');
		}
	};
	sweep();
	const sweeper = setInterval(sweep, Math.min(config.roundTtlMs / 4, 10 * 60_000));
	sweeper.unref();
	let closed = false;
	return {
		db,
		checkpointer,
		rounds,
		relay,
		api,
		upgrade: upgrade.handle,
		close() {
			if (closed) return;
			closed = true;
			clearInterval(sweeper);
			relay.close();
			upgrade.close();
			checkpointer?.stop();
			db.pragma('wal_checkpoint(TRUNCATE)');
			db.close();
		}
	};
}
