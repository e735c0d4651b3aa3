import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from './capture.js';
import { tempDir } from '../../src/testing/index.js';

const cli = (argv: string[], env: Record<string, string> = {}, cwd = process.cwd()) => runCommand(argv, { env, cwd });

const dir = tempDir();
afterAll(() => dir.remove());

describe('the role commands (start, api, bot, worker)', () => {
  it.each(['start', 'api', 'bot', 'worker'])(
    '`rulecord %s extra` is a usage error: exit 2 with the usage',
    async (name) => {
      const result = await cli([name, 'extra']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `rulecord ${name}: unexpected argument "extra"\nUsage: rulecord ${name}\n\nConfiguration comes from the environment and ./.env (see docs/configuration.md).\n`,
      );
    },
  );

  it('`rulecord help` lists each role with what it runs', async () => {
    const { code, stdout } = await cli(['help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}start +Run everything in one process: API and studio, bot, worker$/m);
    expect(stdout).toMatch(/^ {2}api +Run the HTTP API and the studio only/m);
    expect(stdout).toMatch(/^ {2}bot +Run the Discord bot only$/m);
    expect(stdout).toMatch(/^ {2}worker +Run the worker only/m);
  });

  it('`rulecord worker` runs until SIGTERM, then stops cleanly with exit 0 and releases the database', async () => {
    const env = { RULECORD_DATA_DIR: join(dir.path, 'data'), LOG_LEVEL: 'silent' };
    const lock = join(dir.path, 'data', 'pgdata.lock');
    const running = cli(['worker'], env, dir.path);
    let settled = false;
    void running.finally(() => (settled = true));
    const deadline = Date.now() + 20_000;
    // Started once the signal handlers are in place (the database is open and migrated before that).
    while (process.listenerCount('SIGTERM') === 0 && Date.now() < deadline && !settled) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(settled).toBe(false);
    expect(existsSync(lock)).toBe(true);
    process.emit('SIGTERM');
    const result = await running;
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(lock)).toBe(false);
  }, 30_000);
});
