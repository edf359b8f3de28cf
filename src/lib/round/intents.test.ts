import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../protocol.ts';
import { INTENTS, INTENT_TYPES, parseIntentRequest, type IntentType } from './intents.ts';

/**
 * docs/protocol.md is what people read to learn who may send what. It is held here to the table
 * in intents.ts, so the two cannot drift: a new intent, a changed role or step fails this test
 * until the page says the same.
 */
const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

interface DocRow {
	type: string;
	roles: string[];
	steps: string[] | 'any';
	afterEnd: boolean;
	owner: string;
}

/** The rows of the markdown table whose header starts with `| type | roles |`. */
function documentedIntents(): DocRow[] {
	const lines = doc.split('\n');
	const header = lines.findIndex((line) => /^\|\s*type\s*\|\s*roles\s*\|/.test(line));
	expect(header, 'docs/protocol.md has the intent table').toBeGreaterThan(-1);
	const rows: DocRow[] = [];
	for (const line of lines.slice(header + 2)) {
		if (!line.startsWith('|')) break;
		// Split on pipes that are not escaped (`\|` appears inside payload cells).
		const cells = line
			.slice(1, -1)
			.split(/(?<!\\)\|/)
			.map((cell) => cell.trim());
		const code = (cell: string) => cell.replace(/`/g, '');
		const [type = '', roles = '', steps = '', afterEnd = '', owner = ''] = cells;
		rows.push({
			type: code(type),
			roles: roles.split(',').map((r) => r.trim()),
			steps: steps === 'any' ? 'any' : steps.split(',').map((s) => code(s).trim()),
			afterEnd: afterEnd === 'yes',
			owner: code(owner)
		});
	}
	return rows;
}

const ABBREVIATION = { facilitator: 'F', participant: 'P', tablet: 'T' } as const;

describe('the intent table', () => {
	const rows = documentedIntents();

	it('lists every intent once in docs/protocol.md, and nothing else', () => {
		const documented = rows.map((row) => row.type);
		expect(new Set(documented).size).toBe(documented.length);
		expect([...documented].sort()).toEqual([...INTENT_TYPES].sort());
	});

	it.each(INTENT_TYPES)('%s: docs/protocol.md names the same roles, steps and owner', (type) => {
		const spec = INTENTS[type as IntentType];
		const row = rows.find((r) => r.type === type);
		expect(row).toEqual({
			type,
			roles: spec.roles.map((role) => ABBREVIATION[role]),
			steps: spec.steps ? [...spec.steps] : 'any',
			afterEnd: spec.afterEnd === true,
			owner: spec.owner
		});
	});

	it('documents the protocol version in force, on the page and in the socket address', () => {
		expect(doc).toContain(`# Kleed protocol — version ${PROTOCOL_VERSION}`);
		expect(doc).toContain(`/sync/{code}?token=…&v=${PROTOCOL_VERSION}`);
		expect(doc).toContain(`## Y.Doc schema (version ${PROTOCOL_VERSION})`);
	});
});

describe('parseIntentRequest', () => {
	it('answers with the request id and the field at fault', () => {
		const result = parseIntentRequest({ id: 7, intent: { type: 'story.post', id: 'abcdef12' } });
		expect(result).toEqual({ ok: false, id: 7, message: expect.stringContaining('intent.text') });
	});

	it('refuses an intent type that is not in the table, and prototype names', () => {
		for (const type of ['teleport', 'constructor', '__proto__', 'toString']) {
			expect(parseIntentRequest({ id: 1, intent: { type } })).toMatchObject({ ok: false, id: 1 });
		}
	});

	it('keeps the type and the checked payload, trimmed', () => {
		const result = parseIntentRequest({
			id: 2,
			intent: { type: 'text.set', field: 'mote', text: '  Wie kent dit?  ' }
		});
		expect(result).toEqual({
			ok: true,
			request: { id: 2, intent: { type: 'text.set', field: 'mote', text: 'Wie kent dit?' } }
		});
	});

	it('refuses a broken envelope without throwing', () => {
		for (const json of [null, 3, 'x', [], { id: -1, intent: { type: 'join' } }, { id: 1 }]) {
			expect(parseIntentRequest(json)).toMatchObject({ ok: false });
		}
	});
});
