import type { Json } from '../model/document.js';

/**
 * Every timer (giveaway end, reminder, role expiry, a rule's `wait`, a cron schedule) is a row in the database —
 * the source of truth — reached through `TimerStore`, and a job in a `Scheduler` that fires it. Firing is recorded in
 * the row, so a job delivered twice acts once.
 */
export interface TimerRecord {
  /** Deterministic id, unique per guild; also the job id in BullMQ. */
  id: string;
  guildId: string;
  /** What fires: `rule.resume`, `giveaway.end`, `schedule.tick`, … */
  kind: string;
  /** Epoch milliseconds. For a cron timer: the next occurrence. */
  dueAt: number;
  payload: Json;
  /** A cron expression (croner syntax) for a repeating timer; after each firing the row moves to the next occurrence. */
  cron?: string | null;
  /** IANA time zone for `cron`; UTC when absent. */
  timezone?: string | null;
  status: 'pending' | 'fired' | 'cancelled' | 'failed';
  attempts: number;
  firedAt?: number | null;
  lastError?: string | null;
  createdAt: number;
  /**
   * Epoch ms until which a worker holds the running occurrence (see `TimerStore.lease`); null when none does.
   * Added by engine-ports (additive).
   */
  lockedUntil?: number | null;
}

export type NewTimer = Pick<TimerRecord, 'id' | 'guildId' | 'kind' | 'dueAt' | 'payload'> &
  Partial<Pick<TimerRecord, 'cron' | 'timezone'>>;

export interface TimerStore {
  /** Inserts a pending timer; an existing row with the same (guildId, id) is replaced only while it is not fired. */
  upsert(timer: NewTimer, now: number): Promise<TimerRecord>;
  get(guildId: string, id: string): Promise<TimerRecord | null>;
  /**
   * Claims the firing of one occurrence: true only for the first caller whose `dueAt` matches the row's pending
   * occurrence. A one-shot timer becomes `fired`; a cron timer moves to `nextDueAt` and stays pending.
   */
  claim(guildId: string, id: string, dueAt: number, now: number, nextDueAt?: number | null): Promise<boolean>;
  /**
   * Takes the lease on one pending occurrence before its handler runs, so two deliveries of the same job never run it
   * at the same time, while a worker that dies mid-handler loses the lease when it expires and the occurrence runs
   * again. Returns the row (with `attempts` counting this attempt), or null when the occurrence is not pending at `dueAt`
   * or another holder's lease is still live. `claim` then records the firing. Added by engine-ports (additive).
   */
  lease(guildId: string, id: string, dueAt: number, now: number, leaseMs: number): Promise<TimerRecord | null>;
  /**
   * Extends a live lease while its handler still runs (a heartbeat): sets `lockedUntil` to `until` only if it still is
   * `heldUntil` — the value the holder last set — so a holder that lost its lease cannot take it back. Added by
   * engine-ports (additive).
   */
  renewLease(guildId: string, id: string, dueAt: number, heldUntil: number, until: number): Promise<boolean>;
  /**
   * Records a failed attempt (the timer stays pending for a retry, or becomes `failed` when `final`). With `dueAt`
   * (added by engine-ports, optional) only while that occurrence is still the pending one, so a late failure of an old
   * occurrence never touches a rescheduled timer.
   */
  recordFailure(guildId: string, id: string, error: string, final: boolean, dueAt?: number): Promise<void>;
  cancel(guildId: string, id: string): Promise<boolean>;
  /** Pending timers of one guild, by due time. */
  listPending(guildId: string, limit?: number): Promise<TimerRecord[]>;
  /**
   * Pending timers of every guild, in pages ordered by (guildId, id) after `after` — the reconciler's system-level
   * scan, the one query that is not guild-scoped.
   */
  scanPending(after: { guildId: string; id: string } | null, limit: number): Promise<TimerRecord[]>;
}

export type TimerHandler = (timer: TimerRecord) => Promise<void>;

export interface Scheduler {
  /** Stores the timer in the TimerStore and queues its job. Returns the stored row. */
  schedule(timer: NewTimer): Promise<TimerRecord>;
  cancel(guildId: string, id: string): Promise<boolean>;
  /** Starts firing due timers through `handler` (a worker). */
  start(handler: TimerHandler): Promise<void>;
  /** Rebuilds the queue from the TimerStore: every pending row gets its job back; returns how many were queued. */
  reconcile(): Promise<number>;
  stop(): Promise<void>;
}
