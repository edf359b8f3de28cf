import type { JoinRequest, JoinResponse, Step } from '../src/lib/protocol.ts';
import { DOC_MAP, readMeta, type WaitingEntry } from '../src/lib/round/doc.ts';
import type { Relay } from './relay/Relay.ts';
import type { RoundRecord, RoundStore } from './RoundStore.ts';

/** The round has ended: nobody new joins it (they would be counted in a circle they were not in). */
export class RoundEnded extends Error {
	constructor() {
		super('This round has ended; nobody can join it any more.');
	}
}

/** A group's prepared round before its "Start" (#17): nobody can join it yet. */
export class RoundNotOpen extends Error {
	constructor() {
		super('This round has not started yet. Wait until the facilitator opens it.');
	}
}

/**
 * Someone joins a round: the one door for people, over HTTP (`POST …/participants`) and for the
 * simulated neighbours of a practice round alike. A round that has ended takes nobody new
 * (RoundEnded); a locked one puts the person at the door (`waiting`, until a facilitator lets
 * them in); a full one throws RoundFull (RoundStore.addParticipant).
 */
export async function joinRound(
	deps: { rounds: RoundStore; relay: Relay },
	round: RoundRecord,
	input: JoinRequest,
	now: () => number = Date.now
): Promise<JoinResponse> {
	if (round.prepared) throw new RoundNotOpen();
	let ended = false;
	let step: Step | null = null;
	await deps.relay.transact(round.code, (doc) => {
		const meta = readMeta(doc.getMap(DOC_MAP.meta));
		ended = meta.endedAt !== null;
		step = meta.step;
	});
	if (ended) throw new RoundEnded();
	if (round.locked) {
		const added = deps.rounds.addParticipant(round.code, input, { waiting: true });
		await deps.relay.transact(round.code, (doc) =>
			doc.getMap<WaitingEntry>(DOC_MAP.waiting).set(added.participantId, {
				name: input.name,
				presence: input.presence,
				at: now()
			})
		);
		return { ...added, waiting: true };
	}
	const added = deps.rounds.addParticipant(round.code, input);
	// The step the round is in: the page loads that step's panel while its websocket connects.
	return step ? { ...added, step } : added;
}
