import { timingSafeEqual } from 'node:crypto';
import {
	chmodSync,
	existsSync,
	mkdirSync,
	readFileSync,
	renameSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { hashSecret, newSecret } from './tokens.ts';

/** The file in DATA_DIR that holds the coordinator key's hash (never the key itself). */
export const COORDINATOR_FILE = 'coordinator-key';

/**
 * The installation's one coordinator link (#17). Its key is made at the first start and shown
 * once (server/index.ts prints it); DATA_DIR keeps only its SHA-256, in a file readable by the
 * server's user alone (mode 0600). A new link: `npm run coordinator:new` (or delete the file and
 * restart), which makes the old link stop working at once: the file is read again when it changes.
 */
export class CoordinatorKey {
	readonly #file: string | null;
	#hash: Buffer | null = null;
	#mtime = -1;

	/** `dataDir` null: no file (an in-memory test server); `ensure` then keeps the hash in memory. */
	constructor(dataDir: string | null) {
		this.#file = dataDir === null ? null : join(dataDir, COORDINATOR_FILE);
	}

	/** Makes a key when there is none yet; returns it (to show once), or null when one existed. */
	ensure(): string | null {
		if (this.#current()) return null;
		return this.renew();
	}

	/** A new key: the old one stops working. Returns the new key (shown once, never stored). */
	renew(): string {
		const key = newSecret();
		const hash = hashSecret(key);
		if (this.#file) {
			mkdirSync(join(this.#file, '..'), { recursive: true });
			const temp = `${this.#file}.new`;
			writeFileSync(temp, `${hash.toString('hex')}\n`, { mode: 0o600 });
			chmodSync(temp, 0o600); // the mode of a file that was there already is kept otherwise
			renameSync(temp, this.#file);
		}
		this.#hash = hash;
		this.#mtime = this.#file ? statSync(this.#file).mtimeMs : 0;
		return key;
	}

	/** Whether `key` is the coordinator's key (constant-time on the hashes). */
	verify(key: string): boolean {
		if (key.length === 0 || key.length > 200) return false;
		const hash = this.#current();
		return !!hash && timingSafeEqual(hashSecret(key), hash);
	}

	/** The stored hash, read again when the file changed (a new link made by the script). */
	#current(): Buffer | null {
		if (!this.#file) return this.#hash;
		if (!existsSync(this.#file)) return (this.#hash = null);
		const mtime = statSync(this.#file).mtimeMs;
		if (mtime !== this.#mtime) {
			const hex = readFileSync(this.#file, 'utf8').trim();
			this.#hash = /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
			this.#mtime = mtime;
		}
		return this.#hash;
	}
}
