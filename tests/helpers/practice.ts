/** Practice rounds in tests: training content that does not wait for the real one, and a driver. */
import type { TrainingContent } from '../../src/lib/practice/types.ts';
import type { ManualScheduler } from './manualScheduler.ts';
import { tick } from './memoryYClient.ts';

export const TEST_CONTENT: TrainingContent = {
	names: [
		'Anna',
		'Bram',
		'Cem',
		'Dewi',
		'Esra',
		'Fatima',
		'Gerrit',
		'Hanna',
		'Ilse',
		'Jamal',
		'Karin',
		'Louis',
		'Maria-Magdalena van den Berg'
	],
	stories: [
		'Mijn buren maken veel lawaai.',
		'Ik voel me vaak alleen.',
		'Mijn fiets is gestolen.',
		'Ik slaap slecht.',
		'Mijn moeder is ziek.',
		'Ik zoek werk.',
		'Mijn kind wordt gepest.',
		'Ik mis mijn land.'
	],
	happy: [
		{ icon: 'cake', text: 'Mijn kleinzoon is jarig' },
		{ icon: 'sun', text: 'Eindelijk lente' }
	],
	objects: ['bread', 'bread', 'tea', 'fruit', 'cookie', 'flower'],
	takeaways: ['Ik ben niet de enige.', 'Praten helpt.'],
	kindWords: ['Je bent sterk.', 'Dank voor je verhaal.']
};

/**
 * Moves the manual clock in small steps, letting the relay flush between them, until `check`
 * holds: the test waits for what the doc says, never for real time.
 */
export async function driveUntil(
	scheduler: ManualScheduler,
	check: () => boolean,
	what: string,
	{ stepMs = 250, maxMs = 30 * 60_000 } = {}
): Promise<void> {
	for (let elapsed = 0; elapsed <= maxMs; elapsed += stepMs) {
		for (let i = 0; i < 3; i++) await tick();
		if (check()) return;
		scheduler.advance(stepMs);
	}
	throw new Error(`timed out (simulated ${maxMs} ms) waiting for ${what}`);
}
