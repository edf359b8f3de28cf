import type * as Y from 'yjs';
import {
	DOC_MAP,
	type Intent,
	type IntentError,
	type IntentType,
	type ParticipantEntry
} from '../../src/lib/protocol.ts';
import type { Identity } from '../rounds.ts';

/** The transaction origin of every change the server makes on someone's behalf. */
export const SERVER_ORIGIN = 'server';

export type IntentOutcome = { ok: true } | { ok: false; error: IntentError; message: string };

export interface IntentContext {
	doc: Y.Doc;
	identity: Identity;
	now: () => number;
}

type Handlers = {
	[K in IntentType]: (ctx: IntentContext, intent: Extract<Intent, { type: K }>) => IntentOutcome;
};

const forbidden = (message: string): IntentOutcome => ({ ok: false, error: 'forbidden', message });

/**
 * One handler per intent type. The mapped type makes a missing handler a compile error.
 * Each handler checks role and ownership itself (schema checks already ran), then writes the doc
 * in a transaction with origin 'server'.
 */
const handlers: Handlers = {
	join(ctx, intent) {
		const { participantId, name } = ctx.identity;
		if (ctx.identity.role !== 'participant' || !participantId || !name) {
			return forbidden('only a participant can join the kleed');
		}
		const participants = ctx.doc.getMap<ParticipantEntry>(DOC_MAP.participants);
		const existing = participants.get(participantId);
		if (existing && existing.presence === intent.presence && existing.name === name) {
			return { ok: true };
		}
		ctx.doc.transact(() => {
			participants.set(participantId, {
				name,
				presence: intent.presence,
				joinedAt: existing?.joinedAt ?? ctx.now()
			});
		}, SERVER_ORIGIN);
		return { ok: true };
	}
};

/** Applies an intent that already passed schema validation. */
export function applyIntent(ctx: IntentContext, intent: Intent): IntentOutcome {
	const handler = handlers[intent.type] as (ctx: IntentContext, intent: Intent) => IntentOutcome;
	return handler(ctx, intent);
}
