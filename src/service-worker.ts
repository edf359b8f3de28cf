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
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL_CACHE = `kleed-shell-${version}`;
const PAGES_CACHE = `kleed-pages-${version}`;
/** Built files and static files; `.gz`/`.br` siblings are the server's business, not ours. */
const SHELL = [...build, ...files.filter((file) => !/\.(gz|br)$/.test(file))];
const SHELL_SET = new Set(SHELL);

sw.addEventListener('install', (event) => {
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
		return await savePage(cache, request);
	} catch (err) {
		const url = new URL(request.url);
		const cached =
			(await cache.match(url.origin + url.pathname)) ?? (await cache.match(url.origin + '/'));
		if (cached) return cached;
		throw err;
	}
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
