import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what Kleed promises (issue #6). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The WCAG A/AA rules that depend on colours alone. */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Collects axe findings over a whole round, so one run names every cause at once instead of
 * stopping at the first page that fails. `expectClean()` fails the test with the details.
 */
export class Scanner {
	/** One line per scanned view × step, e.g. "participant · stemmen open". */
	readonly scanned: string[] = [];
	readonly problems: string[] = [];

	/**
	 * `colours`: only the rules a colour theme can break (contrast), for a second pass in another
	 * theme over pages the full scan already checked; sizes and structure do not change with it.
	 */
	constructor(private readonly only: 'all' | 'colours' = 'all') {}

	async scan(page: Page, view: string, step: string): Promise<void> {
		// Let the page settle: a reactive update halfway through a scan gives ghost nodes.
		await page.waitForLoadState('domcontentloaded');
		const builder = new AxeBuilder({ page });
		const result = await (
			this.only === 'colours' ? builder.withRules(COLOUR_RULES) : builder.withTags(WCAG_TAGS)
		).analyze();
		if (this.only === 'all') {
			for (const small of await smallTargets(page)) {
				this.problems.push(`[${view} · ${step}] smaller than 48px: ${small}`);
			}
		}
		// A scan that checked nothing would pass silently.
		expect(result.passes.length, `${view} · ${step}: axe checked nothing`).toBeGreaterThan(
			this.only === 'all' ? 10 : 0
		);
		this.scanned.push(`${view} · ${step}`);
		for (const violation of result.violations) {
			const targets = violation.nodes
				.slice(0, 5)
				.map(
					(node) =>
						`      ${node.target.join(' ')}\n        ${node.failureSummary?.replace(/\n/g, ' ')}`
				)
				.join('\n');
			this.problems.push(
				`[${view} · ${step}] ${violation.id} (${violation.impact}): ${violation.help}\n${targets}`
			);
		}
	}

	expectClean(): void {
		expect(this.problems.join('\n\n'), `axe found violations`).toBe('');
	}
}

/**
 * Controls smaller than Kleed's own 48 × 48 px target (`--touch-min`), WCAG asks 24 (2.5.8).
 * A radio or checkbox counts with the label around it; a link inside running text is exempt.
 */
export async function smallTargets(page: Page, min = 48): Promise<string[]> {
	return page.evaluate((min) => {
		const small: string[] = [];
		const controls = document.querySelectorAll<HTMLElement>(
			'button, a[href], input, select, textarea, summary, [role="button"], [role="switch"]'
		);
		for (const el of controls) {
			if (!el.checkVisibility() || el.closest('[inert], .visually-hidden')) continue;
			if (el.tagName === 'A' && el.closest('p, li') && !el.classList.contains('button')) continue;
			const target =
				(el as HTMLInputElement).type === 'radio' || (el as HTMLInputElement).type === 'checkbox'
					? (el.closest('label') ?? el)
					: el;
			const box = target.getBoundingClientRect();
			if (box.width < min - 0.5 || box.height < min - 0.5) {
				const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
				small.push(
					`${el.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`
				);
			}
		}
		return small;
	}, min);
}
