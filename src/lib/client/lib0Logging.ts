/**
 * What yjs needs of `lib0/logging` in the browser: two functions and four colour markers, for its
 * own warnings. lib0's module also brings lib0/dom and lib0/schema (about 3 KB gzip) into every
 * page; vite.config.ts points the browser build here instead (the server keeps lib0's module).
 */
const markers = new Set<unknown>();
const marker = (name: string) => {
	const symbol = Symbol(name);
	markers.add(symbol);
	return symbol;
};

export const BOLD = marker('bold');
export const UNBOLD = marker('unbold');
export const BLUE = marker('blue');
export const GREY = marker('grey');
export const GREEN = marker('green');
export const RED = marker('red');
export const PURPLE = marker('purple');
export const ORANGE = marker('orange');
export const UNCOLOR = marker('uncolor');

/** The arguments without the colour markers, as lib0 prints them where colours are off. */
export const plain = (args: unknown[]): unknown[] => args.filter((arg) => !markers.has(arg));

export const print = (...args: unknown[]): void => console.log(...plain(args));
export const warn = (...args: unknown[]): void => console.warn(...plain(args));
