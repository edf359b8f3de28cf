import { describe, expect, it } from 'vitest';
import type { IntentResult } from '$lib/round/intents';
import { Action, once } from './action.svelte';

/** A send whose answer the test gives. */
function deferred() {
	let answer!: (result: IntentResult) => void;
	let fail!: (error: Error) => void;
	const sent: number[] = [];
	const send = () => {
		sent.push(sent.length);
		return new Promise<IntentResult>((resolve, reject) => {
			answer = resolve;
			fail = reject;
		});
	};
	return { send, sent, answer: (r: IntentResult) => answer(r), fail: (e: Error) => fail(e) };
}

const ok = { id: 1, ok: true } as IntentResult;

describe('once', () => {
	it('acts on a single click or tap and on a key press, not on the second click of a double tap', () => {
		const acted: number[] = [];
		const handler = once((event: { detail: number }) => acted.push(event.detail));
		handler({ detail: 1 });
		handler({ detail: 2 });
		handler({ detail: 3 });
		// Enter or Space on a focused button: detail 0.
		handler({ detail: 0 });
		expect(acted).toEqual([1, 0]);
	});
});

describe('Action', () => {
	it('sends once while the first press waits for the server, then again after the answer', async () => {
		const action = new Action();
		const { send, sent, answer } = deferred();
		const first = action.run(send, 'a');
		expect(action.busy).toBe(true);
		expect(action.pending).toBe('a');
		expect(action.sending('a')).toBe(true);
		expect(action.sending('b')).toBe(false);
		await expect(action.run(send, 'b')).resolves.toBeNull();
		expect(sent).toHaveLength(1);
		expect(action.pending).toBe('a');
		answer(ok);
		await expect(first).resolves.toEqual(ok);
		expect(action.busy).toBe(false);
		expect(action.pending).toBeNull();
		void action.run(send);
		expect(sent).toHaveLength(2);
	});

	it('press: a double tap sends one intent, even when the first was answered in between', async () => {
		const action = new Action();
		const { send, sent, answer } = deferred();
		const press = action.press(send, 'x');
		press({ detail: 1 });
		answer(ok);
		await Promise.resolve();
		await Promise.resolve();
		expect(action.busy).toBe(false);
		press({ detail: 2 });
		expect(sent).toHaveLength(1);
		press({ detail: 1 });
		expect(sent).toHaveLength(2);
	});

	it('says what went wrong, and nothing is pending after a refusal or a closed connection', async () => {
		const action = new Action();
		const refused = deferred();
		const run = action.run(refused.send, 'a');
		refused.answer({ id: 1, ok: false, error: 'conflict', message: 'moved on' } as IntentResult);
		await run;
		expect(action.error).toBeTruthy();
		expect(action.pending).toBeNull();
		const closed = deferred();
		const again = action.run(closed.send, 'b');
		expect(action.error).toBeNull();
		closed.fail(new Error('closed'));
		await expect(again).resolves.toBeNull();
		expect(action.error).toBeTruthy();
		expect(action.busy).toBe(false);
	});
});
