import { describe, expect, it } from 'vitest';
import { canSpeakLocally, pickVoice, speechLang, speechText, type VoiceLike } from './speech';

const voice = (lang: string, localService = true, isDefault = false) => ({
	name: `${lang}${localService ? '' : ' (server)'}${isDefault ? ' default' : ''}`,
	lang,
	localService,
	default: isDefault
});

describe('speechLang', () => {
	it('maps each UI language to the spoken variant', () => {
		expect(speechLang('nl')).toBe('nl-NL');
		expect(speechLang('en')).toBe('en-GB');
		expect(speechLang('tr')).toBe('tr-TR');
		expect(speechLang('ar')).toBe('ar-SA');
	});

	it('passes an unknown locale through', () => {
		expect(speechLang('pl')).toBe('pl');
	});
});

describe('pickVoice', () => {
	it('takes the voice for exactly this language and region', () => {
		const voices = [voice('en-US'), voice('nl-BE'), voice('nl-NL'), voice('de-DE')];
		expect(pickVoice(voices, 'nl-NL')?.name).toBe('nl-NL');
	});

	it('matches regardless of case and underscore (Android says nl_NL)', () => {
		expect(pickVoice([voice('en-GB'), voice('nl_nl')], 'nl-NL')?.name).toBe('nl_nl');
	});

	it('falls back to the same language in another region', () => {
		expect(pickVoice([voice('en-US'), voice('nl-BE')], 'nl-NL')?.name).toBe('nl-BE');
	});

	it('prefers the device default among equal matches', () => {
		const voices = [voice('ar-SA'), voice('ar-SA', true, true)];
		expect(pickVoice(voices, 'ar-SA')?.name).toBe('ar-SA default');
	});

	it('never picks a voice that speaks through a server', () => {
		const voices = [voice('nl-NL', false), voice('en-GB')];
		expect(pickVoice(voices, 'nl-NL')).toBeNull();
		expect(pickVoice([voice('nl-NL', false), voice('nl-BE')], 'nl-NL')?.name).toBe('nl-BE');
	});

	it('gives null when no voice speaks the language', () => {
		expect(pickVoice([voice('en-GB'), voice('tr-TR')], 'nl-NL')).toBeNull();
		expect(pickVoice([], 'nl-NL')).toBeNull();
	});
});

describe('canSpeakLocally', () => {
	const only = (...voices: VoiceLike[]) => voices;

	it('lets the browser choose when it lists no voices', () => {
		expect(canSpeakLocally([], 'nl-NL')).toBe(true);
	});

	it('says no when the only voices for the language are server voices', () => {
		expect(canSpeakLocally(only(voice('nl-NL', false), voice('en-GB')), 'nl-NL')).toBe(false);
	});

	it('says yes with a local voice for the language', () => {
		expect(canSpeakLocally(only(voice('nl-NL', false), voice('nl-NL')), 'nl-NL')).toBe(true);
	});
});

describe('speechText', () => {
	it('ends every part with a stop so the voice pauses between them', () => {
		expect(speechText(['Onze afspraken', 'We luisteren naar elkaar.', 'Een lied mag'])).toBe(
			'Onze afspraken. We luisteren naar elkaar. Een lied mag.'
		);
	});

	it('keeps a question mark or colon and drops empty parts', () => {
		expect(speechText(['De vraag van vandaag', null, '  ', 'Wat hielp jou toen?'])).toBe(
			'De vraag van vandaag. Wat hielp jou toen?'
		);
		expect(speechText(['Zelf gezegd:', 'Ik slaap slecht'])).toBe('Zelf gezegd: Ik slaap slecht.');
	});

	it('folds line breaks and runs of spaces into one space', () => {
		expect(speechText(['Regel een\nregel   twee'])).toBe('Regel een regel twee.');
	});

	it('gives an empty text for nothing', () => {
		expect(speechText([])).toBe('');
	});
});
