import pino, { type Logger } from 'pino';

/**
 * Paths that may carry what people said or who they are. Logs must never hold story text, names,
 * titles or secrets; these are censored wherever they appear, as a second line of defence behind
 * the rule that we do not log such values at all.
 */
const REDACTED_PATHS = [
	'name',
	'title',
	'text',
	'story',
	'token',
	'key',
	'facilitatorKey',
	'body',
	'*.name',
	'*.title',
	'*.text',
	'*.story',
	'*.token',
	'*.key',
	'*.body',
	'req.headers.authorization',
	'req.url'
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
	return pino(
		{ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined },
		destination
	);
}
