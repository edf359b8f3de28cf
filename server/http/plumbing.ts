/**
 * The little HTTP kit under the JSON API: a router, typed HTTP errors, size-limited JSON bodies
 * validated with a zod schema, JSON answers, and the bearer token. No Kleed rules in here: those
 * are in api.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ApiError } from '../../src/lib/protocol.ts';
import { describeIssues } from '../../src/lib/schemas.ts';

export type Next = () => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** Largest request body, in bytes. */
const MAX_BODY_BYTES = 16 * 1024;

/** An answer other than 2xx: thrown by a handler, sent as its status with an `ApiError` body. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: ApiError,
		readonly headers: Record<string, string> = {}
	) {
		super(body.message);
	}
}

export const notFound = (message: string) => new HttpError(404, { error: 'not_found', message });

/** Answers a request: `[status, body]`, or throws an HttpError (or an error a mapping knows). */
export type Handler = (
	req: IncomingMessage,
	params: { code?: string; sub?: string }
) => Promise<[number, unknown]>;

export interface Route {
	method: string;
	/** Matched against the path; its first group, URL-decoded, is `params.code`, its second `sub`. */
	pattern: RegExp;
	handler: Handler;
}

/** A body that is not JSON (the report's CSV): sent as it is, with its type. */
export class TextBody {
	constructor(
		readonly contentType: string,
		readonly text: string,
		readonly headers: Record<string, string> = {}
	) {}
}

/** How an error class that a handler's services throw is answered (chosen by type, not text). */
export interface ErrorAnswer {
	type: abstract new (...args: never[]) => Error;
	answer(err: Error): HttpError;
}

/** An ErrorAnswer whose `answer` sees the error as the class it was matched by. */
export function answerError<E extends Error>(
	type: abstract new (...args: never[]) => E,
	answer: (err: E) => HttpError
): ErrorAnswer {
	return { type, answer: (err) => answer(err as E) };
}

/**
 * Routes requests under `prefix` (e.g. /api) to `routes`; everything else goes to `next`.
 * 404 for an unknown path, 405 with `Allow` for a known path with another method; errors a
 * handler throws are answered by their type: HttpError as it says, `errors` by their class, any
 * other as 500 (logged, never shown).
 */
export function router(
	prefix: string,
	routes: readonly Route[],
	{ log, errors = [] }: { log: Logger; errors?: readonly ErrorAnswer[] }
): Middleware {
	const answer = (err: unknown): HttpError | null => {
		if (err instanceof HttpError) return err;
		const known = errors.find((e) => err instanceof e.type);
		return known ? known.answer(err as Error) : null;
	};
	return (req, res, next) => {
		const path = (req.url ?? '/').split('?')[0] ?? '/';
		if (path !== prefix && !path.startsWith(`${prefix}/`)) return next();
		void respond(req, res, path).catch((err: unknown) => {
			const known = answer(err);
			if (known) return send(res, known.status, known.body, known.headers);
			log.error({ err }, 'API error');
			send(res, 500, { error: 'server_error', message: 'Something went wrong on the server.' });
		});
	};

	async function respond(req: IncomingMessage, res: ServerResponse, path: string) {
		const matching = routes.filter((r) => r.pattern.test(path));
		if (matching.length === 0) throw notFound('No such API endpoint.');
		const route = matching.find((r) => r.method === req.method);
		if (!route) {
			const allow = matching.map((r) => r.method).join(', ');
			throw new HttpError(
				405,
				{ error: 'method_not_allowed', message: `Use ${allow} here.` },
				{ Allow: allow }
			);
		}
		const match = route.pattern.exec(path);
		const code = match?.[1] !== undefined ? safeDecode(match[1]) : undefined;
		const sub = match?.[2] !== undefined ? safeDecode(match[2]) : undefined;
		const [status, body] = await route.handler(req, { code, sub });
		if (body instanceof TextBody) sendText(res, status, body);
		else send(res, status, body);
	}
}

/** Sends `body` as JSON, with the headers every API answer carries. */
export function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
	if (res.headersSent) return;
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		...headers
	});
	res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, body: TextBody): void {
	if (res.headersSent) return;
	res.writeHead(status, {
		'Content-Type': body.contentType,
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		...body.headers
	});
	res.end(body.text);
}

/** A path segment, URL-decoded; '' when it is not valid percent-encoding. */
export function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return '';
	}
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES and validates it with `schema`: 413 too large,
 * 415 not JSON by its Content-Type, 400 not valid JSON or not what the schema asks (with issues).
 * `allowEmpty`: no body at all counts as `{}`.
 */
export async function readJson<T extends z.ZodType>(
	req: IncomingMessage,
	schema: T,
	{ allowEmpty = false } = {}
): Promise<z.infer<T>> {
	const raw = await readBody(req);
	let json: unknown = {};
	if (raw.length > 0 || !allowEmpty) {
		const type = req.headers['content-type'] ?? '';
		if (!/^application\/json\b/i.test(type)) {
			throw new HttpError(415, {
				error: 'unsupported_media_type',
				message: 'Send the body as JSON with "Content-Type: application/json".'
			});
		}
		try {
			json = JSON.parse(raw.toString('utf8'));
		} catch {
			throw new HttpError(400, { error: 'invalid', message: 'The body is not valid JSON.' });
		}
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		const issues = describeIssues(parsed.error);
		const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
		throw new HttpError(400, { error: 'invalid', message, issues });
	}
	return parsed.data;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length'] ?? 0);
		const tooLarge = () =>
			new HttpError(413, {
				error: 'too_large',
				message: `The body may be at most ${MAX_BODY_BYTES} bytes.`
			});
		if (declared > MAX_BODY_BYTES) {
			req.resume();
			return reject(tooLarge());
		}
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				req.removeAllListeners('data');
				req.resume();
				reject(tooLarge());
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** The request's bearer token; 401 (with `WWW-Authenticate`) when it sends none. */
export function bearerToken(req: IncomingMessage): string {
	const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
	if (!match?.[1]) {
		throw new HttpError(
			401,
			{ error: 'unauthorized', message: 'Send your key as "Authorization: Bearer …".' },
			{ 'WWW-Authenticate': 'Bearer' }
		);
	}
	return match[1];
}
