import { replaceState } from '$app/navigation';
import { page } from '$app/state';

/** Reads `name` from the URL fragment (`#key=…`, `#token=…`). Fragments never reach a server. */
export function fragmentParam(name: string): string | null {
	const value = new URLSearchParams(window.location.hash.replace(/^#/, '')).get(name);
	return value && value.length > 0 ? value : null;
}

/**
 * Takes the fragment (and the secret in it) out of the address bar, without a navigation.
 * Call from `afterNavigate`: on a fresh page load SvelteKit marks its router ready only after
 * those callbacks have run, hence the timeout.
 */
export function removeFragment(): void {
	// '' resolves to the current URL without its fragment.
	setTimeout(() => replaceState('', page.state), 0);
}
