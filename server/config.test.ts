import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
	it('has working defaults: port 3000 on all interfaces, data in ./data/kleed.db', () => {
		const config = loadConfig({});
		expect(config.port).toBe(3000);
		expect(config.host).toBe('0.0.0.0');
		expect(config.databaseFile).toBe(`${process.cwd()}/data/kleed.db`);
		expect(config.publicUrl).toBeUndefined();
	});

	it('reads PORT, HOST, DATA_DIR and PUBLIC_URL', () => {
		const config = loadConfig({
			PORT: '8080',
			HOST: '127.0.0.1',
			DATA_DIR: '/tmp/k',
			PUBLIC_URL: 'https://kleed.example.org/'
		});
		expect(config).toMatchObject({
			port: 8080,
			host: '127.0.0.1',
			databaseFile: '/tmp/k/kleed.db',
			publicUrl: 'https://kleed.example.org'
		});
	});

	it('treats an empty variable as unset', () => {
		expect(loadConfig({ PORT: '' }).port).toBe(3000);
	});

	for (const [env, fragment] of [
		[{ PORT: 'abc' }, 'PORT="abc": must be a whole number between 0 and 65535'],
		[{ PORT: '70000' }, 'PORT="70000"'],
		[{ PORT: '3.5' }, 'PORT="3.5"'],
		[{ HOST: 'bad host!' }, 'HOST="bad host!"'],
		[{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL="ftp://x"'],
		[{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud"']
	] as const) {
		it(`refuses ${JSON.stringify(env)} with a message naming the setting`, () => {
			expect(() => loadConfig(env)).toThrow(ConfigError);
			expect(() => loadConfig(env)).toThrow(fragment);
		});
	}
});
