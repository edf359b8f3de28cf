import type { ApiResult } from '../api';
import type { HealthInfo } from '$lib/protocol';

/**
 * Whether this server has sound (LiveKit), from its health answer: true or false when it said
 * so, null when we could not tell (no answer, a proxy's page): ask again later, offer nothing.
 */
export function audioConfigured(result: ApiResult<HealthInfo>): boolean | null {
	if (!result.ok) return null;
	return typeof result.data.audio === 'boolean' ? result.data.audio : null;
}
