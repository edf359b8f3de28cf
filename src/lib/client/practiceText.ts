import { m } from '$lib/paraglide/messages.js';
import type { PracticeLanguage, PracticeSpeed, Step } from '$lib/protocol';
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
