import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../../src/config/index.js';
import { tempDir } from '../../src/testing/index.js';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ env, envFile: false, cwd: '/srv/app' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('applies the defaults when nothing is set', () => {
    const config = loadConfig({ env: {}, envFile: false, cwd: '/srv/app' });
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe('/srv/app/.rulecord');
    expect(config.RULECORD_MIGRATION_WAIT).toBe('60s');
    expect(config.migrationWaitMs).toBe(60_000);
  });

  it('reads RULECORD_MIGRATION_WAIT as a duration, and refuses one without a unit or out of order', () => {
    const wait = (value: string) =>
      loadConfig({ env: { RULECORD_MIGRATION_WAIT: value }, envFile: false }).migrationWaitMs;
    expect(wait('1m30s')).toBe(90_000);
    expect(wait('250ms')).toBe(250);
    expect(wait('2h')).toBe(7_200_000);
    const expected = 'a duration such as 60s, 5m or 1m30s (units w d h m s ms, largest first)';
    for (const bad of ['60', 'soon', '30s1m', '1 m', '-5s']) {
      expect(problems({ RULECORD_MIGRATION_WAIT: bad })).toEqual([
        `RULECORD_MIGRATION_WAIT: must be ${expected}, got ${JSON.stringify(bad)}`,
      ]);
    }
  });

  it('says exactly what is wrong with PORT=abc', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT: must be an integer 1–65535, got "abc"']);
  });

  it('reports every problem at once, one line each, sorted by variable', () => {
    expect(problems({ PORT: '0', DATABASE_URL: 'nonsense', LOG_LEVEL: 'loud', REDIS_URL: 'http://x' })).toEqual([
      'DATABASE_URL: must be a postgres:// or postgresql:// URL, got "nonsense"',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'PORT: must be an integer 1–65535, got "0"',
      'REDIS_URL: must be a redis:// or rediss:// URL, got "http://x"',
    ]);
  });

  it('never shows the value of a secret, and masks the password of a URL', () => {
    const lines = problems({ SESSION_SECRET: 'hunter2', DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(lines).toEqual([
      'DATABASE_URL: must be a postgres:// or postgresql:// URL, got "mysql://admin:***@db/x"',
      'SESSION_SECRET: must be at least 32 characters (value hidden: it is a secret)',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('requires the partner of a credential pair', () => {
    expect(problems({ DISCORD_CLIENT_SECRET: 'abcdefghijkl' })).toEqual([
      'DISCORD_CLIENT_ID: is required when DISCORD_CLIENT_SECRET is set',
    ]);
    expect(problems({ TWITCH_CLIENT_ID: 'abc' })).toEqual([
      'TWITCH_CLIENT_SECRET: is required when TWITCH_CLIENT_ID is set',
    ]);
  });

  describe('without an env option', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });
    it('reads the process environment, resolving RULECORD_DATA_DIR from cwd', () => {
      vi.stubEnv('PORT', '4321');
      vi.stubEnv('RULECORD_DATA_DIR', 'state');
      const config = loadConfig({ cwd: '/srv/app', envFile: false });
      expect(config.PORT).toBe(4321);
      expect(config.dataDir).toBe('/srv/app/state');
      expect(config.publicUrl).toBe('http://localhost:4321');
      vi.stubEnv('PORT', '0');
      expect(() => loadConfig({ cwd: '/srv/app', envFile: false })).toThrow(/PORT: must be .*, got "0"/);
    });
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ env: { PORT: '', DATABASE_URL: '  ', OPENAI_API_KEY: '' }, envFile: false });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it('reads .env, and the environment wins over it', () => {
    writeFileSync(
      join(dir.path, '.env'),
      'PORT=4100\nLOG_LEVEL=debug\n# comment\nPUBLIC_URL=https://rules.example.com/\n',
    );
    const config = loadConfig({ env: { LOG_LEVEL: 'warn' }, cwd: dir.path });
    expect(config.PORT).toBe(4100);
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.publicUrl).toBe('https://rules.example.com');
    expect(loadConfig({ env: {}, cwd: dir.path, envFile: false }).PORT).toBe(3000);
  });

  it('accepts every port 1–65535 and refuses every other integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 200_000 }), (port) => {
        const ok = port >= 1 && port <= 65535;
        if (ok) expect(loadConfig({ env: { PORT: String(port) }, envFile: false }).PORT).toBe(port);
        else expect(problems({ PORT: String(port) })).toEqual([`PORT: must be an integer 1–65535, got "${port}"`]);
      }),
    );
  });

  it('refuses any PORT that is not an integer, quoting it', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1 })
          .filter((s) => s.trim() !== '' && !/^\s*[+-]?\d+(\.0*)?\s*$/.test(s) && Number.isNaN(Number(s.trim()))),
        (value) => {
          expect(problems({ PORT: value })).toEqual([
            `PORT: must be an integer 1–65535, got ${JSON.stringify(value.trim())}`,
          ]);
        },
      ),
    );
  });

  it('has a description and an x-expect phrase for every variable', () => {
    for (const [name, property] of Object.entries(configSchema.properties)) {
      expect(property.description, name).toMatch(/\S/);
      expect(property['x-expect'], name).toMatch(/\S/);
    }
  });
});
