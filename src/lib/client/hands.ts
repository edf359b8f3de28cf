import type { RaisedHand } from '$lib/protocol';

/** A raised hand, with whose it is (the participant id it is stored under). */
export interface QueuedHand extends RaisedHand {
	id: string;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The hand queue from the doc's `hands` map: first up first, by the order only the server hands
 * out (never by clock: devices disagree about the time). Equal orders, which the server never
 * writes, fall back to the id so every device still shows the same queue.
 */
export function handQueue(entries: Iterable<[string, unknown]>): QueuedHand[] {
	const queue: QueuedHand[] = [];
	for (const [id, value] of entries) {
		if (typeof value !== 'object' || value === null) continue;
		const { order, raisedAt } = value as Partial<RaisedHand>;
		if (!isNumber(order)) continue;
		queue.push({ id, order, raisedAt: isNumber(raisedAt) ? raisedAt : 0 });
	}
	return queue.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** Someone's place in the queue: 1 for the first; null without a raised hand. */
export function placeIn(
	queue: readonly QueuedHand[],
	id: string | null | undefined
): number | null {
	if (!id) return null;
	const index = queue.findIndex((hand) => hand.id === id);
	return index < 0 ? null : index + 1;
}
