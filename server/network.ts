import { networkInterfaces } from 'node:os';

/** IPv4 addresses of this machine that a tablet on the same wifi could reach. */
export function lanAddresses(): string[] {
	const found: string[] = [];
	for (const list of Object.values(networkInterfaces())) {
		for (const addr of list ?? []) {
			if (addr.family === 'IPv4' && !addr.internal) found.push(addr.address);
		}
	}
	return found;
}

export function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '::1' || hostname.startsWith('127.');
}

export function listensOnAllInterfaces(host: string): boolean {
	return host === '0.0.0.0' || host === '::' || host === '[::]';
}
