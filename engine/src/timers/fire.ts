import type { Clock } from '../clock/clock.js';
import type { TimerHandler, TimerRecord, TimerStore } from './port.js';
import { nextCronOccurrence } from './cron.js';
import { errorText } from './validate.js';

/** How often a failing timer is tried and how long to wait between tries (exponential). */
export interface RetryPolicy {
  /** Tries in all, the first included. Default 5. */
  attempts: number;
  /** Wait before the 2nd try; doubles for each further one. Default 1 s. */
  backoffMs: number;
  /** Upper bound of one wait. Default 5 min. */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 1000, maxBackoffMs: 5 * 60_000 };
/** How long a worker holds an occurrence it runs; a worker that dies mid-handler gives it up after this long. */
export const DEFAULT_LEASE_MS = 60_000;

/** Wait before try `attempt + 1` after try `attempt` (1-based) failed. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** One occurrence of one timer: what a job or an in-process entry carries. */
export interface OccurrenceRef {
  guildId: string;
  id: string;
  dueAt: number;
}

export type FireOutcome =
  | { kind: 'fired'; row: TimerRecord; nextDueAt: number | null }
  /** The occurrence is no longer pending (fired, cancelled, rescheduled, deleted): nothing to do. */
  | { kind: 'skipped' }
  /** Another worker holds the occurrence; try again at `retryAt`. */
  | { kind: 'busy'; retryAt: number }
  /** The handler threw. When `final`, the timer is `failed` (a cron timer moved on to `nextDueAt` instead). */
  | {
      kind: 'failed';
      error: unknown;
      attempts: number;
      final: boolean;
      nextDueAt: number | null;
      retryAt: number | null;
    };

/**
 * Runs one occurrence exactly once: lease it (so no other delivery runs it meanwhile), run the handler, then `claim`
 * it — the exactly-once gate that records the firing (a one-shot timer becomes `fired`, a cron timer moves to its next
 * occurrence). A delivery that finds the occurrence fired or moved acts not at all. Both schedulers fire through here.
 */
export async function fireOccurrence(
  store: TimerStore,
  handler: TimerHandler,
  ref: OccurrenceRef,
  clock: Clock,
  options: {
    leaseMs: number;
    retry: RetryPolicy;
    /** Aborted: the worker gave the job up; stop renewing its lease. */ signal?: AbortSignal;
  },
): Promise<FireOutcome> {
  const row = await store.lease(ref.guildId, ref.id, ref.dueAt, clock.now(), options.leaseMs);
  if (row === null) {
    const current = await store.get(ref.guildId, ref.id);
    if (
      current?.status === 'pending' &&
      current.dueAt === ref.dueAt &&
      current.lockedUntil != null &&
      current.lockedUntil > clock.now()
    ) {
      return { kind: 'busy', retryAt: current.lockedUntil };
    }
    return { kind: 'skipped' };
  }
  const heartbeat = keepLease(store, row, clock, options.leaseMs, options.signal);
  try {
    await handler(row);
  } catch (error) {
    await heartbeat.stop();
    const final = row.attempts >= options.retry.attempts;
    const text = errorText(error);
    if (final && row.cron) {
      // A repeating timer does not die with one bad occurrence: record the error and move on to the next one.
      await store.recordFailure(row.guildId, row.id, text, false, row.dueAt);
      const nextDueAt = nextCronOccurrence(row.cron, row.timezone, Math.max(row.dueAt, clock.now()));
      await store.claim(row.guildId, row.id, row.dueAt, clock.now(), nextDueAt);
      return { kind: 'failed', error, attempts: row.attempts, final, nextDueAt, retryAt: null };
    }
    await store.recordFailure(row.guildId, row.id, text, final, row.dueAt);
    const retryAt = final ? null : clock.now() + backoffDelay(options.retry, row.attempts);
    return { kind: 'failed', error, attempts: row.attempts, final, nextDueAt: null, retryAt };
  }
  await heartbeat.stop();
  // Missed occurrences of a cron timer (downtime) are not replayed one by one: the next one is after now.
  const nextDueAt = row.cron ? nextCronOccurrence(row.cron, row.timezone, Math.max(row.dueAt, clock.now())) : null;
  const claimed = await store.claim(row.guildId, row.id, row.dueAt, clock.now(), nextDueAt);
  if (!claimed) return { kind: 'skipped' };
  return { kind: 'fired', row, nextDueAt };
}

/**
 * Renews the lease every third of its length while the handler runs, so a slow handler of a live worker is never run
 * a second time by another delivery. A renewal that fails (the lease was lost) stops the heartbeat.
 */
function keepLease(
  store: TimerStore,
  row: TimerRecord,
  clock: Clock,
  leaseMs: number,
  signal: AbortSignal | undefined,
): { stop(): Promise<void> } {
  let heldUntil = row.lockedUntil ?? null;
  let running: Promise<void> = Promise.resolve();
  if (heldUntil === null) return { stop: async () => {} };
  const timer = setInterval(
    () => {
      running = running.then(async () => {
        if (heldUntil === null) return;
        const until = clock.now() + leaseMs;
        if (until <= heldUntil) return; // a virtual clock that has not moved
        try {
          heldUntil = (await store.renewLease(row.guildId, row.id, row.dueAt, heldUntil, until)) ? until : null;
        } catch {
          // A passing store fault: try again at the next beat (the lease is still ours until it runs out).
        }
      });
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  signal?.addEventListener('abort', () => clearInterval(timer), { once: true });
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
