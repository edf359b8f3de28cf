import type { TrainingContent } from '../types';

/** Training content in tr: see ../content.ts for what each list is for. */
export const tr: TrainingContent = {
	names: [],
	stories: [],
	happy: [],
	objects: [],
	takeaways: [],
	kindWords: []
};
