import { m } from '$lib/paraglide/messages.js';
import type { Presence, Step } from '$lib/protocol';

/** Dutch (or the reader's language) names for protocol values. One place, so wording stays consistent. */
export const stepName: Record<Step, () => string> = {
	opening: m.step_opening,
	choice: m.step_choice,
	deepening: m.step_deepening,
	broadening: m.step_broadening,
	closing: m.step_closing
};

export const stepAbout: Record<Step, () => string> = {
	opening: m.step_opening_about,
	choice: m.step_choice_about,
	deepening: m.step_deepening_about,
	broadening: m.step_broadening_about,
	closing: m.step_closing_about
};

export const presenceName: Record<Presence, () => string> = {
	room: m.presence_room,
	remote: m.presence_remote
};

/** "ABC234" -> ["ABC", "234"]: two groups are easier to read off a wall and to type. */
export function codeGroups(code: string): [string, string] {
	return [code.slice(0, 3), code.slice(3)];
}

export function formatCode(code: string): string {
	return codeGroups(code).join(' ');
}

/** "3 harten" / "1 hart" */
export function heartsText(count: number): string {
	return count === 1 ? m.hearts_one() : m.hearts_many({ count });
}

/** A participant's name, or our words for a story without one. */
export function ownerName(name: string | null): string {
	return name ?? m.without_name();
}

/** "1:05", "12:00", "1:02:03": minutes and seconds, rounded up so 0:00 means the time is up. */
export function formatDuration(ms: number): string {
	const total = Math.ceil(Math.max(0, ms) / 1000);
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	const ss = String(seconds).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}
