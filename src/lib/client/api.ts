import type {
	ApiError,
	AudioGrant,
	AudioRequest,
	CreateRoundRequest,
	CreateRoundResponse,
	HealthInfo,
	JoinRequest,
	JoinResponse,
	PracticeInfo,
	RoundInfo,
	SessionInfo
} from '$lib/protocol';

/** What went wrong, in terms a page can turn into a sentence. */
export type ApiFailure =
	| { ok: false; kind: 'network' }
	| { ok: false; kind: 'http'; status: number; body: ApiError | null };

export type ApiResult<T> = { ok: true; data: T } | ApiFailure;

/** Community-centre wifi can hang a request forever; after this we call it a network failure. */
const TIMEOUT_MS = 15_000;

async function request<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
	let response: Response;
	try {
		response = await fetch(path, {
			...init,
			cache: 'no-store',
			signal: controller.signal,
			headers: { Accept: 'application/json', ...init.headers }
		});
	} catch {
		clearTimeout(timer);
		return { ok: false, kind: 'network' };
	}
	let body: unknown = null;
	try {
		body = await response.json();
	} catch {
		// An empty or non-JSON body (a proxy's error page, a cut connection): handled below.
	} finally {
		clearTimeout(timer);
	}
	if (response.ok && body !== null) return { ok: true, data: body as T };
	return { ok: false, kind: 'http', status: response.status, body: asApiError(body) };
}

function asApiError(body: unknown): ApiError | null {
	if (typeof body !== 'object' || body === null) return null;
	const { error, message } = body as Partial<ApiError>;
	return typeof error === 'string' && typeof message === 'string' ? (body as ApiError) : null;
}

const json = (body: unknown): RequestInit => ({
	method: 'POST',
	headers: { 'Content-Type': 'application/json' },
	body: JSON.stringify(body)
});

const roundPath = (code: string) => `/api/rounds/${encodeURIComponent(code)}`;

export function createRound(input: CreateRoundRequest): Promise<ApiResult<CreateRoundResponse>> {
	return request('/api/rounds', json(input));
}

/** Whether the server is up, and what it offers (sound). */
export function getHealth(): Promise<ApiResult<HealthInfo>> {
	return request('/api/health');
}

/**
 * Where `getRound` asks. The join page names it in a `<link rel="preload">`, so the browser asks
 * as soon as the HTML is there and `getRound` takes that answer (#18).
 */
export const roundInfoPath = roundPath;

export function getRound(code: string): Promise<ApiResult<RoundInfo>> {
	return request(roundPath(code));
}

export function joinRound(code: string, input: JoinRequest): Promise<ApiResult<JoinResponse>> {
	return request(`${roundPath(code)}/participants`, json(input));
}

/** A practice round's simulated neighbours (#16), for its demo view; the facilitator key only. */
export function getPractice(code: string, key: string): Promise<ApiResult<PracticeInfo>> {
	return request(`${roundPath(code)}/practice`, { headers: { Authorization: `Bearer ${key}` } });
}

/** Who a token is. The token goes in the Authorization header only, never in the URL. */
export function getSession(code: string, token: string): Promise<ApiResult<SessionInfo>> {
	return request(`${roundPath(code)}/session`, { headers: { Authorization: `Bearer ${token}` } });
}

/** True for the answers that mean "this token is not (or no longer) valid for this round". */
export function isRejectedToken(failure: ApiFailure): boolean {
	return failure.kind === 'http' && (failure.status === 401 || failure.status === 403);
}

export function isNotFound(failure: ApiFailure): boolean {
	return failure.kind === 'http' && failure.status === 404;
}

/** Asks for this device's LiveKit grant (`{device: 'room'}`: this device is the room). */
export function requestAudio(
	code: string,
	token: string,
	body: AudioRequest
): Promise<ApiResult<AudioGrant>> {
	return request(`${roundPath(code)}/audio`, {
		...json(body),
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }
	});
}

/** A facilitator mutes someone's microphone (through our server, never LiveKit directly). */
export function muteAudio(
	code: string,
	token: string,
	identity: string
): Promise<ApiResult<{ muted: boolean }>> {
	return request(`${roundPath(code)}/audio/mute`, {
		...json({ identity }),
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }
	});
}
