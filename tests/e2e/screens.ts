import type { Browser, BrowserContextOptions, Locator, Page } from '@playwright/test';
import { realisticRound, type Moment, type RealisticRound } from '../helpers/realisticRound.ts';
import { local, newPage } from './helpers';

/**
 * What the screens suites (#14) measure, in one place: the device sizes of a real circle, and
 * page facts a person notices — does it scroll, is the action of the moment on the first
 * screen, do labels cover each other, is anything cut off.
 */

/** The sizes Kleed is made for. Touch sizes are mobile contexts (a real tablet or phone). */
export const SIZES = {
	projector: { width: 1920, height: 1080 },
	projectorHd: { width: 1280, height: 720 },
	projectorOld: { width: 1024, height: 768 },
	laptop: { width: 1280, height: 800 },
	laptopOld: { width: 1024, height: 768 },
	tablet: { width: 800, height: 1280 },
	tabletLandscape: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 }
} as const;
export type Size = keyof typeof SIZES;

const TOUCH: Partial<Record<Size, true>> = { tablet: true, tabletLandscape: true, phone: true };

/** A device of this size, as its own browser context (closed after the test by fixtures.ts). */
export function device(size: Size): BrowserContextOptions {
	const touch = TOUCH[size] === true;
	return {
		viewport: { ...SIZES[size] },
		locale: 'nl-NL',
		...(touch ? { hasTouch: true, isMobile: true } : {})
	};
}

/** Opens a round's link on a device of this size. */
export async function openOn(
	browser: Browser,
	size: Size,
	link: string,
	extra: BrowserContextOptions = {}
): Promise<Page> {
	const page = await newPage(browser, { ...device(size), ...extra });
	await page.goto(local(link));
	return page;
}

/** The realistic round (15 people, 20 objects, 8 stories, a tie) on the e2e server. */
export function realistic(options?: Parameters<typeof realisticRound>[1]): Promise<RealisticRound> {
	// playwright.config.ts sets E2E_PORT for the runner and its workers.
	return realisticRound(`http://127.0.0.1:${process.env.E2E_PORT}`, options);
}

export interface PageFit {
	/** How far the page reaches, and the viewport. */
	scrollHeight: number;
	scrollWidth: number;
	width: number;
	height: number;
	/** True when the page needs no scrolling in either direction. */
	fits: boolean;
}

/** Whether the page fits its viewport (a projector cannot scroll). */
export function fit(page: Page): Promise<PageFit> {
	return page.evaluate(() => {
		const root = document.scrollingElement ?? document.documentElement;
		const fit = {
			scrollHeight: root.scrollHeight,
			scrollWidth: root.scrollWidth,
			width: window.innerWidth,
			height: window.innerHeight
		};
		return { ...fit, fits: fit.scrollHeight <= fit.height && fit.scrollWidth <= fit.width };
	});
}

/**
 * Where an element is when the page is scrolled to its top: its box, and whether all of it is
 * inside the first viewport (what a person sees without scrolling).
 */
export async function firstScreen(
	locator: Locator
): Promise<{ top: number; bottom: number; inside: boolean }> {
	const page = locator.page();
	await page.evaluate(() => window.scrollTo(0, 0));
	const box = await locator.boundingBox();
	const viewport = page.viewportSize()!;
	if (!box) return { top: -1, bottom: -1, inside: false };
	return {
		top: Math.round(box.y),
		bottom: Math.round(box.y + box.height),
		inside: box.y >= 0 && box.y + box.height <= viewport.height + 0.5
	};
}

/**
 * Pairs of visible elements matching `selector` whose boxes cover each other (more than `slack`
 * px in both directions): labels on the kleed must not.
 */
export function overlaps(page: Page, selector: string, slack = 1): Promise<string[]> {
	return page.evaluate(
		({ selector, slack }) => {
			const boxes = [...document.querySelectorAll<HTMLElement>(selector)]
				.filter((el) => el.checkVisibility())
				.map((el) => ({ el, r: el.getBoundingClientRect() }));
			const found: string[] = [];
			const name = (el: HTMLElement) =>
				(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30);
			for (let i = 0; i < boxes.length; i++) {
				for (let j = i + 1; j < boxes.length; j++) {
					const a = boxes[i]!.r;
					const b = boxes[j]!.r;
					const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
					const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
					if (x > slack && y > slack) {
						found.push(`"${name(boxes[i]!.el)}" × "${name(boxes[j]!.el)}"`);
					}
				}
			}
			return found;
		},
		{ selector, slack }
	);
}

/**
 * Visible elements whose content is wider than their box and is clipped (overflow hidden or
 * clip, or text running out of the viewport): something a person cannot read in full. Elements
 * meant to scroll (overflow auto or scroll) and visually hidden ones (the `.visually-hidden` class
 * or the same clip inline, e.g. a step name kept for screen readers on a phone) do not count.
 */
