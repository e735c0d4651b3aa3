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
  /** Records a failed attempt (the timer stays pending for a retry, or becomes `failed` when `final`). */
  recordFailure(guildId: string, id: string, error: string, final: boolean): Promise<void>;
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
