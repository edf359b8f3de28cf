import type { TrainingContent } from '../types';

/** Training content in ar: see ../content.ts for what each list is for. */
export const ar: TrainingContent = {
	names: [],
	stories: [],
	happy: [],
	objects: [],
	takeaways: [],
	kindWords: []
};