export function cutOff(page: Page, within = 'body'): Promise<string[]> {
	return page.evaluate((within) => {
		const found: string[] = [];
		const root = document.querySelector(within);
		if (!root) return found;
		const viewport = document.documentElement.clientWidth;
		// Text only for screen readers: clipped to nothing on purpose (the `.visually-hidden` way).
		const forScreenReaders = (el: HTMLElement) => {
			for (let e: HTMLElement | null = el; e && e !== root; e = e.parentElement) {
				const style = getComputedStyle(e);
				if (style.position === 'absolute' && style.clip === 'rect(0px, 0px, 0px, 0px)') return true;
			}
			return false;
		};
		for (const el of root.querySelectorAll<HTMLElement>('*')) {
			if (!el.checkVisibility() || el.closest('.visually-hidden, [inert]')) continue;
			if (forScreenReaders(el)) continue;
			if (el instanceof SVGElement) continue;
			const style = getComputedStyle(el);
			const scrolls = /auto|scroll/.test(style.overflowX);
			const clipped = /hidden|clip/.test(style.overflowX) || style.textOverflow === 'ellipsis';
			const rect = el.getBoundingClientRect();
			const wider = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
			const what = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''} "${(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30)}"`;
			// Shortened on purpose (an ellipsis) is fine when the full text is one step away.
			const full = el.title || el.getAttribute('aria-label');
			if (wider && clipped && !scrolls && !full)
				found.push(`${what} ${el.scrollWidth}>${el.clientWidth}`);
			else if (rect.right > viewport + 1 && !scrolls && style.position !== 'fixed')
				found.push(`${what} runs out of the screen (${Math.round(rect.right)}>${viewport})`);
		}
		return found;
	}, within);
}

/** The step's name people see at each moment of the realistic round. */
export const STEP_NAME: Record<Moment, string> = {
	opening: 'Opening',
	choice: 'Verhaalkeuze',
	vote: 'Verhaalkeuze',
	tie: 'Verhaalkeuze',
	chosen: 'Verhaalkeuze',
	deepening: 'Verdieping',
	broadening: 'Verbreding',
	closing: 'Afsluiting',
	ended: 'Afsluiting'
};

/**
 * The room's screen has two areas that shrink their text to fit (fitStage.ts): each must show
 * all it holds, and as large as fits — one step larger would not fit. Returns what is wrong.
 */
export async function stageAreas(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		for (const area of document.querySelectorAll<HTMLElement>('.stage > .main, .stage > .side')) {
			const name = area.classList.contains('main') ? 'main' : 'side';
			const fit = Number(area.style.getPropertyValue('--fit') || '1');
			const overflows = () => area.scrollHeight > area.clientHeight + 1;
			if (overflows() && fit > 0.5) problems.push(`${name}: cut off at --fit ${fit}`);
			if (fit < 1) {
				area.style.setProperty('--fit', String(Math.min(1, fit + 0.05)));
				if (!overflows()) problems.push(`${name}: --fit ${fit} while ${fit + 0.05} fits`);
				area.style.setProperty('--fit', String(fit));
			}
		}
		return problems;
	});
}

/**
 * Names around the kleed broken inside a word ("Mohamme" / "d"): a word whose letters land on
 * two lines. A break after a hyphen is fine, and so is one in text already at its smallest size
 * (`floorPx`: in a seat too narrow for the word even then, breaking is all that is left).
 * Returns the broken words.
 */
export async function brokenWords(page: Page, selector: string, floorPx = 0): Promise<string[]> {
	return page.evaluate(
		([selector, floorPx]) => {
			const broken: string[] = [];
			for (const element of document.querySelectorAll(selector as string)) {
				if (parseFloat(getComputedStyle(element).fontSize) <= (floorPx as number) + 0.1) continue;
				const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
				for (let node = walker.nextNode(); node; node = walker.nextNode()) {
					const text = node.textContent ?? '';
					for (const match of text.matchAll(/[^\s-]+/g)) {
						const range = document.createRange();
						range.setStart(node, match.index);
						range.setEnd(node, match.index + match[0].length);
						const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
						if (lines.size > 1) broken.push(match[0]);
					}
				}
			}
			return broken;
		},
		[selector, floorPx] as const
	);
}

/**
 * Names in `selector` whose icon (the house of someone at home) sits on a line of its own instead
 * of before the name's first word.
 */
export async function lonelyIcons(page: Page, selector: string): Promise<string[]> {
	return page.evaluate((selector) => {
		const lonely: string[] = [];
		for (const element of document.querySelectorAll(selector)) {
			const icon = element.querySelector('svg');
			const text = [...element.querySelectorAll('span')].find((s) => s.textContent?.trim());
			const first = text?.firstChild;
			if (!icon || !first) continue;
			const word = /\S+/.exec(first.textContent ?? '');
			if (!word) continue;
			const range = document.createRange();
			range.setStart(first, word.index);
			range.setEnd(first, word.index + word[0].length);
			const wordBox = range.getClientRects()[0];
			const iconBox = icon.getBoundingClientRect();
			const middle = iconBox.top + iconBox.height / 2;
			if (!wordBox || middle < wordBox.top || middle > wordBox.bottom) {
				lonely.push(element.textContent?.trim() ?? '');
			}
		}
		return lonely;
	}, selector);
}
