import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryTraceStore } from '@rulecord/engine';
import { ApiTokenStore } from '../../src/auth/tokens.js';
import { startProcess } from '../../src/process/index.js';
import { freePort, tempDir } from '../../src/testing/index.js';
import { doc, message, rule, until } from './helpers.js';

// The all-in-one `rulecord start` (embedded database, no Redis): worker, bot and api share one engine, trace store
// and invalidation bus.
describe('rulecord start runs the engine', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('a PUT through the API reloads the engine of the same process, whose traces the API lists', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const running = await startProcess(['api', 'bot', 'worker'], {
      env: { PORT: String(port), LOG_LEVEL: 'info' },
      cwd: dir.path,
      envFile: false,
      announce: null,
      migrate: { modules: [] },
      logDestination: new Writable({
        write(chunk, _e, done) {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      }),
    });
    try {
      const services = running.context.services;
      expect(services?.discordMode).toBe('sandbox');
      const msgs = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(msgs.some((m) => m.startsWith('SANDBOX MODE: no DISCORD_TOKEN'))).toBe(true);
      expect(msgs.some((m) => m.startsWith('worker role started'))).toBe(true);
      expect(services?.traces()).toBeInstanceOf(InMemoryTraceStore);

      const guild = services?.sandboxGuildId as string;
      const knex = running.context.db.knex;
      await knex('guilds').insert({ id: guild }).onConflict('id').ignore();
      const { token } = await new ApiTokenStore(knex).create({
        guildId: guild,
        name: 't',
        scope: 'write',
        createdBy: 'test',
      });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const put = await fetch(`${running.url}/api/guilds/${guild}/ruleset`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ document: doc(guild, [rule('greet')]), message: 'first' }),
      });
      expect(put.status, await put.clone().text()).toBe(200);

      const host = await services!.acquireEngine();
      try {
        await until(() => (host.engine.loaded(guild)?.rules[0] === 'greet' ? true : undefined));
        const runs = await host.engine.dispatch(message(guild));
        expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([['greet', 'fired']]);
      } finally {
        await services!.releaseEngine();
      }
      const listed = await fetch(`${running.url}/api/guilds/${guild}/traces`, { headers });
      const body = (await listed.json()) as { traces: { rule: { id: string }; outcome: string }[] };
      expect(body.traces.map((t) => [t.rule.id, t.outcome])).toEqual([['greet', 'fired']]);
    } finally {
      const started = Date.now();
      await running.stop();
      expect(Date.now() - started).toBeLessThan(8000);
    }
    const msgs = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs.indexOf('bot role stopped')).toBeLessThan(msgs.indexOf('worker role stopped'));
  }, 60_000);
});
