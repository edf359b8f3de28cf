import type { IntentResult } from '$lib/round/intents';
import { closedErrorText, intentErrorText } from './intentErrors';

/**
 * The state of one button or form that sends an intent: busy while waiting, and the Dutch error
 * to show when it failed. Each form keeps its own, so an error appears next to what caused it.
 */
export class Action {
	busy = $state(false);
	error = $state<string | null>(null);

	/** Sends, waits for the answer; resolves with the result, or null when it could not be sent. */
	async run(send: () => Promise<IntentResult>): Promise<IntentResult | null> {
		this.busy = true;
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
		}
	}

	clear(): void {
		this.error = null;
	}
}
