/**
 * The client's real address, for every per-address limit. Behind a reverse proxy every request
 * comes from the proxy; with TRUST_PROXY set, the address is taken from `X-Forwarded-For` as far
 * as the trusted proxies vouch for it. With TRUST_PROXY off the header is never read: anyone can
 * write it.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Which peers are proxies: none, the last `hops` ones, or those in a list of addresses/CIDRs. */
export type ProxyTrust =
	| { kind: 'off' }
	| { kind: 'hops'; hops: number }
	| { kind: 'list'; list: BlockList; text: string };

export const NO_PROXY: ProxyTrust = { kind: 'off' };

/**
 * Parses TRUST_PROXY: empty/`false`/`0` off; a whole number is a hop count (1: one proxy in front);
 * otherwise a comma-separated list of addresses and CIDR ranges (`127.0.0.1, 10.0.0.0/8, ::1`).
 * Throws with a readable message for anything else.
 */
export function parseProxyTrust(value: string | undefined): ProxyTrust {
	const text = (value ?? '').trim();
	if (text === '' || text === 'false' || text === '0') return NO_PROXY;
	if (/^\d+$/.test(text)) return { kind: 'hops', hops: Number(text) };
	const list = new BlockList();
	for (const part of text.split(',').map((p) => p.trim())) {
		const [address = '', prefix] = part.split('/');
		const family = isIP(address);
		if (family === 0) throw new Error(`"${part}" is not an IP address or CIDR range`);
		const type = family === 6 ? 'ipv6' : 'ipv4';
		if (prefix === undefined) {
			list.addAddress(address, type);
			continue;
		}
		const bits = Number(prefix);
		if (!/^\d+$/.test(prefix) || bits > (family === 6 ? 128 : 32)) {
			throw new Error(`"${part}" has no valid prefix length`);
		}
		list.addSubnet(address, bits, type);
	}
	return { kind: 'list', list, text };
}

/** Whether a direct peer at `address` is one of the trusted proxies. */
export function isTrustedProxy(trust: ProxyTrust, address: string | undefined): boolean {
	if (trust.kind === 'off' || !address) return false;
	if (trust.kind === 'hops') return true;
	return matches(trust.list, address);
}

function matches(list: BlockList, address: string): boolean {
	const plain = address.replace(/^::ffff:(?=\d+\.)/, '');
	const family = isIP(plain);
	if (family === 0) return false;
	return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

/** The real client address of `req` under `trust` (see the file comment). */
export function realAddress(req: IncomingMessage, trust: ProxyTrust): string {
	const peer = req.socket.remoteAddress ?? 'unknown';
	if (trust.kind === 'off') return peer;
	const header = req.headers['x-forwarded-for'];
	const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
		.split(',')
		.map((a) => a.trim())
		.filter((a) => a !== '');
	// Nearest first: the peer, then what each proxy in turn says it was talking to.
	const chain = [peer, ...forwarded.reverse()];
	if (trust.kind === 'hops') return chain[Math.min(trust.hops, chain.length - 1)]!;
	for (const address of chain) if (!matches(trust.list, address)) return address;
	return chain.at(-1)!;
}

const resolved = new WeakMap<IncomingMessage, string>();

/** Resolves and remembers `req`'s client address; done once per request by app.ts. */
export function resolveClientAddress(req: IncomingMessage, trust: ProxyTrust): string {
	const address = realAddress(req, trust);
	resolved.set(req, address);
	return address;
}

/** The client's address: as resolved for this request, else the socket's. */
export function clientAddress(req: IncomingMessage): string {
	return resolved.get(req) ?? req.socket.remoteAddress ?? 'unknown';
}
