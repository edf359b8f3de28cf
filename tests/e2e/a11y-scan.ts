import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what Kleed promises (issue #6). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Collects axe findings over a whole round, so one run names every cause at once instead of
 * stopping at the first page that fails. `expectClean()` fails the test with the details.
 */
export class Scanner {
	/** One line per scanned view × step, e.g. "participant · stemmen open". */
	readonly scanned: string[] = [];
	readonly problems: string[] = [];

	async scan(page: Page, view: string, step: string): Promise<void> {
		// Let the page settle: a reactive update halfway through a scan gives ghost nodes.
		await page.waitForLoadState('domcontentloaded');
		const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
		// A scan that checked nothing would pass silently.
		expect(result.passes.length, `${view} · ${step}: axe checked nothing`).toBeGreaterThan(10);
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
