import type { AudioGrant } from '$lib/protocol';
import type { ApiResult } from '../api';
import type { AudioProblem } from './room';

/**
 * Turns our server's answer to "may this device join the sound?" into a grant or a problem a
 * person can act on. Anything that may pass by itself (a dropped request, a proxy hiccup, a busy
 * server) is 'network', which AudioSession retries; the rest is final.
 */
export function grantOrProblem(
	result: ApiResult<AudioGrant>
): AudioGrant | { problem: AudioProblem } {
	if (result.ok) {
		const { url, token, identity } = result.data;
		if (typeof url === 'string' && typeof token === 'string' && typeof identity === 'string') {
			return { url, token, identity };
		}
		return { problem: 'network' };
	}
	if (result.kind === 'network') return { problem: 'network' };
	// A 503 from a proxy in front of us is a hiccup; only our own answer means "not set up".
	if (result.status === 503 && result.body?.error === 'audio_not_configured') {
		return { problem: 'not_configured' };
	}
	// 401: the token is no longer valid; 403: this device may not (the shared tablet, or a
	// participant asking to be the room); 404: the round is gone. Trying again will not help.
	if (result.status === 401 || result.status === 403 || result.status === 404) {
		return { problem: 'refused' };
	}
	return { problem: 'network' };
}
