/**
 * Training content for practice rounds (#16): what simulated neighbours say and bring. Written
 * for practice, in every language of the app: kind, everyday, not sensitive, B1. Nothing from a
 * real round is ever used. One file per language under `content/`; `docs/practice.md` says how
 * to change it.
 */
import { ar } from './content/ar';
import { en } from './content/en';
import { nl } from './content/nl';
import { tr } from './content/tr';
import type { PracticeLanguage, TrainingContent } from './types';

export { PRACTICE_LANGUAGES, type PracticeLanguage, type TrainingContent } from './types';

const CONTENT: Record<PracticeLanguage, TrainingContent> = { nl, en, tr, ar };

export function trainingContent(language: PracticeLanguage): TrainingContent {
	return CONTENT[language];
}
