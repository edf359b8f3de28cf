// Runs SQLite WAL checkpoints in a thread of their own (see Checkpointer.ts): a checkpoint copies
// the log into the database file and waits for the disk (fsync), which on the event loop stalled
// every round of the server for tens to hundreds of milliseconds under load.
// Plain JavaScript: worker threads do not get the tsx loader of the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs, restartAboveFrames, stopped } = workerData;
const stoppedFlag = new Int32Array(stopped);
const db = new Database(file);
// How long a RESTART checkpoint waits for the writer's transaction to end. The relay's
// transactions take well under a millisecond; if one does not end in time, the next round tries.
db.pragma('busy_timeout = 1000');
// This connection writes nothing; it must not checkpoint on its own either.
db.pragma('wal_autocheckpoint = 0');

function checkpoint() {
	try {
		// PASSIVE: copies what it can without waiting for, or blocking, the writer.
		let [result] = db.pragma('wal_checkpoint(PASSIVE)');
		let restarted = false;
		// The writer starts the log again from its beginning only if, when a transaction begins,
		// everything in it has been copied. Under steady writes a PASSIVE checkpoint never ends in
		// that state, and the log grew without end (240 MB after 30 s at 300 rounds,
		// docs/performance.md). Once it is long, RESTART copies the little that came in since the
		// PASSIVE one, holding new writes back meanwhile (a few milliseconds), so that the next
		// transaction starts the log again.
		if (result.log > restartAboveFrames) {
			[result] = db.pragma('wal_checkpoint(RESTART)');
			restarted = result.busy === 0;
		}
		parentPort.postMessage({ type: 'checkpoint', ...result, restarted });
	} catch (err) {
		parentPort.postMessage({ type: 'error', message: String(err?.message ?? err) });
	}
}

const timer = setInterval(checkpoint, intervalMs);
parentPort.on('message', (message) => {
	if (message === 'truncate') {
		// After the TTL sweep: erased bytes leave the log, and the log file is cut to nothing.
		try {
			const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
			parentPort.postMessage({ type: 'truncated', ...result });
		} catch (err) {
			parentPort.postMessage({ type: 'error', message: String(err?.message ?? err) });
		}
		return;
	}
	if (message === 'stop') {
		clearInterval(timer);
		db.close();
		// The main thread waits for this (Atomics.wait in Checkpointer.ts): after Kleed's close()
		// returns, no thread has the database open any more.
		Atomics.store(stoppedFlag, 0, 1);
		Atomics.notify(stoppedFlag, 0);
		parentPort.close();
	}
});
