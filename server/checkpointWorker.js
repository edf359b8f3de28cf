// Runs SQLite WAL checkpoints in a thread of their own (see checkpointer.ts): a checkpoint copies
// the log into the database file and waits for the disk (fsync), which on the event loop stalled
// every round of the server for tens to hundreds of milliseconds under load.
// Plain JavaScript: worker threads do not get the tsx loader of the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs, stopped } = workerData;
const stoppedFlag = new Int32Array(stopped);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
// This connection writes nothing; it must not checkpoint on its own either.
db.pragma('wal_autocheckpoint = 0');

function checkpoint() {
	try {
		// PASSIVE: copies what it can without waiting for, or blocking, the writer.
		const [result] = db.pragma('wal_checkpoint(PASSIVE)');
		parentPort.postMessage({ type: 'checkpoint', ...result });
	} catch (err) {
		parentPort.postMessage({ type: 'error', message: String(err?.message ?? err) });
	}
}

const timer = setInterval(checkpoint, intervalMs);
parentPort.on('message', (message) => {
	if (message === 'stop') {
		clearInterval(timer);
		db.close();
		// The main thread waits for this (Atomics.wait in checkpointer.ts): after Kleed's close()
		// returns, no thread has the database open any more.
		Atomics.store(stoppedFlag, 0, 1);
		Atomics.notify(stoppedFlag, 0);
		parentPort.close();
	}
});
