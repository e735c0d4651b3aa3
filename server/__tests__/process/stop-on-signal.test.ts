import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { stopOnSignal } from '../../src/process/runtime.js';

function capture() {
  const lines: { level: number; msg: string; signal?: string }[] = [];
  const logger = createLogger(
    { LOG_LEVEL: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  return { logger, lines };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stopOnSignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s runs stop, logs the signal and resolves 0', async (signal) => {
    const { logger, lines } = capture();
    let stopped = false;
    const result = stopOnSignal(
      async () => {
        stopped = true;
      },
      { logger, timeoutMs: 1_000 },
    );
    await tick();
    expect(stopped).toBe(false);
    process.emit(signal);
    expect(await result).toBe(0);
    expect(stopped).toBe(true);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal }));
    // Nothing of this shutdown is left listening: a later signal is not taken for a second one.
    expect(process.listenerCount('SIGTERM')).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('exits 1 with a log line when stop outlasts the timeout', async () => {
    const { logger, lines } = capture();
    const exits: unknown[] = [];
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => void exits.push(code)) as never);
    const result = stopOnSignal(() => tick(300), { logger, timeoutMs: 50 });
    await tick();
    process.emit('SIGTERM');
    await tick(150);
    expect(exits).toEqual([1]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'shutdown took longer than 50 ms: exiting' }),
    );
    await result;
  });

  it('exits 1 at once on a second signal during the shutdown', async () => {
    const { logger, lines } = capture();
    const exits: unknown[] = [];
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => void exits.push(code)) as never);
    const result = stopOnSignal(() => tick(200), { logger, timeoutMs: 5_000 });
    await tick();
    process.emit('SIGTERM');
    await tick(20);
    expect(exits).toEqual([]);
    process.emit('SIGINT');
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'second signal: exiting without finishing the shutdown' });
    expect(await result).toBe(0);
  });

  it('stops listening even when stop fails, and passes the failure on', async () => {
    const { logger } = capture();
    const result = stopOnSignal(() => Promise.reject(new Error('pool would not close')), { logger, timeoutMs: 1_000 });
    await tick();
    process.emit('SIGTERM');
    await expect(result).rejects.toThrow('pool would not close');
    expect(process.listenerCount('SIGTERM')).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
