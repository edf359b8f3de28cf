import type { Handle } from '@sveltejs/kit';
import { paraglideMiddleware } from '$lib/paraglide/server';

const SECURITY_HEADERS: Record<string, string> = {
	// The facilitator page must not be framed by another site (clickjacking on the step buttons).
	'X-Frame-Options': 'DENY',
	'X-Content-Type-Options': 'nosniff',
	// Secrets live in the URL fragment, which browsers never send as Referer; belt and braces.
	'Referrer-Policy': 'same-origin'
};

/**
 * Runs every page request inside paraglide's locale context and writes the chosen locale into
 * `<html lang>`, so screen readers pronounce the page in the right language.
 */
export const handle: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, async ({ request, locale }) => {
		event.request = request;
		const response = await resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
			// Some responses (e.g. fetched ones passed through) have immutable headers: skip those.
			try {
				response.headers.set(name, value);
			} catch {
				break;
			}
		}
		return response;
	});
