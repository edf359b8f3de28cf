// Fails when a messages/*.json file has a key twice: JSON parsers (and Paraglide) silently keep
// the last one, so a new string can quietly replace an old one on another screen.
import { readdirSync, readFileSync } from 'node:fs';

let problems = 0;
for (const file of readdirSync('messages').filter((f) => f.endsWith('.json'))) {
	const seen = new Map();
	readFileSync(`messages/${file}`, 'utf8')
		.split('\n')
		.forEach((line, i) => {
			const key = /^\t"([^"]+)"\s*:/.exec(line)?.[1];
			if (!key) return;
			if (seen.has(key)) {
				console.error(`messages/${file}:${i + 1}: "${key}" again (first on line ${seen.get(key)})`);
				problems++;
			} else seen.set(key, i + 1);
		});
}
if (problems > 0) process.exit(1);
