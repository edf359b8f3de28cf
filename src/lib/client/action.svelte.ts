import type { IntentResult } from '$lib/round/intents';
import { closedErrorText, intentErrorText } from './intentErrors';

/**
 * A click handler that acts once per press. The browser counts clicks on one spot in quick
 * succession in `detail` (a double tap on a tablet too): the second one of a double tap is the
 * same press, even when the first was already answered and the button under the finger is now
 * another one (the next row of a list that lost one). Keyboard presses (`detail` 0) always act.
 */
export function once<E extends { detail: number }>(act: (event: E) => unknown): (event: E) => void {
	return (event) => {
		if (event.detail > 1) return;
		void act(event);
	};
}

/**
 * The state of one button or form that sends an intent: busy while waiting for the server, what
 * is on its way (`pending`, to show "wordt verstuurd…" beside it), and the Dutch error to show
 * when it failed. Each form keeps its own, so an error appears next to what caused it.
 */
export class Action {
	busy = $state(false);
	error = $state<string | null>(null);
	/** The key given with the send now on its way (an item's id, an answer); null when none. */
	pending = $state<string | null>(null);

	/**
	 * Sends, waits for the answer; resolves with the result, or null when it could not be sent.
	 * One at a time: a press while the last one waits for the server is the same press again,
	 * and sends nothing (resolves null at once).
	 */
	async run(send: () => Promise<IntentResult>, key = ''): Promise<IntentResult | null> {
		if (this.busy) return null;
		this.busy = true;
		this.pending = key;
		this.error = null;
		try {
			const result = await send();
			this.error = intentErrorText(result);
			return result;
		} catch {
			this.error = closedErrorText();
			return null;
		} finally {
			this.busy = false;
			this.pending = null;
		}
	}

	/** A click handler for a button: sends once per press (see `once`), never twice at a time. */
	press(send: () => Promise<IntentResult>, key = ''): (event: { detail: number }) => void {
		return once(() => this.run(send, key));
	}

	/** True while the send given `key` waits for the server. */
	sending(key: string): boolean {
		return this.pending === key;
	}

	clear(): void {
		this.error = null;
	}
}
