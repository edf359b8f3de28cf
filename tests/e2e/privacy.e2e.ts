import { expect } from '@playwright/test';
import { test } from './fixtures';
import { LAPTOP, TABLET, createRound, local, newPage, participant } from './helpers';

test('every page is served with a strict CSP and no referrer, and breaks none of its rules', async ({
	browser,
	request
}) => {
	const page = await request.get('/');
	const csp = page.headers()['content-security-policy'] ?? '';
	expect(csp).toContain("default-src 'self'");
	// Framed by Kleed itself only (a practice round's demo view), never by another site.
	expect(csp).toContain("frame-ancestors 'self'");
	expect(page.headers()['x-frame-options']).toBe('SAMEORIGIN');
	expect(csp).toMatch(/script-src 'self' 'nonce-/);
	expect(page.headers()['referrer-policy']).toBe('no-referrer');
	expect(page.headers()['x-content-type-options']).toBe('nosniff');
	const api = await request.get('/api/health');
	expect(api.headers()['x-content-type-options']).toBe('nosniff');

	// No page trips over its own policy.
	const facilitator = await newPage(browser, LAPTOP);
	const violations: string[] = [];
	const watch = (p: typeof facilitator) =>
		p.on('console', (m) => {
			if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
		});
	watch(facilitator);
	const round = await createRound(facilitator, 'Privacy');
	await facilitator.goto(local(round.links.facilitator));
	await expect(facilitator.getByRole('button', { name: 'Volgende stap' })).toBeVisible();
	const anna = await participant(browser, round, 'Anna');
	watch(anna);
	await anna.reload();
	await expect(anna.getByText('Anna').first()).toBeVisible();
	const screen = await newPage(browser, TABLET);
	watch(screen);
	await screen.goto(local(round.links.projector));
	await expect(screen.getByText('Opening').first()).toBeVisible();
	expect(violations).toEqual([]);
});
