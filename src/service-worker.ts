/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * Kleed's service worker: the app keeps opening on community-centre wifi that drops.
 *
 * - The app shell (built JS/CSS, fonts, icons, manifest) is precached and served cache-first:
 *   those files are immutable per version, so the cache is never stale.
 * - Page navigations go to the network first; the last good copy of that page (or the start
 *   page) answers when the network is gone. Pages carry no round data: everything about a round
 *   arrives over the websocket after the page has loaded.
 * - Never cached: `/api/*` (round info, sessions, tokens), the sync websocket, anything that is
 *   not a plain same-origin GET. Privacy: no story, name or token may end up in a cache.
 * - On activate, caches of older versions are deleted.
 * - The built files under `_app/immutable/` are answered by the browser itself from this
 *   version's cache (a static route, `InstallEvent.addRoutes`), without waking this worker's
 *   script for each of them: on an old tablet that saved main-thread and worker time for the
 *   page's 22 scripts and 8 stylesheets (#18, docs/performance.md §6). Browsers without static
 *   routes use the fetch handler below, which does the same from the same cache.
 */
import { base, build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL_CACHE = `kleed-shell-${version}`;
const PAGES_CACHE = `kleed-pages-${version}`;
/** Built files and static files; `.gz`/`.br` siblings are the server's business, not ours. */
const SHELL = [...build, ...files.filter((file) => !/\.(gz|br)$/.test(file))];
const SHELL_SET = new Set(SHELL);

/** `InstallEvent.addRoutes` (the service worker static routing API; not in TypeScript's lib yet). */
interface RouterInstallEvent extends ExtendableEvent {
	addRoutes?: (
		rules: { condition: { urlPattern: unknown }; source: { cacheName: string } | 'network' }[]
	) => Promise<void>;
}

sw.addEventListener('install', (event) => {
	const routes = (event as RouterInstallEvent).addRoutes;
	const Pattern = (globalThis as { URLPattern?: new (init: { pathname: string }) => unknown })
		.URLPattern;
	if (routes && Pattern) {
		// Served from the cache this install fills; a file missing there goes to the network.
		event.waitUntil(
			routes
				.call(event, [
					{
						condition: { urlPattern: new Pattern({ pathname: `${base}/_app/immutable/*` }) },
						source: { cacheName: SHELL_CACHE }
					},
					// Never cached (see isPrivate): straight to the network, no detour through here.
					...['/api/*', '/sync/*'].map((path) => ({
						condition: { urlPattern: new Pattern({ pathname: base + path }) },
						source: 'network' as const
					}))
				])
				.catch(() => undefined)
		);
	}
	event.waitUntil(
		(async () => {
			const cache = await caches.open(SHELL_CACHE);
			await cache.addAll(SHELL);
			// The start page, so a tablet that opened Kleed once can open it again without wifi.
			await savePage(await caches.open(PAGES_CACHE), new Request('/')).catch(() => undefined);
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key !== SHELL_CACHE && key !== PAGES_CACHE) await caches.delete(key);
			}
			await sw.clients.claim();
		})()
	);
});

/** Never from (or into) a cache: the API and the relay carry round data and tokens. */
function isPrivate(url: URL): boolean {
	return url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync');
}

/** Fetches a page and keeps a copy when it is a plain, successful HTML page. */
async function savePage(cache: Cache, request: Request): Promise<Response> {
	const response = await fetch(request);
	const type = response.headers.get('content-type') ?? '';
	if (response.ok && response.type === 'basic' && type.startsWith('text/html')) {
		// Keyed without query or fragment: pages never depend on them for their shell.
		const url = new URL(request.url);
		await cache.put(url.origin + url.pathname, response.clone());
	}
	return response;
}

async function navigate(request: Request): Promise<Response> {
	const cache = await caches.open(PAGES_CACHE);
	try {
		return withoutPreloads(await savePage(cache, request));
	} catch (err) {
		const url = new URL(request.url);
		const cached =
			(await cache.match(url.origin + url.pathname)) ?? (await cache.match(url.origin + '/'));
		if (cached) return withoutPreloads(cached);
		throw err;
	}
}

/**
 * A page answered from here, without the preloads of its `Link` header. They help a first visit
 * (every module asked for at once, over the network); with the files in this worker's cache they
 * only got in the way: on an old tablet the browser compiled the 22 preloaded modules before it
 * finished the page and drew it, so the join form (drawn by the server) showed later (#18,
 * docs/performance.md §6). The page's own script asks for its modules anyway.
 */
function withoutPreloads(response: Response): Response {
	const link = response.headers.get('link');
	if (!link?.includes('preload')) return response;
	const headers = new Headers(response.headers);
	const kept = link
		.split(/,\s*(?=<)/)
		.filter((entry) => !/;\s*rel="?(module)?preload"?/.test(entry));
	if (kept.length > 0) headers.set('link', kept.join(', '));
	else headers.delete('link');
	return new Response(response.body, {
		status: response.status,
		statusText: response.statusText,
		headers
	});
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || isPrivate(url)) return;

	if (request.mode === 'navigate') {
		event.respondWith(navigate(request));
		return;
	}
	if (SHELL_SET.has(url.pathname)) {
		event.respondWith(
			(async () => {
				const cached = await caches.match(url.pathname, { cacheName: SHELL_CACHE });
				return cached ?? fetch(request);
			})()
		);
	}
	// Anything else (e.g. /_app/version.json) goes to the network as usual.
});
