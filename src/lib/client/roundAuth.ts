import { getContext, setContext } from 'svelte';

/** The round and this device's secret, for the few HTTP calls a live page makes (sound). */
export interface RoundAuth {
	readonly code: string;
	readonly token: string;
}

const KEY = Symbol('kleed-round-auth');

/** Call during component init, beside `setRound` (RoundProvider does). */
export function setRoundAuth(auth: RoundAuth): RoundAuth {
	return setContext(KEY, auth);
}

export function useRoundAuth(): RoundAuth {
	const auth = getContext<RoundAuth | undefined>(KEY);
	if (!auth) throw new Error('useRoundAuth() needs a setRoundAuth() in a parent component');
	return auth;
}
