import type { TrainingContent } from '../types';

/** Training content in nl: see ../content.ts for what each list is for. */
export const nl: TrainingContent = {
	names: [],
	stories: [],
	happy: [],
	objects: [],
	takeaways: [],
	kindWords: []
};
