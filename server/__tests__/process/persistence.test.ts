import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRuleSetVersion, forGuild, getRuleSetVersion, upsertGuild } from '../../src/db/index.js';
import { startProcess } from '../../src/process/index.js';
import { freePort, tempDir } from '../../src/testing/index.js';

const quiet = new Writable({ write: (_c, _e, done) => done() });

describe('embedded database (PGlite) across a restart', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('keeps a row written before the restart', { timeout: 120_000 }, async () => {
    const env = { PORT: String(await freePort()), LOG_LEVEL: 'silent' };
    const options = { env, cwd: dir.path, envFile: false as const, announce: null, logDestination: quiet };

    const first = await startProcess(['api'], options);
    expect(first.context.db.kind).toBe('pglite');
    expect(first.context.db.location).toBe(`${dir.path}/.rulecord/pgdata`);
    await upsertGuild(first.context.db.knex, { id: '300000000000000001', name: 'Persisted', tier: 'premium' });
    await appendRuleSetVersion(forGuild(first.context.db.knex, '300000000000000001'), {
      document: { rules: [{ id: 'kept' }] },
      author: 'tester',
      message: 'before restart',
    });
    await first.stop();

    const second = await startProcess(['api'], options);
    try {
      const row = await getRuleSetVersion(forGuild(second.context.db.knex, '300000000000000001'));
      expect(row).toMatchObject({
        version: 1,
        author: 'tester',
        message: 'before restart',
        document: { rules: [{ id: 'kept' }] },
      });
      expect(await second.context.db.knex('guilds').where({ id: '300000000000000001' }).first()).toMatchObject({
        name: 'Persisted',
        tier: 'premium',
      });
      const res = await fetch(`${second.url}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
