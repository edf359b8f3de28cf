import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_MAP, readMeta, readPracticeRecap } from './doc.ts';

const metaWith = (practice: unknown) => {
	const doc = new Y.Doc();
	const meta = doc.getMap(DOC_MAP.meta);
	meta.set('step', 'opening');
	if (practice !== undefined) meta.set('practice', practice);
	return meta;
};

describe('readMeta: practice', () => {
	it('reads a practice round and checks every field', () => {
		expect(readMeta(metaWith(undefined)).practice).toBeNull();
		expect(readMeta(metaWith({ language: 'ar', speed: 'fast', neighbours: 12 })).practice).toEqual({
			language: 'ar',
			speed: 'fast',
			neighbours: 12
		});
		for (const bad of [
			null,
			'yes',
			{ language: 'de', speed: 'fast', neighbours: 6 },
			{ language: 'nl', speed: 'slow', neighbours: 6 },
			{ language: 'nl', speed: 'fast', neighbours: 3 },
			{ language: 'nl', speed: 'fast', neighbours: 13 },
			{ language: 'nl', speed: 'fast', neighbours: 6.5 },
			{ language: 'nl', speed: 'fast' }
		]) {
			expect(readMeta(metaWith(bad)).practice, JSON.stringify(bad)).toBeNull();
		}
	});
});

describe('readPracticeRecap', () => {
	it('is null in a real round, and checks what it reads', () => {
		const doc = new Y.Doc();
		const map = doc.getMap(DOC_MAP.practice);
		expect(readPracticeRecap(map)).toBeNull();
		map.set('stepStartedAt', { opening: 10, choice: 'soon', nowhere: 3 });
		map.set('handsGiven', 2);
		map.set('votesOpened', -1);
		map.set('ties', 'many');
		map.set('consent', { yes: 1, no: null });
		map.set('endedAt', 99);
		expect(readPracticeRecap(map)).toEqual({
			stepStartedAt: { opening: 10 },
			endedAt: 99,
			handsGiven: 2,
			votesOpened: 0,
			ties: 0,
			consent: { yes: 1, no: 0 }
		});
	});
});
