import { getHealth } from '../api';
import { audioConfigured } from './available';

/** How long to wait before asking again when the server could not be asked. */
const RETRY_MS = 10_000;

let configured = $state<boolean | null>(null);
let asking = false;

async function ask(): Promise<void> {
	asking = true;
	const answer = audioConfigured(await getHealth());
	if (answer === null) {
		setTimeout(() => void ask(), RETRY_MS);
		return;
	}
	configured = answer;
	asking = false;
}

/**
 * Whether this server has sound: true, false, or null while we do not know yet. Asked once per
 * page, on the first read. Join buttons show only on true: without an audio server they would
 * only lead to an error (#14).
 */
export function audioAvailable(): boolean | null {
	if (configured === null && !asking && typeof window !== 'undefined') void ask();
	return configured;
}
