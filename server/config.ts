import { resolve } from 'node:path';
import { z } from 'zod';
import type { LiveKitConfig } from './AudioService.ts';
import { parseProxyTrust, type ProxyTrust } from './http/proxy.ts';

const port = z.coerce
	.number({ error: 'must be a whole number between 0 and 65535' })
	.int('must be a whole number between 0 and 65535')
	.min(0, 'must be a whole number between 0 and 65535')
	.max(65535, 'must be a whole number between 0 and 65535');

const envSchema = z.object({
	PORT: port.default(3000),
	HOST: z
		.string()
		.trim()
		.min(1, 'must not be empty')
		.regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address, e.g. 0.0.0.0')
		.default('0.0.0.0'),
	DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
	PUBLIC_URL: z
		.url({
			protocol: /^https?$/,
			error: 'must be an http(s) URL such as https://kleed.example.org'
		})
		.transform((url) => url.replace(/\/+$/, ''))
		.optional(),
	LOG_LEVEL: z
		.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
			error: 'must be one of fatal, error, warn, info, debug, trace, silent'
		})
		.default('info'),
	LIVEKIT_URL: z
		.url({
			protocol: /^wss?$/,
			error: 'must be the LiveKit server URL, e.g. wss://audio.example.org'
		})
		.optional(),
	LIVEKIT_API_KEY: z.string().trim().min(1).optional(),
	LIVEKIT_API_SECRET: z.string().trim().min(1).optional(),
	ROUND_TTL_HOURS: z.coerce
		.number({ error: 'must be a number of hours' })
		.positive('must be more than 0')
		.default(12),
	ROOM_IDLE_SECONDS: z.coerce
		.number({ error: 'must be a number of seconds' })
		.positive('must be more than 0')
		.default(30),
	TRUST_PROXY: z
		.string()
		.optional()
		.transform((value, ctx) => {
			try {
				return parseProxyTrust(value);
			} catch (err) {
				ctx.addIssue({
					code: 'custom',
					message: `${(err as Error).message}; use a hop count (1) or a list of proxy addresses/CIDRs (127.0.0.1, 10.0.0.0/8)`
				});
				return z.NEVER;
			}
		})
});

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	/** Absolute path of the SQLite file. */
	databaseFile: string;
	/** Base of the links handed out (QR code); when unset, derived from each request. */
	publicUrl: string | undefined;
	logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
	/** How long a round nobody is connected to stays in memory (ROOM_IDLE_SECONDS, default 30). */
	idleUnloadMs: number;
	/** Rounds without activity for this long are erased (ROUND_TTL_HOURS, default 12). */
	roundTtlMs: number;
	/** LiveKit audio for people at home; null when not configured (everything else still works). */
	liveKit: LiveKitConfig | null;
	/** Which peers are reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY, default off). */
	trustProxy: ProxyTrust;
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws ConfigError with one readable line per problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
	// An empty variable (PORT=) means "not set".
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
	const parsed = envSchema.safeParse(present);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => {
			const key = String(issue.path[0]);
			return `  ${key}=${JSON.stringify(env[key] ?? '')}: ${issue.message}`;
		});
		throw new ConfigError(`Kleed cannot start, a setting is wrong:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	const liveKitVars = [e.LIVEKIT_URL, e.LIVEKIT_API_KEY, e.LIVEKIT_API_SECRET];
	if (liveKitVars.some(Boolean) && !liveKitVars.every(Boolean)) {
		throw new ConfigError(
			'Kleed cannot start, a setting is wrong:\n  LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET: set all three for audio, or none'
		);
	}
	const dataDir = resolve(e.DATA_DIR);
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir,
		databaseFile: resolve(dataDir, 'kleed.db'),
		publicUrl: e.PUBLIC_URL,
		logLevel: e.LOG_LEVEL,
		idleUnloadMs: e.ROOM_IDLE_SECONDS * 1000,
		roundTtlMs: e.ROUND_TTL_HOURS * 3_600_000,
		liveKit:
			e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
				? { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET }
				: null,
		trustProxy: e.TRUST_PROXY
	};
}
