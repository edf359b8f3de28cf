/**
 * The groups this device works for (#17), like the rounds it leads (myRounds.ts): a facilitator
 * opens the group's link once and finds the group again on the start page. Kept in this device's
 * localStorage only (never sent anywhere) until the group is erased or its key is refused. The
 * coordinator's key is kept the same way, under its own name.
 */
import { local, type KeyValueStore } from './myRounds';

export interface MyGroup {
	id: string;
	/** The group's key: what `#key=` carries. */
	key: string;
	name: string;
	/** When this device last opened the group (ms): newest first. */
	at: number;
}

export const MY_GROUPS_KEY = 'kleed:my-groups';
export const COORDINATOR_KEY = 'kleed:coordinator';
export const MY_GROUPS_MAX = 10;

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function valid(v: unknown): v is MyGroup {
	if (typeof v !== 'object' || v === null) return false;
	const g = v as Partial<MyGroup>;
	return isText(g.id) && isText(g.key) && typeof g.name === 'string' && Number.isFinite(g.at);
}

export function myGroups(store: KeyValueStore | null = local()): MyGroup[] {
	let list: unknown;
	try {
		list = JSON.parse(store?.getItem(MY_GROUPS_KEY) ?? '[]');
	} catch {
		return [];
	}
	return Array.isArray(list) ? list.filter(valid).sort((a, b) => b.at - a.at) : [];
}

function save(list: MyGroup[], store: KeyValueStore | null): void {
	try {
		if (list.length === 0) store?.removeItem(MY_GROUPS_KEY);
		else store?.setItem(MY_GROUPS_KEY, JSON.stringify(list));
	} catch {
		// Full or forbidden: the group still works; this device just will not remember it.
	}
}

export function rememberGroup(
	group: { id: string; key: string; name: string },
	store: KeyValueStore | null = local(),
	now = Date.now()
): void {
	if (!isText(group.id) || !isText(group.key)) return;
	const others = myGroups(store).filter((g) => g.id !== group.id);
	save([{ ...group, at: now }, ...others].slice(0, MY_GROUPS_MAX), store);
}

export function rememberedGroupKey(
	id: string,
	store: KeyValueStore | null = local()
): string | null {
	return myGroups(store).find((g) => g.id === id)?.key ?? null;
}

export function forgetGroup(id: string, store: KeyValueStore | null = local()): void {
	const list = myGroups(store);
	const rest = list.filter((g) => g.id !== id);
	if (rest.length !== list.length) save(rest, store);
}

export function rememberedCoordinatorKey(store: KeyValueStore | null = local()): string | null {
	try {
		return store?.getItem(COORDINATOR_KEY) ?? null;
	} catch {
		return null;
	}
}

export function rememberCoordinatorKey(key: string | null, store: KeyValueStore | null = local()) {
	try {
		if (key) store?.setItem(COORDINATOR_KEY, key);
		else store?.removeItem(COORDINATOR_KEY);
	} catch {
		// As above.
	}
}
