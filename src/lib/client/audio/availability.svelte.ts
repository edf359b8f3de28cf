import { getHealth } from '../api';
import { audioConfigured } from './available';

let configured = $state<boolean | null>(null);
let asking = false;

async function ask(): Promise<void> {
	asking = true;
	configured = audioConfigured(await getHealth());
	// No answer (offline): null, asked again when a page that shows sound is opened again.
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
