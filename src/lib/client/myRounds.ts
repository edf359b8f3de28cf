/**
 * The rounds this device leads: a facilitator who closes the tab, or whose laptop restarts, gets
 * back into their own round from the start page or from the bare address `/r/CODE/begeleider`.
 * Kept in this device's localStorage (never sent anywhere) until the round is erased, or the
 * server says it is gone. The trade-off (the key stays on the device) is in docs/security.md.
 *
 * Only facilitator pages and the start page load this module; participant pages reach it through
 * a dynamic import (storage.ts `forgetRound`), so it adds nothing to their first load.
 */

export interface MyRound {
	code: string;
	/** The facilitator key: what `#key=` carries. */
	key: string;
	/** The round's title when it was last opened here ('' for none). */
	title: string;
	/** When this device last opened the round (ms since the epoch): newest first. */
	at: number;
}

/** What a storage must do for this module (window.localStorage; a stand-in in tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const MY_ROUNDS_KEY = 'kleed:my-rounds';
/** Enough for a facilitator's rounds of some weeks; the oldest is forgotten first. */
export const MY_ROUNDS_MAX = 10;

/** This device's localStorage, or null where it cannot remember. */
export function local(): KeyValueStore | null {
	try {
		return window.localStorage;
	} catch {
		// Private mode, a locked-down laptop, or no window: this device cannot remember.
		return null;
	}
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function valid(v: unknown): v is MyRound {
	if (typeof v !== 'object' || v === null) return false;
	const r = v as Partial<MyRound>;
	return (
		isText(r.code) &&
		isText(r.key) &&
		typeof r.title === 'string' &&
		typeof r.at === 'number' &&
		Number.isFinite(r.at)
	);
}

/** The rounds this device remembers, the one opened last first. Broken entries are skipped. */
export function myRounds(store: KeyValueStore | null = local()): MyRound[] {
	let list: unknown;
	try {
		const raw = store?.getItem(MY_ROUNDS_KEY);
		list = raw == null ? [] : JSON.parse(raw);
	} catch {
		return [];
	}
	if (!Array.isArray(list)) return [];
	return list.filter(valid).sort((a, b) => b.at - a.at);
}

function save(list: MyRound[], store: KeyValueStore | null): void {
	try {
		if (list.length === 0) store?.removeItem(MY_ROUNDS_KEY);
		else store?.setItem(MY_ROUNDS_KEY, JSON.stringify(list));
	} catch {
		// Full or forbidden: the round still works, this device just will not remember it.
	}
}

/** Remembers (or refreshes) a round this device leads. */
export function rememberRound(
	round: { code: string; key: string; title?: string | null },
	store: KeyValueStore | null = local(),
	now = Date.now()
): void {
	if (!isText(round.code) || !isText(round.key)) return;
	const others = myRounds(store).filter((r) => r.code !== round.code);
	const entry: MyRound = { code: round.code, key: round.key, title: round.title ?? '', at: now };
	save([entry, ...others].slice(0, MY_ROUNDS_MAX), store);
}

/** The facilitator key this device keeps for a round, if any. */
export function rememberedKey(code: string, store: KeyValueStore | null = local()): string | null {
	return myRounds(store).find((r) => r.code === code)?.key ?? null;
}

/** Forgets a round (erased, gone, or its key refused). */
export function forgetMyRound(code: string, store: KeyValueStore | null = local()): void {
	const list = myRounds(store);
	const rest = list.filter((r) => r.code !== code);
	if (rest.length !== list.length) save(rest, store);
}
