import { m } from '$lib/paraglide/messages.js';
import type { PracticeGuest, PracticeLanguage, PracticeSpeed, Step } from '$lib/protocol';
import type { KleedIcon } from '$lib/round/doc';
import { kleedPictograms } from './icons';
import { languages } from './locale';

/** Each language by its own name: a trainee picks the neighbours' language whatever the page's. */
export const languageName = (language: PracticeLanguage): string =>
	languages.find((l) => l.locale === language)?.name ?? language;

/** The neighbours' speeds, in the page's language. */
export const speedName: Record<PracticeSpeed, () => string> = {
	calm: m.practice_speed_calm,
	normal: m.practice_speed_normal,
	fast: m.practice_speed_fast
};

/** What a trainee practises in each step, added to the facilitator's guide in a practice round. */
export const practiceTip: Record<Step, () => string> = {
	opening: m.practice_tip_opening,
	choice: m.practice_tip_choice,
	deepening: m.practice_tip_deepening,
	broadening: m.practice_tip_broadening,
	closing: m.practice_tip_closing
};

/**
 * What the neighbour without a device says or does in this step, for the trainee to add them and
 * write it down (null: nothing in this step).
 */
export function guestLine(step: Step, guest: PracticeGuest): string | null {
	const { name } = guest;
	switch (step) {
		case 'opening':
			return m.practice_guest_opening({
				name,
				object: kleedPictograms[guest.object as KleedIcon]?.label() ?? guest.object
			});
		case 'choice':
			return m.practice_guest_choice({ name, story: guest.story });
		case 'broadening':
			return m.practice_guest_broadening({ name });
		case 'closing':
			return m.practice_guest_closing({ name, takeaway: guest.takeaway });
		default:
			return null;
	}
}
