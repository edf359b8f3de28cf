/**
 * Constants of groups, prepared rounds and the report (#17), apart from protocol.ts so that the
 * group and coordinator pages (loaded on demand from the start page) share no module with the
 * participant's pages: a module they shared would be split into a file of its own, and the
 * participant's first load is budgeted (tests/e2e/budget.e2e.ts). Imports types only.
 */
import type { Step } from './protocol.ts';

export const GROUP_NAME_MAX_LENGTH = 80;

/** Bounds of a group's template (and of a prepared round's plan). */
export const TEMPLATE_MAX = {
	/** The rounds' title (protocol.ts TITLE_MAX_LENGTH; a test holds the two together). */
	title: 80,
	/** One warm-up, mote, closing text or home instruction. */
	text: 300,
	/** Warm-ups and mote suggestions to choose from. */
	choices: 12,
	/** The group's own additions to the method's rules. */
	rules: 8,
	rule: 120,
	/** A step's timer, in minutes. */
	timerMinutes: 180
} as const;

/** The steps a template has timers for: protocol.ts STEPS (a test holds the two together). */
export const TIMER_STEPS = [
	'opening',
	'choice',
	'deepening',
	'broadening',
	'closing'
] as const satisfies readonly Step[];

/**
 * Pages of groups and the coordinator: modes of the start page (a route of their own would grow
 * the participant's first load). The keys travel in the fragment (`#key=`) only.
 */
export const groupPagePaths = {
	group: (id: string) => `/?groep=${encodeURIComponent(id)}`,
	newGroup: '/?groep',
	coordinator: '/?coordinator'
};

/** The group a report row belongs to: a group's id, a round without a group, a removed group. */
export const NO_GROUP = 'none';
export const REMOVED_GROUP = 'removed';
