/**
 * Tokens for the Hocuspocus peer (hocuspocusServer.ts): "{client}.{HMAC-SHA256(secret, room/client)}",
 * checked in constant time in `onAuthenticate` — about the work of Kleed's check (a map lookup of
 * the token's hash).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function benchToken(secret: string, room: string, client: number): string {
	return `${client}.${createHmac('sha256', secret).update(`${room}/${client}`).digest('hex')}`;
}

export function benchTokenValid(secret: string, room: string, token: string): boolean {
	const client = token.split('.', 1)[0]!;
	if (!/^\d{1,3}$/.test(client)) return false;
	const expected = Buffer.from(benchToken(secret, room, Number(client)));
	const given = Buffer.from(token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
