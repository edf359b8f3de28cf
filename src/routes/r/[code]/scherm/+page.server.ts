import { env } from '$env/dynamic/private';
import type { PageServerLoad } from './$types';

/**
 * Whether this server has audio (LiveKit): only then does the room's screen offer its sound
 * controls. A yes/no only; the address and keys stay on the server.
 */
export const load: PageServerLoad = () => ({ audio: Boolean(env.LIVEKIT_URL) });
