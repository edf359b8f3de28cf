import type { TrainingContent } from '../types';

/** Training content in en: see ../content.ts for what each list is for. */
export const en: TrainingContent = {
	names: [],
	stories: [],
	happy: [],
	objects: [],
	takeaways: [],
	kindWords: []
};
