import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

export interface CheckpointResult {
	/** Another connection held the database: nothing or not everything was copied. */
	busy: number;
	/** Frames in the log. */
	log: number;
	/** Frames copied into the database file. */
	checkpointed: number;
}

/**
 * WAL checkpoints off the event loop. The relay commits a transaction per loop turn; SQLite's
 * automatic checkpoint (every 1,000 log pages) then runs inside one of those commits and waits for
 * the disk, which at 300 rounds stalled every round's messages for up to half a second
 * (docs/performance.md). The main connection has automatic checkpoints off (db.ts); a worker
 * thread with its own connection checkpoints every `intervalMs` without blocking the writer.
 * Erasing a round still checkpoints (TRUNCATE) on the main connection: that must be done before
 * the erase returns.
 */
export class Checkpointer {
	readonly #worker: Worker;
	/** Set to 1 by the worker once its connection is closed. */
	readonly #stoppedFlag = new Int32Array(new SharedArrayBuffer(4));
	#last: CheckpointResult | null = null;
	#stopped = false;

	constructor(file: string, log: Logger, intervalMs = 1000) {
		this.#worker = new Worker(new URL('./checkpointWorker.js', import.meta.url), {
			workerData: { file, intervalMs, stopped: this.#stoppedFlag.buffer }
		});
		this.#worker.on('message', (message: { type: string; message?: string } & CheckpointResult) => {
			if (message.type === 'checkpoint') {
				this.#last = { busy: message.busy, log: message.log, checkpointed: message.checkpointed };
			} else {
				log.warn({ err: message.message }, 'a WAL checkpoint failed; the next one retries');
			}
		});
		// Never the process: without checkpoints the log only grows until the next start.
		this.#worker.on('error', (err) => log.error({ err }, 'the checkpoint thread stopped'));
		this.#worker.unref();
	}

	/** The last checkpoint's result, or null before the first. */
	get last(): CheckpointResult | null {
		return this.#last;
	}

	/**
	 * Stops the thread and waits (blocking, at most `waitMs`) until its connection is closed, so
	 * that the caller may close the database and remove its files right after.
	 */
	stop(waitMs = 5000): void {
		if (this.#stopped) return;
		this.#stopped = true;
		this.#worker.postMessage('stop');
		Atomics.wait(this.#stoppedFlag, 0, 0, waitMs);
	}
}
