import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// Nothing but Kleed itself: no fonts, scripts or pixels from anywhere else. SvelteKit adds
		// nonces for its own inline scripts. hooks.server.ts adds the LiveKit server to connect-src
		// when audio is configured. Inline style attributes (Svelte's `style:`) need 'unsafe-inline'
		// for styles only.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'media-src': ['self', 'blob:'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				// Only Kleed itself (the demo view of a practice round frames its own pages).
				'frame-ancestors': ['self']
			}
		}
	}
};

export default config;
