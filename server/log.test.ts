import { Writable } from 'node:stream';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.ts';
import { DocStore } from './DocStore.ts';
import { intentServices } from './app.ts';
import { createLogger } from './log.ts';
import { Relay } from './relay/Relay.ts';
import { connectMemory } from './relay/MemorySocket.ts';
import { RoundStore } from './RoundStore.ts';

function capture() {
	const lines: string[] = [];
	const stream = new Writable({
		write(chunk, _enc, done) {
			lines.push(String(chunk));
			done();
		}
	});
	return { lines, log: createLogger('debug', stream) };
}

describe('logs', () => {
	it('censor names, titles, texts and secrets wherever they appear', () => {
		const { lines, log } = capture();
		log.info(
			{
				name: 'Fatma',
				title: 'Dinsdagochtend',
				story: { text: 'mijn buurman' },
				participant: { name: 'Bram', token: 's3cr3t' }
			},
			'event'
		);
		const out = lines.join('');
		for (const secret of ['Fatma', 'Dinsdagochtend', 'mijn buurman', 'Bram', 's3cr3t']) {
			expect(out).not.toContain(secret);
		}
		expect(out).toContain('[redacted]');
	});

	it('do not quote a malformed frame, which may hold what someone typed', async () => {
		const { lines, log } = capture();
		const db = openDatabase(':memory:');
		const rounds = new RoundStore(db);
		const { code } = rounds.create({ title: '', language: 'nl' });
		const relay: Relay = new Relay({
			persistence: new DocStore(db),
			log,
			services: intentServices(db, rounds)
		});
		const client = connectMemory(relay, code, { role: 'facilitator' });
		// An awareness update whose JSON is broken just after a name.
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 1);
		const inner = encoding.createEncoder();
		encoding.writeVarUint(inner, 1);
		encoding.writeVarUint(inner, 7);
		encoding.writeVarUint(inner, 1);
		encoding.writeVarString(inner, '{"story":mijn geheime zorg}');
		encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
		const closed = new Promise<void>((resolve) => client.onClose(resolve));
		client.send(encoding.toUint8Array(e));
		await closed;
		expect(client.closed?.code).toBe(4400);
		const out = lines.join('');
		expect(out).toContain('bad frame');
		expect(out).not.toContain('mijn');
		relay.close();
		db.close();
	});
});
