/**
 * A dynamic import that tries once more when its chunk could not be fetched: on a tablet's wifi
 * a request can fail once and work a moment later. Rejects when the second try fails too; the
 * caller says so calmly and lets the person try again.
 */
export function loadWithRetry<T>(load: () => Promise<T>): Promise<T> {
	return load().catch(() => load());
}
