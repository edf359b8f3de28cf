import { m } from '$lib/paraglide/messages.js';
import type { IntentError, IntentResult } from '$lib/round/intents';

/**
 * What we tell a person when the server refused an action. The server's `message` is English and
 * meant for developers; people get our own short Dutch sentence per kind of error.
 */
const errorText: Record<IntentError, () => string> = {
	invalid: m.intent_error_invalid,
	forbidden: m.intent_error_forbidden,
	conflict: m.intent_error_conflict,
	not_found: m.intent_error_not_found,
	rate_limited: m.intent_error_rate_limited,
	server_error: m.intent_error_server,
	round_full: m.intent_error_round_full,
	too_large: m.intent_error_too_large,
	storage_full: m.intent_error_storage_full,
	storage_error: m.intent_error_storage
};

/** The sentence for a failed result, or null when it succeeded. */
export function intentErrorText(result: IntentResult): string | null {
	if (result.ok) return null;
	return (errorText[result.error] ?? m.intent_error_server)();
}

/** For a rejected send: the connection closed for good or the page is going away. */
export function closedErrorText(): string {
	return m.intent_error_closed();
}
