import { once } from 'node:events';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { RulecordError } from '@rulecord/engine';
import { formatError } from '../../src/cli/format-error.js';
import { openDatabase } from '../../src/db/index.js';
import type { Config } from '../../src/config/index.js';
import { startProcess, stopOnSignal } from '../../src/process/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { freePort, startRedisServer, tempDir } from '../../src/testing/index.js';

function collect() {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _e, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; role?: string; roles?: string[]; url?: string }),
  };
}

describe('startProcess', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it(
    'starts worker, bot and api in that order, announces the URL, and stops them in reverse',
    { timeout: 90_000 },
    async () => {
      const port = await freePort();
      const logs = collect();
      const announce = collect();
      const running = await startProcess(['api', 'bot', 'worker'], {
        env: { PORT: String(port), LOG_LEVEL: 'info', PUBLIC_URL: 'https://rules.example.com' },
        cwd: dir.path,
        envFile: false,
        logDestination: logs.stream,
        announce: announce.stream,
      });
      expect(running.url).toBe(`http://localhost:${port}`);
      expect(running.context.roles).toEqual(['worker', 'bot', 'api']);
      expect(announce.text()).toBe(
        `\nRulecord is running at http://localhost:${port} (public URL: https://rules.example.com)\n\n`,
      );
      await running.stop();
      await running.stop(); // idempotent
      const messages = logs.lines().map((l) => l.msg);
      const order = (m: string) => messages.findIndex((x) => x.startsWith(m));
      expect(order('worker role started')).toBeLessThan(order('bot role started'));
      expect(order('bot role started')).toBeLessThan(order('rulecord started'));
      expect(order('bot role stopped')).toBeLessThan(order('worker role stopped'));
      expect(messages.filter((m) => m === 'rulecord stopped')).toHaveLength(1);
      expect(logs.lines().find((l) => l.msg === 'rulecord started')?.roles).toEqual(['worker', 'bot', 'api']);
    },
  );

  it('runs a role alone without an HTTP server', { timeout: 90_000 }, async () => {
    const running = await startProcess(['worker'], {
      env: { LOG_LEVEL: 'silent' },
      cwd: dir.path,
      envFile: false,
      announce: null,
      logDestination: collect().stream,
    });
    expect(running.url).toBeUndefined();
    await running.stop();
  });

  it('names a port that is already in use, and how to fix it', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      await expect(
        startProcess(['api'], {
          env: { PORT: String(port), LOG_LEVEL: 'silent' },
          cwd: dir.path,
          envFile: false,
          announce: null,
          logDestination: collect().stream,
        }),
      ).rejects.toMatchObject({
        code: 'RC_HTTP_LISTEN',
        message: `port ${port} on 127.0.0.1 is already in use`,
        fix: 'stop the other process (another rulecord?) or set PORT to a free port',
      });
    } finally {
      blocker.close();
    }
  });

  it(
    'leaves nothing open when a start fails (the embedded database can be opened again)',
    { timeout: 90_000 },
    async () => {
      const lru = await startRedisServer(['--maxmemory-policy', 'volatile-lru']);
      try {
        await expect(
          startProcess(['api'], {
            env: { REDIS_URL: lru.url, LOG_LEVEL: 'silent' },
            cwd: dir.path,
            envFile: false,
            announce: null,
            logDestination: collect().stream,
          }),
        ).rejects.toMatchObject({ code: 'RC_REDIS_EVICTION_POLICY' });
        const db = await openDatabase({ dataDir: `${dir.path}/.rulecord` } as Config);
        await db.close();
      } finally {
        await lru.stop();
      }
    },
  );
});

describe('stopOnSignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('runs stop once on %s and resolves 0', async (signal) => {
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    const logs = collect();
    let stops = 0;
    const result = stopOnSignal(
      async () => {
        stops++;
      },
      { logger: createLogger({ LOG_LEVEL: 'info' }, logs.stream), timeoutMs: 5_000 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.emit(signal);
    expect(await result).toBe(0);
    expect(stops).toBe(1);
    expect(logs.lines().map((l) => l.msg)).toEqual(['shutting down']);
    // stopOnSignal leaves "second signal: exit now" listeners behind (the process is about to exit); remove them.
    for (const name of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(name)) if (!before[name].includes(listener)) process.off(name, listener);
    }
  });
});

describe('formatError', () => {
  it('prints the stack only with RULECORD_DEBUG', () => {
    const error = new RulecordError('RC_X', 'went wrong');
    expect(formatError(error, {})).toBe('went wrong\n  [RC_X]');
    expect(formatError(error, { RULECORD_DEBUG: '1' })).toContain('\nRulecordError: went wrong\n    at ');
    expect(formatError(new Error(''), {})).toBe('Error');
    expect(formatError('plain', {})).toBe('plain');
  });
});
