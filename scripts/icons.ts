/**
 * Draws the app icons (static/icon-*.png) from static/favicon.svg with Playwright's Chromium, so
 * the PNGs always match the SVG. Run after changing the favicon: `npx tsx scripts/icons.ts`.
 * The maskable icon fills the whole square (launchers cut their own shape) and keeps the ring
 * inside the central safe zone (80 %).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const svg = readFileSync('static/favicon.svg', 'utf8');
const background = /<rect[^>]*fill="(#[0-9a-f]+)"/i.exec(svg)?.[1] ?? '#8a4b2d';
const inner = svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');

const icons = [
	{ file: 'static/icon-192.png', size: 192, maskable: false },
	{ file: 'static/icon-512.png', size: 512, maskable: false },
	{ file: 'static/icon-maskable-512.png', size: 512, maskable: true },
	{ file: 'static/apple-touch-icon.png', size: 180, maskable: true }
];

const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
	for (const { file, size, maskable } of icons) {
		const page = await browser.newPage({ viewport: { width: size, height: size } });
		// Maskable: a full square of the background, the drawing scaled to 70 % in the middle.
		const drawing = maskable
			? `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="${size}" height="${size}"><rect width="32" height="32" fill="${background}"/><g transform="translate(16 16) scale(0.7) translate(-16 -16)">${inner.replace(/<rect[^>]*\/>/, '')}</g></svg>`
			: svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
		await page.setContent(
			`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${drawing}`
		);
		await page.screenshot({ path: file, omitBackground: true });
		await page.close();
		console.log(`wrote ${file}`);
	}
} finally {
	await browser.close();
}
