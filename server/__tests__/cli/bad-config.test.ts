import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulecordBin, spawnNode, tempDir } from '../../src/testing/index.js';

describe('`rulecord start` with a bad configuration', () => {
  it('exits 1 with one line per problem and no stack trace', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    try {
      const p = spawnNode([rulecordBin, 'start'], {
        cwd: dir.path,
        env: { PORT: 'abc', DATABASE_URL: 'nonsense', LOG_LEVEL: 'chatty' },
      });
      const exit = await p.exited;
      expect(exit.code).toBe(1);
      expect(p.stderr()).toBe(
        [
          'rulecord start: configuration is invalid (3 problems):',
          '  DATABASE_URL: must be a postgres:// or postgresql:// URL, got "nonsense"',
          '  LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "chatty"',
          '  PORT: must be an integer 1–65535, got "abc"',
          '  fix: set the variables above in the environment or in .env (see .env.example and docs/configuration.md) [RC_CONFIG_INVALID]',
          '',
        ].join('\n'),
      );
      expect(p.stdout()).toBe('');
    } finally {
      dir.remove();
    }
  });

  it(
    'refuses a RULECORD_MIGRATION_WAIT that is not a duration, in one line, before opening anything',
    {
      timeout: 60_000,
    },
    async () => {
      const dir = tempDir();
      try {
        const p = spawnNode([rulecordBin, 'start'], { cwd: dir.path, env: { RULECORD_MIGRATION_WAIT: '60' } });
        const exit = await p.exited;
        expect(exit.code).toBe(1);
        expect(p.stderr()).toBe(
          [
            'rulecord start: configuration is invalid (1 problem):',
            '  RULECORD_MIGRATION_WAIT: must be a duration such as 60s, 5m or 1m30s (units w d h m s ms, largest first), got "60"',
            '  fix: set the variables above in the environment or in .env (see .env.example and docs/configuration.md) [RC_CONFIG_INVALID]',
            '',
          ].join('\n'),
        );
        expect(p.stdout()).toBe('');
        // Refused before the embedded database was created in RULECORD_DATA_DIR.
        expect(existsSync(join(dir.path, '.rulecord'))).toBe(false);
      } finally {
        dir.remove();
      }
    },
  );

  it('exits 1 naming an unreachable PostgreSQL', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    try {
      const p = spawnNode([rulecordBin, 'api'], {
        cwd: dir.path,
        env: { DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/nothing', LOG_LEVEL: 'silent' },
      });
      const exit = await p.exited;
      expect(exit.code).toBe(1);
      expect(p.stderr()).toMatch(
        /^rulecord api: cannot reach PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/nothing: /,
      );
      expect(p.stderr()).toContain('[RC_DB_UNREACHABLE]');
      expect(p.stderr()).not.toContain('hunter2');
      expect(p.stderr()).not.toMatch(/^\s+at /m);
    } finally {
      dir.remove();
    }
  });
});
