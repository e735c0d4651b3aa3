/**
 * The benchmark stays runnable and honest: a small run must print its JSON summary as the last line, with every
 * engine firing the same rules on every event.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm run bench (small)', () => {
  it('prints the summary as its last line with 0 mismatches', { timeout: 180_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'engine/bench/run.ts'], {
      cwd: root,
      env: {
        ...process.env,
        BENCH_EVENTS: '1500',
        BENCH_JRE_EVENTS: '1500',
        BENCH_REPS: '1',
        BENCH_WARMUP: '1',
        BENCH_REDIS: '0',
      },
      maxBuffer: 10 * 1024 * 1024,
    });
    const last = stdout.trim().split('\n').pop()!;
    const summary = JSON.parse(last) as Record<string, number>;
    expect(Object.keys(summary).slice(0, 7)).toEqual([
      'events',
      'rulecordEventsPerSec',
      'rulecordP99Us',
      'jreEventsPerSec',
      'endToEndRatio',
      'conditionRatio',
      'mismatches',
    ]);
    expect(summary.events).toBe(1500);
    expect(summary.mismatches).toBe(0);
    for (const key of ['rulecordEventsPerSec', 'jreEventsPerSec', 'endToEndRatio', 'conditionRatio'])
      expect(summary[key]).toBeGreaterThan(0);
    // the world fires a realistic mix: many rules fire somewhere
    const fired = JSON.parse(
      stdout
        .split('\n')
        .find((l) => l.startsWith('fired per rule'))!
        .replace(/^[^{]*/, ''),
    ) as Record<string, number>;
    expect(Object.keys(fired).length).toBeGreaterThanOrEqual(12);
  });
});
