import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

export interface CheckpointResult {
	/** Another connection held the database: nothing or not everything was copied. */
	busy: number;
	/** Frames in the log. */
	log: number;
	/** Frames copied into the database file. */
	checkpointed: number;
	/** The log was long, and this checkpoint made the writer start it again from the beginning. */
	restarted: boolean;
}

export interface CheckpointOptions {
	/** How often to checkpoint. */
	intervalMs?: number;
	/** Above this many frames in the log, a checkpoint makes the writer start the log again. */
	restartAboveFrames?: number;
	/**
	 * Called once if the thread dies (it could not open the database, say). The caller turns
	 * SQLite's own checkpoints back on: stalls now and then are better than a log that grows
	 * until the disk is full.
	 */
	fallback?: () => void;
}

/**
 * WAL checkpoints off the event loop. The relay commits a transaction per loop turn; SQLite's
 * automatic checkpoint (every 1,000 log pages) then runs inside one of those commits and waits for
 * the disk, which at 300 rounds stalled every round's messages for up to half a second
 * (docs/performance.md). The main connection has automatic checkpoints off (db.ts); a worker
 * thread with its own connection checkpoints every `intervalMs` without blocking the writer, and
 * once the log is longer than `restartAboveFrames` holds writes back for a few milliseconds so
 * that the log starts again from its beginning (checkpointWorker.js).
 * Erasing one round still checkpoints (TRUNCATE) on the main connection: that must be done before
 * the erase returns. The TTL sweep asks this thread for one TRUNCATE at its end (`truncate`).
 */
export class Checkpointer {
	readonly #worker: Worker;
	/** Set to 1 by the worker once its connection is closed. */
	readonly #stoppedFlag = new Int32Array(new SharedArrayBuffer(4));
	#last: CheckpointResult | null = null;
	#truncations = 0;
	#stopped = false;
	#running = true;

	constructor(
		file: string,
		log: Logger,
		{ intervalMs = 1000, restartAboveFrames = 4096, fallback }: CheckpointOptions = {}
	) {
		this.#worker = new Worker(new URL('./checkpointWorker.js', import.meta.url), {
			workerData: { file, intervalMs, restartAboveFrames, stopped: this.#stoppedFlag.buffer },
			// Not the main thread's options: a `--import` of a TypeScript file (tsx, the bench's
			// probe) fails in a worker, and the thread died before its first checkpoint.
			execArgv: []
		});
		this.#worker.on('message', (message: { type: string; message?: string } & CheckpointResult) => {
			if (message.type === 'checkpoint') {
				const { busy, checkpointed, restarted } = message;
				this.#last = { busy, log: message.log, checkpointed, restarted };
			} else if (message.type === 'truncated') {
				this.#truncations++;
			} else {
				log.warn({ err: message.message }, 'a WAL checkpoint failed; the next one retries');
			}
		});
		// Never the process. Without this thread the log would only grow: SQLite checkpoints again.
		this.#worker.on('error', (err) => {
			log.error({ err }, 'the checkpoint thread stopped; SQLite checkpoints by itself again');
			if (!this.#stopped) fallback?.();
		});
		this.#worker.on('exit', () => {
			this.#running = false;
		});
		this.#worker.unref();
	}

	/** False once the thread has ended (stopped, or died). */
	get running(): boolean {
		return this.#running;
	}

	/** How many `truncate` requests the thread has carried out. */
	get truncations(): number {
		return this.#truncations;
	}

	/** The last checkpoint's result, or null before the first. */
	get last(): CheckpointResult | null {
		return this.#last;
	}

	/**
	 * Asks the thread for one TRUNCATE checkpoint (after the TTL sweep erased rounds): the log's
	 * erased bytes are copied over and the log file is cut to nothing, off the event loop. False
	 * when the thread is not running (the caller then truncates itself).
	 */
	truncate(): boolean {
		if (this.#stopped || !this.#running) return false;
		this.#worker.postMessage('truncate');
		return true;
	}

	/**
	 * Stops the thread and waits (blocking, at most `waitMs`) until its connection is closed, so
	 * that the caller may close the database and remove its files right after.
	 */
	stop(waitMs = 5000): void {
		if (this.#stopped) return;
		this.#stopped = true;
		// A thread that has died holds nothing, and would never answer: the wait was 5 s lost.
		if (!this.#running) return;
		this.#worker.postMessage('stop');
		Atomics.wait(this.#stoppedFlag, 0, 0, waitMs);
	}
}
