/**
 * Training content for practice rounds (#16): what simulated neighbours say and bring. Written
 * for practice, in every language of the app: kind, everyday, not sensitive, B1. Nothing from a
 * real round is ever used. One file per language under `content/`; `docs/practice.md` says how
 * to change it.
 */
import { ar } from './content/ar.ts';
import { en } from './content/en.ts';
import { nl } from './content/nl.ts';
import { tr } from './content/tr.ts';
import type { PracticeLanguage, TrainingContent } from './types.ts';

export { PRACTICE_LANGUAGES, type PracticeLanguage, type TrainingContent } from './types.ts';

const CONTENT: Record<PracticeLanguage, TrainingContent> = { nl, en, tr, ar };

export function trainingContent(language: PracticeLanguage): TrainingContent {
	return CONTENT[language];
}
