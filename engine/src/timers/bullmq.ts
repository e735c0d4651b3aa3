import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/system.js';
import type { NewTimer, Scheduler, TimerHandler, TimerRecord, TimerStore } from './port.js';
import {
  backoffDelay,
  DEFAULT_LEASE_MS,
  DEFAULT_RETRY,
  fireOccurrence,
  type OccurrenceRef,
  type RetryPolicy,
} from './fire.js';
import { timerJobId } from './job-id.js';
import { checkNewTimer, errorText } from './validate.js';

export interface BullMQSchedulerOptions {
  /** The source of truth (PostgreSQL in production). */
  store: TimerStore;
  /** An ioredis connection; the scheduler duplicates it (never closes it) and uses `maxRetriesPerRequest: null` for the worker. */
  connection: Redis;
  /** Default `rulecord-timers`. */
  queueName?: string;
  /** BullMQ key prefix; default `bull`. Tests use a random one. */
  prefix?: string;
  clock?: Clock;
  /** How often the reconciler runs while started (it also runs at start and whenever Redis comes back). Default 60 s; 0 = never. */
  reconcileEveryMs?: number;
  /** Jobs run at once by this process's worker. Default 16. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** See `TimerStore.lease`. Default 60 s. */
  leaseMs?: number;
  /** BullMQ job lock; a worker that stops renewing it (killed) loses the job after this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs (their worker died). Default 30 s. */
  stalledIntervalMs?: number;
  /** Completed jobs kept for inspection. Default 1000. Failed jobs are all kept. */
  keepCompleted?: number;
  /** `false`: this process only schedules (an API server); `start` runs no worker, only the reconciler. Default true. */
  worker?: boolean;
  /** Failures that are not thrown to a caller: handler errors, Redis errors, reconcile errors. */
  onError?: (
    error: unknown,
    context: { where: 'handler' | 'queue' | 'worker' | 'reconcile' | 'schedule'; timer?: OccurrenceRef },
  ) => void;
}

/** One failed job as BullMQ keeps it (visible for operators and the studio). */
export interface FailedTimerJob {
  jobId: string;
  guildId: string;
  id: string;
  dueAt: number;
  kind: string;
  failedReason: string;
  attemptsMade: number;
  finishedOn: number | null;
}

const BACKOFF_TYPE = 'rulecord';
/** An overdue row whose job still exists is checked for a finished job only after this long (it may just be running). */
const STALE_JOB_GRACE_MS = 5000;

const occurrence = (row: Pick<TimerRecord, 'guildId' | 'id' | 'dueAt'>): OccurrenceRef => ({
  guildId: row.guildId,
  id: row.id,
  dueAt: row.dueAt,
});

/**
 * `Scheduler` on BullMQ. Every timer is a row in the `TimerStore` (the truth) and a delayed job whose id is derived from
 * (guildId, id, dueAt). The worker leases the occurrence in the store, runs the handler, then claims it — so a job
 * delivered twice acts once, and a worker killed mid-job loses its lease and the job completes on another. A cron timer
 * is re-queued for its next occurrence (computed with croner) after each firing. Failures retry with exponential
 * backoff; the last failure moves the job to BullMQ's failed set, which is kept. `reconcile()` pages through the store's
 * pending rows and re-adds every missing job: it runs at start, every `reconcileEveryMs`, and when Redis comes back, so
 * losing Redis delays timers but never loses or doubles them.
 *
 * @example
 * const scheduler = new BullMQScheduler({ store: new KnexTimerStore(knex), connection: new Redis(url) });
 * await scheduler.start((timer) => engine.handleTimer(timer));
 */
export class BullMQScheduler implements Scheduler {
  readonly store: TimerStore;
  readonly clock: Clock;
  readonly queueName: string;
  readonly queue: Queue;
  readonly #options: BullMQSchedulerOptions;
  readonly #retry: RetryPolicy;
  readonly #queueConnection: Redis;
  #workerConnection: Redis | null = null;
  #worker: Worker | null = null;
  #handler: TimerHandler | null = null;
  #interval: NodeJS.Timeout | null = null;
  #reconciling: Promise<number> | null = null;
  #reconcileAgain = false;
  #stopped = false;
  /** Aborted by a forced stop: the jobs still running are given up and their leases left to lapse. */
  #abandon = new AbortController();
  readonly #onReady = (): void => {
    // Redis (re)connected: it may have come back empty. Rebuild from the store.
    if (this.#handler !== null && !this.#stopped) this.#backgroundReconcile();
  };

