import { PRESENCES, type Presence } from '$lib/protocol';

/**
 * Browser storage for the few things a page must remember. Every access is guarded: Safari in
 * private mode and locked-down tablets throw on storage access, and the app must still work
 * (it then just forgets on reload).
 */

/** A participant's identity: kept across reloads so a sleeping tablet comes back as the same person. */
export interface StoredParticipant {
	participantId: string;
	token: string;
	name: string;
	presence: Presence;
	/** Asked to join a locked round and not let in yet: poll the session, do not connect. */
	waiting?: boolean;
}

type Area = 'local' | 'session';

function area(which: Area): Storage | null {
	try {
		return which === 'local' ? window.localStorage : window.sessionStorage;
	} catch {
		return null;
	}
}

function read(which: Area, key: string): unknown {
	try {
		const raw = area(which)?.getItem(key);
		return raw == null ? null : (JSON.parse(raw) as unknown);
	} catch {
		return null;
	}
}

function write(which: Area, key: string, value: unknown): void {
	try {
		area(which)?.setItem(key, JSON.stringify(value));
	} catch {
		// Full or forbidden: the page keeps working, it only forgets on reload.
	}
}

function remove(which: Area, key: string): void {
	try {
		area(which)?.removeItem(key);
	} catch {
		// See write().
	}
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const participantKey = (code: string) => `kleed:participant:${code}`;

export function loadParticipant(code: string): StoredParticipant | null {
	const v = read('local', participantKey(code)) as Partial<StoredParticipant> | null;
	if (!v || !isString(v.participantId) || !isString(v.token) || !isString(v.name)) return null;
	const presence = PRESENCES.includes(v.presence as Presence) ? (v.presence as Presence) : 'room';
	const me: StoredParticipant = {
		participantId: v.participantId,
		token: v.token,
		name: v.name,
		presence
	};
	if (v.waiting === true) me.waiting = true;
	return me;
}

export function saveParticipant(code: string, participant: StoredParticipant): void {
	write('local', participantKey(code), participant);
}

export function forgetParticipant(code: string): void {
	remove('local', participantKey(code));
}

/** Forgets every identity and secret this device keeps for a round (after it was erased). */
export function forgetRound(code: string): void {
	forgetParticipant(code);
	for (const role of SECRET_ROLES) forgetSecret(role, code);
	// Text typed before a change of language that never found its field again (drafts.ts).
	remove('session', 'kleed:drafts');
}

// Facilitator key and the read-only tokens (projector, observer, shared tablet): per tab only
// (sessionStorage), so a secret does not linger on a shared community-centre laptop after the
// browser is closed.
const SECRET_ROLES = ['facilitator', 'projector', 'observer', 'tablet'] as const;
export type SecretRole = (typeof SECRET_ROLES)[number];

const secretKey = (role: SecretRole, code: string) => `kleed:${role}:${code}`;

export function loadSecret(role: SecretRole, code: string): string | null {
	const v = read('session', secretKey(role, code));
	return isString(v) ? v : null;
}

export function saveSecret(role: SecretRole, code: string, secret: string): void {
	write('session', secretKey(role, code), secret);
}

export function forgetSecret(role: SecretRole, code: string): void {
	remove('session', secretKey(role, code));
	// A facilitator key refused or gone: this device stops offering the round (myRounds.ts).
	// Imported on demand: participant pages reach this function and must not load that module.
	if (role === 'facilitator') {
		void import('./myRounds')
			.then(({ forgetMyRound }) => forgetMyRound(code))
			.catch(() => {
				// Offline and the chunk not cached: the start page checks its rounds again.
			});
	}
}

// The timer chime, per device: the projector may chime while the facilitator's laptop stays quiet.
const chimeKey = 'kleed:chime-muted';

export function loadChimeMuted(): boolean {
	return read('local', chimeKey) === true;
}

export function saveChimeMuted(muted: boolean): void {
	write('local', chimeKey, muted);
}
