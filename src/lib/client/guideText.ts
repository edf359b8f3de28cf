import { m } from '$lib/paraglide/messages.js';
import type { Step } from '$lib/protocol';

/**
 * What the facilitator does and says now: shown to facilitators and observers only. In a module
 * of its own: beside the step names in text.ts, the bundler kept these long texts (in every
 * language) in the participant's first load, where they are never shown.
 */
export const stepGuide: Record<Step, () => string> = {
	opening: m.guide_opening,
	choice: m.guide_choice,
	deepening: m.guide_deepening,
	broadening: m.guide_broadening,
	closing: m.guide_closing
};
