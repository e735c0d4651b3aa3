import { randomBytes } from 'node:crypto';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A random lowercase id usable as a Redis prefix, a BullMQ prefix or a PostgreSQL schema name. */
export function randomId(prefix = 'rc'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
}
