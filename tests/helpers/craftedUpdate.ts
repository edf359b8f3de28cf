import * as encoding from 'lib0/encoding';
import { DOC_MAP } from '../../src/lib/round/doc.ts';

/**
 * The update that froze the whole server (issue #13), as an attacker builds it: one Yjs update (v1)
 * in which `count` clients, ids from `first` on, each set `meta.step` once. Yjs integrates the
 * writes to one key in quadratic time. These are the bytes `Y.mergeUpdates` makes of `count` docs
 * that each set the key once (crafted-updates.test.ts checks it), written directly: making 20,000
 * docs and merging them takes seconds.
 */
export function craftedUpdate(first: number, count: number): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, count);
	// Yjs writes clients from the highest id down.
	for (let client = first + count - 1; client >= first; client--) {
		encoding.writeVarUint(e, 1); // structs of this client
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, 0); // clock
		encoding.writeUint8(e, 0x20 | 8); // info: has a parentSub (a map key); ContentAny
		encoding.writeVarUint(e, 1); // the parent is a root type, named:
		encoding.writeVarString(e, DOC_MAP.meta);
		encoding.writeVarString(e, 'step'); // the key
		encoding.writeVarUint(e, 1); // one value
		encoding.writeAny(e, 'closing');
	}
	encoding.writeVarUint(e, 0); // the delete set: empty
	return encoding.toUint8Array(e);
}
