/**
 * A 16-character base64url id for an item this client creates (a story, a happy event, …). The
 * client chooses it so that an intent sent again after a reconnect does not make a second item.
 * `crypto.randomUUID()` exists only on secure origins, and tablets reach the facilitator's
 * laptop over plain http on the LAN; `getRandomValues` works everywhere.
 */
export function newItemId(): string {
	const bytes = new Uint8Array(12);
	crypto.getRandomValues(bytes);
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
}
