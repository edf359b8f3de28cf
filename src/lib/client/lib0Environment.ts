/**
 * What the browser needs of `lib0/environment`, which yjs and lib0/buffer import: lib0's module
 * also parses process arguments and brings lib0/map, string, conditions and storage into every
 * page. In the browser it answers the same: not Node, a browser, variables from localStorage
 * (where lib0 keeps them), parameters from the address. vite.config.ts points the browser build
 * here instead (the server keeps lib0's module).
 */
export const isNode = false;
export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';
export const isMac = typeof navigator !== 'undefined' ? /Mac/.test(navigator.platform) : false;

let params: Map<string, string> | undefined;

/** `?fooBar=1` as `--foo-bar` and `-foo-bar`, as lib0 reads them. */
function computeParams(): Map<string, string> {
	if (params) return params;
	params = new Map();
	if (typeof location === 'object') {
		for (const pair of (location.search || '?').slice(1).split('&')) {
			if (pair.length === 0) continue;
			const [key = '', value = ''] = pair.split('=');
			const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
			params.set(`--${name}`, value);
			params.set(`-${name}`, value);
		}
	}
	return params;
}

export const hasParam = (name: string): boolean => computeParams().has(name);

export const getParam = (name: string, defaultVal: string): string =>
	computeParams().get(name) || defaultVal;

export const getVariable = (name: string): string | null => {
	try {
		return localStorage.getItem(name);
	} catch {
		return null;
	}
};

export const getConf = (name: string): string | null =>
	computeParams().get('--' + name) || getVariable(name);

export const ensureConf = (name: string): string => {
	const conf = getConf(name);
	if (conf == null)
		throw new Error(`Expected configuration "${name.toUpperCase().replaceAll('-', '_')}"`);
	return conf;
};

export const hasConf = (name: string): boolean =>
	hasParam('--' + name) || getVariable(name) !== null;

export const production = hasConf('production');

export const supportsColor = !hasParam('--no-colors') && !hasConf('no-color');
