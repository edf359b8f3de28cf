import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH } from '../src/lib/protocol.ts';

/** 256 bits of randomness, URL-safe: facilitator keys, participant and projector tokens. */
export function newSecret(): string {
	return randomBytes(32).toString('base64url');
}

/** A short id that is not secret (participant ids travel in the doc). */
export function newId(): string {
	return randomBytes(9).toString('base64url');
}

/**
 * Secrets are stored only as their SHA-256. A fast hash is right here: the secrets carry 256 bits
 * of entropy, so there is nothing to brute-force, unlike a password.
 */
export function hashSecret(secret: string): Buffer {
	return createHash('sha256').update(secret, 'utf8').digest();
}

export function newRoundCode(): string {
	let code = '';
	for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
	return code;
}

/** Roles whose token is derived from the facilitator key rather than stored. */
export type DerivedRole = 'projector' | 'observer' | 'tablet';

/**
 * Projector, observer and shared-tablet tokens are derived from the facilitator key, so any
 * facilitator device (the co-facilitator's too) can hand out those links again, while the server
 * keeps only hashes. Each role has its own label, so one token never opens another role.
 */
export function derivedToken(facilitatorKey: string, role: DerivedRole): string {
	return createHmac('sha256', facilitatorKey).update(`kleed ${role} token v1`).digest('base64url');
}

/**
 * The facilitator key of a group's prepared round (#17), derived from the group's key and the
 * round's code: any device with the group's link can start the round and open its console, while
 * the server keeps only the hashes (it sees the group's key only in the request that carries it).
 */
export function groupRoundKey(groupKey: string, code: string): string {
	return createHmac('sha256', groupKey)
		.update(`kleed group round key v1 ${code}`)
		.digest('base64url');
}
