import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Identity } from '../RoundStore.ts';
import { BadFrame, decodeAwarenessUpdate, encodeAwarenessUpdate } from './frames.ts';
import { RoundAwareness, type AwarenessLimits } from './RoundAwareness.ts';

const LIMITS: AwarenessLimits = {
	maxAwarenessBytes: 8 * 1024,
	maxRoundAwarenessBytes: 20 * 1024,
	awarenessRenewalMs: 10_000
};

function round(limits: Partial<AwarenessLimits> = {}) {
	let now = 0;
	let changes = 0;
	const awareness = new RoundAwareness(
		new Y.Doc(),
		() => changes++,
		{ ...LIMITS, ...limits },
		() => now
	);
	return {
		awareness,
		advance: (ms: number) => (now += ms),
		get changes() {
			return changes;
		}
	};
}

const anna: { identity: Identity } = {
	identity: { role: 'participant', participantId: 'anna', name: 'Anna' }
};
const bram: { identity: Identity } = {
	identity: { role: 'participant', participantId: 'bram', name: 'Bram' }
};
const projector: { identity: Identity } = { identity: { role: 'projector' } };

const update = (clientId: number, clock: number, state: Record<string, unknown> | null) =>
	encodeAwarenessUpdate([{ clientId, clock, state }]);

describe('RoundAwareness (#15)', () => {
	it('checks the size of the sender’s own state, not of the echoed states of others', () => {
		const r = round();
		const big = { note: 'x'.repeat(5000) };
		r.awareness.receive(anna, update(1, 1, big));
		r.awareness.receive(bram, update(2, 1, big));
		// A stock client echoes both (10 KB together) with its own entry: not too large.
		const echo = encodeAwarenessUpdate([
			{ clientId: 1, clock: 1, state: big },
			{ clientId: 2, clock: 1, state: big },
			{ clientId: 3, clock: 1, state: { note: 'me' } }
		]);
		const cem = {
			identity: { role: 'participant', participantId: 'cem', name: 'Cem' } as Identity
		};
		expect(() => r.awareness.receive(cem, echo)).not.toThrow();
		expect(r.awareness.awareness.states.get(3)).toMatchObject({ note: 'me' });
		// Its own state above 8 KiB is.
		expect(() => r.awareness.receive(cem, update(3, 2, { note: 'x'.repeat(9000) }))).toThrow(
			BadFrame
		);
	});

	it('keeps only `user` of states beyond the round budget', () => {
		const r = round({ maxRoundAwarenessBytes: 12_000 });
		r.awareness.receive(anna, update(1, 1, { note: 'x'.repeat(7000) }));
		r.awareness.receive(bram, update(2, 1, { note: 'y'.repeat(7000) }));
		expect(r.awareness.awareness.states.get(2)).toEqual({ user: bram.identity });
		expect(r.awareness.totalBytes).toBeLessThanOrEqual(12_000);
		// When Anna leaves, there is room again.
		r.awareness.leave(anna);
		r.awareness.receive(bram, update(2, 2, { note: 'y'.repeat(7000) }));
		expect(r.awareness.awareness.states.get(2)).toMatchObject({ note: 'y'.repeat(7000) });
	});

	it('does not apply an unchanged state renewed sooner than the renewal pace', () => {
		const r = round();
		r.awareness.receive(anna, update(1, 1, { typing: false }));
		const after = r.changes;
		for (let clock = 2; clock < 50; clock++) {
			r.advance(100);
			r.awareness.receive(anna, update(1, clock, { typing: false }));
		}
		expect(r.changes).toBe(after);
		// A change goes through at once; so does a renewal after the pace.
		r.awareness.receive(anna, update(1, 50, { typing: true }));
		expect(r.changes).toBe(after + 1);
		r.advance(10_000);
		r.awareness.receive(anna, update(1, 51, { typing: true }));
		expect(r.changes).toBe(after + 2);
	});

	it('builds the answer to "everyone\'s state" once per change', () => {
		const r = round();
		expect(r.awareness.allStatesFrame()).toBeNull();
		r.awareness.receive(anna, update(1, 1, { a: 1 }));
		const first = r.awareness.allStatesFrame();
		expect(r.awareness.allStatesFrame()).toBe(first);
		r.awareness.receive(bram, update(2, 1, { b: 1 }));
		const second = r.awareness.allStatesFrame();
		expect(second).not.toBe(first);
		// The message type, then the update: both states.
		const d = decoding.createDecoder(second!);
		expect(decoding.readVarUint(d)).toBe(1);
		const entries = decodeAwarenessUpdate(decoding.readVarUint8Array(d));
		expect(entries.map((e) => e.clientId)).toEqual([1, 2]);
	});

	it("lets only a facilitator's or projector's machine say it is the room's audio device", () => {
		const r = round();
		const audio = { state: 'connected', muted: false, speaking: false, room: true };
		r.awareness.receive(anna, update(1, 1, { audio }));
		r.awareness.receive(projector, update(2, 1, { audio }));
		expect(r.awareness.awareness.states.get(1)?.audio).toEqual({
			state: 'connected',
			muted: false,
			speaking: false
		});
		expect(r.awareness.awareness.states.get(2)?.audio).toEqual(audio);
	});
});
