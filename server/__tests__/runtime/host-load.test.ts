import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingDiscord } from '@rulecord/engine';
import { EngineHost } from '../../src/runtime/index.js';
import { inProcessInvalidation } from '../../src/rulesets/invalidation.js';
import { RuleSetStore } from '../../src/rulesets/store.js';
import { openTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { captureLogger, doc, registry, rule } from './helpers.js';

describe('EngineHost: versions it cannot load', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  }, 60_000);
  afterAll(async () => {
    await db.destroy();
  });

  function host() {
    const { logger, lines } = captureLogger();
    const engineHost = new EngineHost({
      db: db.knex,
      registry: registry(),
      logger,
      discord: new RecordingDiscord(),
      invalidation: inProcessInvalidation(),
      runTimers: false,
    });
    return { host: engineHost, lines };
  }

  it('skips a version whose document names another guild, saying which and how to fix it', async () => {
    const guild = '300000000000000001';
    const other = '300000000000000002';
    await new RuleSetStore(db.knex).append({
      guildId: guild,
      document: doc(other, [rule('r')]),
      author: 'test',
      message: 'pasted from another guild',
    });
    const { host: h, lines } = host();
    await h.start();
    expect(h.guilds()).toEqual([]);
    expect(h.engine.loaded(guild)).toBeUndefined();
    const load = await h.reload(guild);
    expect(load).toMatchObject({ guildId: guild, status: 'invalid', version: 1 });
    expect(load.status === 'invalid' && load.problems).toEqual([
      {
        code: 'RC_API_GUILD_MISMATCH',
        message: `version 1 of guild ${guild} is a document for guild ${other}`,
        pointer: '/guild',
        fix: `Store a version with guild: "${guild}" (rulecord apply, or PUT /api/guilds/${guild}/ruleset).`,
        severity: 'error',
      },
    ]);
    const warning = lines().find((l) => l.level === 40 && l['guildId'] === guild);
    expect(warning?.msg).toBe(
      `rule set version 1 of guild ${guild} does not validate: skipped (the version loaded before, if any, stays live)`,
    );
    await h.stop();
  });

  it('reports a guild whose rule set cannot be read as an error, logged, without throwing', async () => {
    const guild = '300000000000000003';
    const { host: h, lines } = host();
    await db.knex.schema.renameTable('rule_set_versions', 'rule_set_versions_away');
    try {
      const load = await h.reload(guild);
      expect(load).toMatchObject({ guildId: guild, status: 'error' });
      expect(String((load as { error: unknown }).error)).toMatch(/rule_set_versions/);
    } finally {
      await db.knex.schema.renameTable('rule_set_versions_away', 'rule_set_versions');
    }
    const logged = lines().find((l) => l.level === 50);
    expect(logged).toMatchObject({ guildId: guild, msg: `loading the rule set of guild ${guild} failed` });
    // The guild loads once it can be read again.
    await new RuleSetStore(db.knex).append({
      guildId: guild,
      document: doc(guild, [rule('r')]),
      author: 't',
      message: 'm',
    });
    expect(await h.reload(guild)).toMatchObject({ status: 'loaded', version: 1 });
    expect(h.guilds()).toEqual([guild]);
    await h.stop();
  });
});
