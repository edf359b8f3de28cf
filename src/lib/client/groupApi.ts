/**
 * The API of groups, prepared rounds and the coordinator (#17), for the group and coordinator
 * pages only. Keys go in the Authorization header, never in a URL. It has its own small
 * `request` (as api.ts's, without the timeout's subtleties) rather than importing api.ts: a
 * module these pages shared with the participant's would be split into a file of its own, and
 * the participant's first load is budgeted (src/lib/groups.ts).
 */
import type {
	AnnualReport,
	CoordinatorOverview,
	CreateGroupRequest,
	CreateGroupResponse,
	GroupInfo,
	PreparedRound,
	PrepareRoundRequest,
	StartRoundResponse,
	UpdateGroupRequest,
	UpdatePlanRequest
} from '$lib/protocol';
import type { ApiResult } from './api';

async function request<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), 15_000);
	try {
		const response = await fetch(path, {
			...init,
			cache: 'no-store',
			signal: controller.signal,
			headers: { Accept: 'application/json', ...init.headers }
		});
		const body: unknown = await response.json().catch(() => null);
		if (response.ok && body !== null) return { ok: true, data: body as T };
		return { ok: false, kind: 'http', status: response.status, body: null };
	} catch {
		return { ok: false, kind: 'network' };
	} finally {
		clearTimeout(timer);
	}
}

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const withBody = (method: string, key: string | null, body: unknown): RequestInit => ({
	method,
	headers: { 'Content-Type': 'application/json', ...(key ? auth(key) : {}) },
	body: JSON.stringify(body)
});
const groupPath = (id: string) => `/api/groups/${encodeURIComponent(id)}`;

export function createGroup(input: CreateGroupRequest): Promise<ApiResult<CreateGroupResponse>> {
	return request('/api/groups', withBody('POST', null, input));
}

export function getGroup(id: string, key: string): Promise<ApiResult<GroupInfo>> {
	return request(groupPath(id), { headers: auth(key) });
}

export function updateGroup(
	id: string,
	key: string,
	change: UpdateGroupRequest
): Promise<ApiResult<GroupInfo>> {
	return request(groupPath(id), withBody('PUT', key, change));
}

export function eraseGroup(id: string, key: string): Promise<ApiResult<{ erased: true }>> {
	return request(groupPath(id), { method: 'DELETE', headers: auth(key) });
}

export function prepareRound(
	id: string,
	key: string,
	input: PrepareRoundRequest
): Promise<ApiResult<PreparedRound>> {
	return request(`${groupPath(id)}/rounds`, withBody('POST', key, input));
}

export function updatePlan(
	id: string,
	key: string,
	code: string,
	change: UpdatePlanRequest
): Promise<ApiResult<PreparedRound>> {
	return request(
		`${groupPath(id)}/rounds/${encodeURIComponent(code)}`,
		withBody('PUT', key, change)
	);
}

export function removePrepared(
	id: string,
	key: string,
	code: string
): Promise<ApiResult<{ erased: true }>> {
	return request(`${groupPath(id)}/rounds/${encodeURIComponent(code)}`, {
		method: 'DELETE',
		headers: auth(key)
	});
}

export function startRound(
	id: string,
	key: string,
	code: string
): Promise<ApiResult<StartRoundResponse>> {
	return request(`${groupPath(id)}/rounds/${encodeURIComponent(code)}/start`, {
		method: 'POST',
		headers: auth(key)
	});
}

export function getGroupReport(
	id: string,
	key: string,
	year: number
): Promise<ApiResult<AnnualReport>> {
	return request(`${groupPath(id)}/report?year=${year}`, { headers: auth(key) });
}

export function getOverview(key: string): Promise<ApiResult<CoordinatorOverview>> {
	return request('/api/coordinator', { headers: auth(key) });
}

export function getReport(key: string, year: number): Promise<ApiResult<AnnualReport>> {
	return request(`/api/coordinator/report?year=${year}`, { headers: auth(key) });
}

/**
 * Downloads the report's CSV (fetched with the key in a header, then saved from memory: a plain
 * link could not carry the key). False when it could not be fetched.
 */
export async function downloadCsv(path: string, key: string, fileName: string): Promise<boolean> {
	let response: Response;
	try {
		response = await fetch(path, { headers: auth(key), cache: 'no-store' });
	} catch {
		return false;
	}
	if (!response.ok) return false;
	const url = URL.createObjectURL(await response.blob());
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
	return true;
}
