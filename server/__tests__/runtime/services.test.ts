import knexFactory from 'knex';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RecordingDiscord } from '@rulecord/engine';
import { createCatalogRegistry } from '@rulecord/catalog';
import { createLogger } from '../../src/logging/logger.js';
import type { Logger } from '../../src/logging/logger.js';
import { createProcessServices, servicesOf } from '../../src/runtime/services.js';
import type { ProcessServicesOptions } from '../../src/runtime/services.js';

// Never queried: these tests stop before the engine loads anything.
const knex = knexFactory({ client: 'pg' });
afterAll(() => knex.destroy());
const registry = createCatalogRegistry();

function capture() {
  const lines: { level: number; msg: string; tokenSet?: boolean }[] = [];
  const logger = createLogger(
    { LOG_LEVEL: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  return { logger, lines };
}

/** Services on the unqueried database, without timers; `options` adds what a test is about. */
const services = (logger: Logger, options: Partial<ProcessServicesOptions> = {}) =>
  createProcessServices({ db: knex, redis: undefined, registry, logger, runTimers: false, ...options });

describe('createProcessServices: the DiscordPort', () => {
  it('acts through the port it is handed ("port" mode), with no sandbox warning', async () => {
    const { logger, lines } = capture();
    const port = new RecordingDiscord({ guild: { id: '1', name: 'Real' } });
    const withPort = services(logger, { discord: port });
    expect(withPort.discordMode).toBe('port');
    expect(withPort.discord()).toBe(port);
    expect(withPort.discord()).toBe(port);
    expect(lines.filter((l) => l.msg.includes('SANDBOX'))).toEqual([]);
    await withPort.close();
  });

  it.each([
    [undefined, false, 'SANDBOX MODE: no DISCORD_TOKEN'],
    ['token', true, 'SANDBOX MODE: DISCORD_TOKEN is set but this build has no gateway bot yet'],
  ] as const)('without a port (token %s) warns once that nothing reaches Discord', async (token, tokenSet, text) => {
    const { logger, lines } = capture();
    const sandboxed = services(logger, { discordToken: token, sandboxGuildId: '42' });
    expect(sandboxed.discordMode).toBe('sandbox');
    const sandbox = sandboxed.discord();
    expect(sandbox).toBeInstanceOf(RecordingDiscord);
    expect(sandboxed.discord()).toBe(sandbox);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ tokenSet, sandboxGuildId: '42' });
    expect(warnings[0]?.msg.startsWith(text)).toBe(true);
    await sandboxed.close();
    await sandboxed.close();
  });
});

describe('createProcessServices: the sandbox port stays bounded', () => {
  it('keeps the latest 1000 recorded calls, trimming every 10 s', async () => {
    vi.useFakeTimers();
    try {
      const { logger } = capture();
      const sandboxed = services(logger);
      const sandbox = sandboxed.discord() as RecordingDiscord;
      const guild = sandbox.forGuild(sandboxed.sandboxGuildId);
      for (let i = 0; i < 1500; i++) await guild.addRole('u1', `r${i}`);
      const recorded = sandbox.calls.length;
      expect(recorded).toBeGreaterThanOrEqual(1500);
      const latest = sandbox.calls.slice(-1000);
      await vi.advanceTimersByTimeAsync(9_999);
      expect(sandbox.calls).toHaveLength(recorded);
      await vi.advanceTimersByTimeAsync(1);
      expect(sandbox.calls).toEqual(latest);
      await sandboxed.close();
      // Closed: no more trimming.
      for (let i = 0; i < 10; i++) await guild.addRole('u1', `again${i}`);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(sandbox.calls).toHaveLength(1010);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('servicesOf', () => {
  it('uses the process services when the context has them, and builds its own (to close) otherwise', async () => {
    const { logger } = capture();
    const shared = services(logger);
    const ctx = { db: { knex }, redis: undefined, registry, logger, config: { DISCORD_TOKEN: 'x' } };
    expect(servicesOf({ ...ctx, services: shared }, { runTimers: true })).toEqual({ services: shared, own: false });
    const own = servicesOf({ ...ctx, shutdownGraceMs: 500 }, { runTimers: true });
    expect(own.own).toBe(true);
    expect(own.services).not.toBe(shared);
    expect(own.services.discordMode).toBe('sandbox');
    await own.services.close();
    await shared.close();
  });
});
