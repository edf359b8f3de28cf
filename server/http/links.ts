import type { IncomingMessage } from 'node:http';
import { pagePaths, type RoundLinks } from '../../src/lib/protocol.ts';
import type { Config } from '../config.ts';
import { isLoopback, listensOnAllInterfaces } from '../network.ts';
import { derivedToken, type DerivedRole } from '../tokens.ts';

/** What link building needs to know about where the server is reached. */
export interface LinkBase {
	config: Pick<Config, 'host' | 'publicUrl'>;
	lanAddresses: () => string[];
}

/** The secret links of a round, from its facilitator key; `base` as `baseUrl` gives it. */
export function links(base: string, code: string, facilitatorKey: string): RoundLinks {
	const withToken = (path: string, role: DerivedRole) =>
		`${base}${path}#token=${derivedToken(facilitatorKey, role)}`;
	return {
		facilitator: `${base}${pagePaths.facilitator(code)}#key=${facilitatorKey}`,
		participant: `${base}${pagePaths.participant(code)}`,
		projector: withToken(pagePaths.projector(code), 'projector'),
		observer: withToken(pagePaths.observer(code), 'observer'),
		tablet: withToken(pagePaths.tablet(code), 'tablet')
	};
}

/**
 * Base of the links we hand out. When the facilitator opened the app on the laptop itself
 * (localhost) and we listen on the network, tablets need the laptop's LAN address instead.
 */
export function baseUrl(req: IncomingMessage, { config, lanAddresses }: LinkBase): string {
	if (config.publicUrl) return config.publicUrl;
	const host = (req.headers.host ?? 'localhost').replace(/[^A-Za-z0-9.:[\]-]/g, '');
	const portMatch = /:(\d+)$/.exec(host);
	const hostname = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
	if (isLoopback(hostname) && listensOnAllInterfaces(config.host)) {
		const lan = lanAddresses()[0];
		if (lan) return `http://${lan}${portMatch ? `:${portMatch[1]}` : ''}`;
	}
	return `http://${host}`;
}
