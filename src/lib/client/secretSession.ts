import { m } from '$lib/paraglide/messages.js';
import type { SessionInfo } from '$lib/protocol';
import { getSession, isNotFound, isRejectedToken, type ApiFailure } from './api';
import { fragmentParam, removeFragment } from './fragment';
import { forgetSecret, loadSecret, saveSecret, type SecretRole } from './storage';

/** What a page opened with a secret link shows: loading, a readable error, or the live round. */
export type PageView<Live> =
	| { kind: 'loading' }
	| { kind: 'error'; message: string; canRetry: boolean }
	| ({ kind: 'live' } & Live);

/** The error view for a failed API call; `rejected` is the message for a refused token. */
function failureView(failure: ApiFailure, rejected: string): PageView<never> {
	if (isRejectedToken(failure)) return { kind: 'error', message: rejected, canRetry: false };
	if (isNotFound(failure)) return { kind: 'error', message: m.error_round_gone(), canRetry: false };
	const message = failure.kind === 'network' ? m.error_network() : m.error_server();
	return { kind: 'error', message, canRetry: true };
}

const fragmentName: Record<SecretRole, string> = {
	facilitator: 'key',
	projector: 'token',
	observer: 'token',
	tablet: 'token'
};

/**
 * Opens a page from a secret link (`#key=` or `#token=`): takes the secret from the fragment or
 * this tab's memory, remembers it for reloads, and checks it with the server. A refused secret is
 * forgotten, so a reload asks for the right link again.
 */
export async function openWithSecret(
	role: SecretRole,
	code: string | null,
	messages: { missing: string; rejected: string }
): Promise<PageView<{ secret: string; session: SessionInfo }>> {
	if (!code) return { kind: 'error', message: m.error_round_not_found(), canRetry: false };
	const fromFragment = fragmentParam(fragmentName[role]);
	const secret = fromFragment ?? loadSecret(role, code);
	if (fromFragment) saveSecret(role, code, fromFragment);
	if (!secret) return { kind: 'error', message: messages.missing, canRetry: false };
	const session = await getSession(code, secret);
	if (!session.ok) {
		if (isRejectedToken(session)) forgetSecret(role, code);
		return failureView(session, messages.rejected);
	}
	return { kind: 'live', secret, session: session.data };
}

/**
 * Takes the secret out of the address bar once this tab remembers it (these pages are often on
 * a projector, for everyone to read). Only then: otherwise a reload would lose it.
 */
export function hideSecretOnceSaved(role: SecretRole, code: string | null): void {
	const secret = fragmentParam(fragmentName[role]);
	if (code && secret && loadSecret(role, code) === secret) removeFragment();
}