  constructor(options: BullMQSchedulerOptions) {
    this.#options = options;
    this.store = options.store;
    this.clock = options.clock ?? new SystemClock();
    this.queueName = options.queueName ?? 'rulecord-timers';
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    // No offline queue: while Redis is away, queue commands fail at once instead of piling up, so `schedule()` stores
    // its row and returns; the reconciler queues the job when Redis is back.
    this.#queueConnection = options.connection.duplicate({ enableOfflineQueue: false });
    this.#queueConnection.on('error', (error: unknown) => this.#report(error, 'queue'));
    this.queue = new Queue(this.queueName, {
      connection: this.#queueConnection,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    });
    this.queue.on('error', (error: unknown) => this.#report(error, 'queue'));
  }

  async schedule(timer: NewTimer): Promise<TimerRecord> {
    checkNewTimer(timer);
    const before = await this.store.get(timer.guildId, timer.id);
    const row = await this.store.upsert(timer, this.clock.now());
    if (row.status !== 'pending') return row;
    try {
      if (before?.status === 'pending' && before.dueAt !== row.dueAt) await this.#removeJob(before);
      await this.#ensureJob(row);
    } catch (error) {
      // The row is stored: the reconciler queues the job once Redis answers again.
      this.#report(error, 'schedule', row);
    }
    return row;
  }

  async cancel(guildId: string, id: string): Promise<boolean> {
    const before = await this.store.get(guildId, id);
    const cancelled = await this.store.cancel(guildId, id);
    if (cancelled && before !== null) {
      // Best effort: a job left behind finds the row cancelled and does nothing.
      await this.#removeJob(before).catch((error: unknown) => this.#report(error, 'schedule', before));
    }
    return cancelled;
  }

  async start(handler: TimerHandler): Promise<void> {
    this.#handler = handler;
    this.#stopped = false;
    this.#abandon = new AbortController();
    if (this.#options.worker !== false) {
      this.#workerConnection = this.#options.connection.duplicate({ maxRetriesPerRequest: null });
      this.#workerConnection.on('error', (error: unknown) => this.#report(error, 'worker'));
      this.#worker = new Worker(this.queueName, (job, token) => this.#process(job, token), {
        connection: this.#workerConnection,
        ...(this.#options.prefix === undefined ? {} : { prefix: this.#options.prefix }),
        concurrency: this.#options.concurrency ?? 16,
        lockDuration: this.#options.lockDurationMs ?? 30_000,
        stalledInterval: this.#options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 1_000, // a stall is a dead worker, not a bad timer: the lease decides, never the stall count
        settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(this.#retry, attemptsMade) },
      });
      this.#worker.on('error', (error: unknown) => this.#report(error, 'worker'));
      await this.#worker.waitUntilReady();
    }
    await this.reconcile();
    this.#queueConnection.on('ready', this.#onReady);
    const every = this.#options.reconcileEveryMs ?? 60_000;
    if (every > 0) {
      this.#interval = setInterval(() => this.#backgroundReconcile(), every);
      this.#interval.unref();
    }
  }

  /**
   * Rebuilds the queue from the store: every pending row whose job is missing (or finished while the row still waits)
   * gets its job back. Idempotent by job id; concurrent calls share one run. Resolves to how many jobs were queued.
   */
  reconcile(): Promise<number> {
    if (this.#reconciling !== null) {
      this.#reconcileAgain = true;
      return this.#reconciling.then(() => 0);
    }
    const run = async (): Promise<number> => {
      await this.queue.waitUntilReady();
      let queued = 0;
      do {
        this.#reconcileAgain = false;
        let after: { guildId: string; id: string } | null = null;
        for (;;) {
          const page: TimerRecord[] = await this.store.scanPending(after, 500);
          queued += await this.#reconcilePage(page);
          const last = page[page.length - 1];
          if (page.length < 500 || last === undefined) break;
          after = { guildId: last.guildId, id: last.id };
        }
      } while (this.#reconcileAgain && !this.#stopped);
      return queued;
    };
    this.#reconciling = run().finally(() => {
      this.#reconciling = null;
    });
    return this.#reconciling;
  }

  /**
   * Stops the worker, the reconciler and the queue, and closes the connections it opened. By default it waits for the
   * jobs running now; with `force` it does not (a shutdown deadline): their locks lapse and other workers take them
   * over once their leases run out.
   */
  async stop(options: { force?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    this.#handler = null;
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = null;
    this.#queueConnection.off('ready', this.#onReady);
    await this.#reconciling?.catch(() => undefined);
    if (options.force === true) this.#abandon.abort();
    await this.#worker?.close(options.force === true);
    this.#worker = null;
    await this.queue.close();
    this.#workerConnection?.disconnect();
    this.#workerConnection = null;
    this.#queueConnection.disconnect();
  }

  /** Jobs BullMQ keeps as failed (every try failed), newest first. */
  async failedJobs(limit = 100): Promise<FailedTimerJob[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((job) => {
      const ref = job.data as OccurrenceRef;
      return {
        jobId: String(job.id),
        guildId: ref.guildId,
        id: ref.id,
        dueAt: ref.dueAt,
        kind: job.name,
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
        finishedOn: job.finishedOn ?? null,
      };
    });
  }

  async #process(job: Job, token: string | undefined): Promise<string> {
    const handler = this.#handler;
    const ref = job.data as OccurrenceRef;
    if (handler === null) throw new Error('the scheduler is stopping');
    const outcome = await fireOccurrence(this.store, handler, ref, this.clock, {
      leaseMs: this.#options.leaseMs ?? DEFAULT_LEASE_MS,
      retry: this.#retry,
      signal: this.#abandon.signal,
    });
    switch (outcome.kind) {
      case 'fired':
        if (outcome.nextDueAt !== null) await this.#requeueNext(ref, job.name, outcome.nextDueAt);
        return 'fired';
      case 'skipped':
        return 'skipped';
      case 'busy':
        // Another worker holds the lease (or held it and died): look again when it runs out, without using a try.
        await job.moveToDelayed(outcome.retryAt + 1, token);
        throw new DelayedError();
      case 'failed':
        this.#report(outcome.error, 'handler', ref);
        if (outcome.final) {
          if (outcome.nextDueAt !== null) await this.#requeueNext(ref, job.name, outcome.nextDueAt);
          throw new UnrecoverableError(errorText(outcome.error));
        }
        throw new Error(errorText(outcome.error));
    }
  }

  async #requeueNext(ref: OccurrenceRef, kind: string, dueAt: number): Promise<void> {
    try {
      await this.#ensureJob({ guildId: ref.guildId, id: ref.id, dueAt, kind });
    } catch (error) {
      this.#report(error, 'schedule', { ...ref, dueAt }); // the reconciler will queue it
    }
  }

  /**
   * One page of the reconciler in a few round trips: one pipelined EXISTS for every job, one addBulk for the missing
   * ones. Only overdue rows whose job exists get the slower state check (a finished job whose row still waits).
   */
  async #reconcilePage(rows: readonly TimerRecord[]): Promise<number> {
    if (rows.length === 0) return 0;
    const pipeline = this.#queueConnection.pipeline();
    for (const row of rows) pipeline.exists(this.queue.toKey(timerJobId(row.guildId, row.id, row.dueAt)));
    const results = (await pipeline.exec()) ?? [];
    const missing: TimerRecord[] = [];
    const overdue: TimerRecord[] = [];
    const staleBefore = this.clock.now() - STALE_JOB_GRACE_MS;
    rows.forEach((row, i) => {
      const [error, exists] = results[i] ?? [new Error('no reply'), 0];
      if (error) throw error;
      if (exists === 0) missing.push(row);
      else if (row.dueAt < staleBefore) overdue.push(row);
    });
    if (missing.length > 0)
      await this.queue.addBulk(
        missing.map((row) => ({ name: row.kind, data: occurrence(row), opts: this.#jobOptions(row) })),
      );
    let replaced = 0;
    for (let i = 0; i < overdue.length; i += 50) {
      replaced += (await Promise.all(overdue.slice(i, i + 50).map((row) => this.#ensureJob(row)))).filter(
        Boolean,
      ).length;
    }
    return missing.length + replaced;
  }

  #jobOptions(row: Pick<TimerRecord, 'guildId' | 'id' | 'dueAt'>) {
    return {
      jobId: timerJobId(row.guildId, row.id, row.dueAt),
      delay: Math.max(0, row.dueAt - this.clock.now()),
      attempts: this.#retry.attempts + 1, // the store's attempt count decides the last try (UnrecoverableError)
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { count: this.#options.keepCompleted ?? 1000 },
      removeOnFail: false,
    };
  }

  /** Makes sure the occurrence has a live job; true when this call queued one. */
  async #ensureJob(row: Pick<TimerRecord, 'guildId' | 'id' | 'dueAt' | 'kind'>): Promise<boolean> {
    const jobId = timerJobId(row.guildId, row.id, row.dueAt);
    const state = await this.queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      // The job finished but the row still waits for this occurrence (e.g. rescheduled to the same time after a
      // cancel): a new job is needed, and BullMQ keeps ids of finished jobs, so make room first.
      await this.queue.remove(jobId);
    } else if (state !== 'unknown') {
      return false;
    }
    await this.queue.add(row.kind, occurrence(row), this.#jobOptions(row));
    return true;
  }

  async #removeJob(row: Pick<TimerRecord, 'guildId' | 'id' | 'dueAt'>): Promise<void> {
    const jobId = timerJobId(row.guildId, row.id, row.dueAt);
    const state = await this.queue.getJobState(jobId);
    if (state === 'delayed' || state === 'waiting' || state === 'prioritized') await this.queue.remove(jobId);
  }

  #backgroundReconcile(): void {
    this.reconcile().catch((error: unknown) => this.#report(error, 'reconcile'));
  }

  #report(
    error: unknown,
    where: 'handler' | 'queue' | 'worker' | 'reconcile' | 'schedule',
    timer?: OccurrenceRef,
  ): void {
    this.#options.onError?.(
      error,
      timer === undefined ? { where } : { where, timer: { guildId: timer.guildId, id: timer.id, dueAt: timer.dueAt } },
    );
  }
}
