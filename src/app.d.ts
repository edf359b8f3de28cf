// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		// interface Error {}
		// interface Locals {}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
	interface Window {
		/** A language tapped before the app ran, kept by the script in app.html. */
		kleedLocale?: string;
	}
}

export {};
