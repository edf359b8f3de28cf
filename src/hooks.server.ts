import type { Handle } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { getTextDirection } from '$lib/paraglide/runtime';

const SECURITY_HEADERS: Record<string, string> = {
	// No page may be framed by another site (clickjacking on the step buttons); CSP
	// frame-ancestors says the same to newer browsers. Kleed's own pages may: a practice round's
	// demo view (#16) shows the console, a tablet and the room's screen in frames.
	'X-Frame-Options': 'SAMEORIGIN',
	'X-Content-Type-Options': 'nosniff',
	// Secrets live in the URL fragment, which browsers never send as Referer; and we send no
	// Referer at all, so not even a round code leaves with a link someone follows.
	'Referrer-Policy': 'no-referrer',
	// Only this site may ask for the microphone (audio for people at home); nothing else.
	'Permissions-Policy': 'microphone=(self), camera=(), geolocation=(), payment=(), usb=()',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin'
};

/**
 * The LiveKit server, when audio is configured: the one other place pages may connect to — its
 * websocket, and its https origin (livekit-client checks the server over https when a connect fails).
 */
function liveKitOrigin(): string | null {
	try {
		if (!env.LIVEKIT_URL) return null;
		const url = new URL(env.LIVEKIT_URL);
		const web = new URL(url);
		web.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
		return `${url.origin} ${web.origin}`;
	} catch {
		return null;
	}
}

/**
 * Runs every page request inside paraglide's locale context and writes the chosen locale into
 * `<html lang>` (screen readers pronounce the page in the right language) and its direction into
 * `<html dir>` (Arabic reads right to left, from the first paint on); sets the security
 * headers (the CSP itself comes from `kit.csp` in svelte.config.js).
 */
export const handle: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, async ({ request, locale }) => {
		event.request = request;
		const response = await resolve(event, {
			transformPageChunk: ({ html }) =>
				html
					.replace('%paraglide.lang%', locale)
					.replace('%paraglide.dir%', getTextDirection(locale))
		});
		try {
			for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
				response.headers.set(name, value);
			}
			const liveKit = liveKitOrigin();
			const csp = response.headers.get('content-security-policy');
			if (liveKit && csp) {
				response.headers.set(
					'content-security-policy',
					csp.replace(/connect-src ([^;]*)/, `connect-src $1 ${liveKit}`)
				);
			}
		} catch {
			// Some responses (e.g. fetched ones passed through) have immutable headers.
		}
		return response;
	});
