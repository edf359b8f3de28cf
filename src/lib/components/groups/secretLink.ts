import { replaceState } from '$app/navigation';
import { page } from '$app/state';

/**
 * The key a group's or the coordinator's link carries in its fragment (`#key=…`), which is then
 * taken out of the address bar (the device keeps it in myGroups.ts). The group pages' own copy of
 * fragment.ts's two functions (src/lib/groups.ts says why).
 */
export function keyFromLink(): string | null {
	const key = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('key');
	if (!key) return null;
	// On a fresh load SvelteKit's router is ready only after the first callbacks: hence the timeout.
	setTimeout(() => replaceState('', page.state), 0);
	return key;
}
