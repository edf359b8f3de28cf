import { afterAll, afterEach, beforeAll } from 'vitest';
import { intents } from './intents.ts';
import { provider, startChild, synced, tempDir, type ChildServer } from './server.ts';

/**
 * A test file's own Kleed server as a child process (so it can be SIGKILLed), with a data folder,
 * devices that are cleaned up after each test, and a crash-and-restart on the same data and port.
 */
export function childServerSuite() {
	let dir: ReturnType<typeof tempDir>;
	let server: ChildServer;
	const cleanups: (() => void)[] = [];

	beforeAll(async () => {
		dir = tempDir();
		server = await startChild(dir.path);
	});
	afterEach(() => {
		for (const cleanup of cleanups.splice(0)) cleanup();
	});
	afterAll(async () => {
		server.process.kill('SIGKILL');
		await server.exited;
		dir.remove();
	});

	return {
		get port() {
			return server.port;
		},
		/** The server's data folder (kleed.db), e.g. to read what it stored. */
		get dataDir() {
			return dir.path;
		},
		/** The server's process, e.g. to freeze it with SIGSTOP (SIGKILL in afterAll ends it anyway). */
		get process() {
			return server.process;
		},
		/** Runs `fn` after the current test. */
		onCleanup(fn: () => void) {
			cleanups.push(fn);
		},
		/** SIGKILL, as a crash. */
		async kill() {
			server.process.kill('SIGKILL');
			await server.exited;
		},
		/** Starts again on the same data and port; clients reconnect by themselves. */
		async restart() {
			server = await startChild(dir.path, server.port);
		},
		/** SIGKILL, then start again on the same data and port. */
		async crashAndRestart() {
			await this.kill();
			await this.restart();
		},
		/** A stock provider on the round, synced, with `send` for intents. */
		async device(code: string, token: string) {
			const d = provider(server.port, code, token);
			cleanups.push(d.destroy);
			await synced(d.provider);
			return { ...d, send: intents(d.provider) };
		}
	};
}
