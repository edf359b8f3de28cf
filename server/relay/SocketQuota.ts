/** The caps a quota enforces (see limits.ts). */
export interface SocketQuotaLimits {
	maxSocketsPerPerson: number;
	maxSocketsPerAddress: number;
}

/** Why a socket was refused: which cap it met. */
export type QuotaRefusal = 'person' | 'address';

/**
 * Counts open sync sockets per person (one identity in one round) and per client address, and
 * refuses one more beyond either cap. Counted when a socket is admitted, before its handshake,
 * so a thousand upgrades in one burst cannot slip past; each admitted socket gives its place
 * back once, when it ends (or its handshake fails).
 */
export class SocketQuota {
	readonly #limits: SocketQuotaLimits;
	readonly #perPerson = new Map<string, number>();
	readonly #perAddress = new Map<string, number>();

	constructor(limits: SocketQuotaLimits) {
		this.#limits = limits;
	}

	/**
	 * Takes a place for a socket of `person` (e.g. `round:participantId`, or `round:role` for the
	 * roles without a person) from `address`; `shared` (a role's link, held by several people)
	 * multiplies the person's cap. Returns a release function, or which cap refused.
	 */
	admit(
		person: string,
		address: string,
		shared = 1
	): { release(): void } | { refused: QuotaRefusal } {
		const people = this.#perPerson.get(person) ?? 0;
		if (people >= this.#limits.maxSocketsPerPerson * shared) return { refused: 'person' };
		const fromAddress = this.#perAddress.get(address) ?? 0;
		if (fromAddress >= this.#limits.maxSocketsPerAddress) return { refused: 'address' };
		this.#perPerson.set(person, people + 1);
		this.#perAddress.set(address, fromAddress + 1);
		let released = false;
		return {
			release: () => {
				if (released) return;
				released = true;
				decrement(this.#perPerson, person);
				decrement(this.#perAddress, address);
			}
		};
	}

	/** Open sockets counted for this address (tests, health). */
	atAddress(address: string): number {
		return this.#perAddress.get(address) ?? 0;
	}
}

function decrement(counts: Map<string, number>, key: string): void {
	const n = (counts.get(key) ?? 0) - 1;
	if (n <= 0) counts.delete(key);
	else counts.set(key, n);
}
