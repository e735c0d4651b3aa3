import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import {
  BullMQScheduler,
  Engine,
  InMemoryStateStore,
  InMemoryTraceStore,
  InProcessScheduler,
  RedisStateStore,
  RedisTraceStore,
  SystemClock,
} from '@rulecord/engine';
import type {
  Clock,
  DiscordPort,
  Logger,
  Problem,
  Registry,
  Scheduler,
  StateStore,
  TimerStore,
  TraceStore,
} from '@rulecord/engine';
import { catalogTimerEvents, removedScheduleIds, scheduleTimers, SCHEDULE_TIMER_KIND } from '@rulecord/catalog';
import type { ScheduleSettings } from '@rulecord/catalog';
import { KnexTimerStore } from '../db/timer-store.js';
import { processInvalidation, redisInvalidation } from '../rulesets/invalidation.js';
import type { InvalidationBus, RuleSetChange } from '../rulesets/invalidation.js';
import { RuleSetStore } from '../rulesets/store.js';

/** Where the engine's traces go, and how to release them at stop. */
export interface HostTraces {
  store: TraceStore;
  close(): Promise<void>;
}

/** The trace store of a process: shared through Redis when it is set, else in memory (shared with the api role). */
export function createTraceStore(
  redis: Redis | undefined,
  options: { prefix?: string; logger?: Logger; flushEveryMs?: number } = {},
): HostTraces {
  if (!redis) return { store: new InMemoryTraceStore(), close: async () => {} };
  const subscriber = redis.duplicate();
  subscriber.on('error', (err: unknown) => options.logger?.warn({ err }, 'trace subscriber connection error'));
  const store = new RedisTraceStore(redis, {
    subscriber,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.flushEveryMs === undefined ? {} : { flushEveryMs: options.flushEveryMs }),
    onError: (err) => options.logger?.warn({ err }, 'trace store write failed (traces are best effort)'),
  });
  return {
    store,
    async close() {
      await store.close();
      subscriber.disconnect();
    },
  };
}

/**
 * The rule-set change bus of a process: Redis pub/sub when Redis is set (close it when done), else this process's one
 * in-process bus, `processInvalidation()` (never closed: unsubscribe instead).
 */
export function createInvalidationBus(
  redis: Redis | undefined,
  channel?: string,
): { bus: InvalidationBus; close(): Promise<void> } {
  if (!redis) return { bus: processInvalidation(), close: async () => {} };
  const bus = redisInvalidation(redis, channel);
  return { bus, close: () => bus.close() };
}

export interface EngineHostOptions {
  /** The migrated database: rule-set versions and timers (the source of truth). */
  db: Knex;
  registry: Registry;
  logger: Logger;
  /** The DiscordPort the engine acts through (the sandbox `RecordingDiscord`, or the bot's gateway port). */
  discord: DiscordPort;
  /** Set: RedisStateStore, BullMQScheduler (and, unless given, RedisTraceStore and Redis invalidation). */
  redis?: Redis | undefined;
  /** Shared with the api role in the same process; default: built from `redis` and closed by `stop`. */
  traces?: TraceStore | undefined;
  /** Shared with the api role in the same process; default: built from `redis` and closed by `stop`. */
  invalidation?: InvalidationBus | undefined;
  /**
   * true (the worker): start the scheduler with `engine.handleTimer` and keep the schedule module's cron timers in step
   * with each guild's settings. false (a bot-only process): timers are stored and queued, fired by a worker.
   */
  runTimers?: boolean;
  clock?: Clock;
  /** Key prefixes (tests use random ones). */
  statePrefix?: string;
  bullmqPrefix?: string;
  traceKeyPrefix?: string;
  invalidationChannel?: string;
  timerStore?: TimerStore;
  /** Scheduler reconcile period (ms); default 60 000. */
  reconcileEveryMs?: number;
  /**
   * How long `stop` lets in-flight timers finish (ms); default 8 000. Past it the BullMQ worker is closed by force (its
   * jobs' leases lapse and another worker runs them again), and the in-process scheduler is left to its last handlers.
   */
  stopGraceMs?: number;
}

/** What loading one guild's latest version did. */
export type GuildLoad =
  | { guildId: string; status: 'loaded'; version: number; problems: Problem[] }
  | { guildId: string; status: 'invalid'; version: number; problems: Problem[] }
  | { guildId: string; status: 'empty' }
  | { guildId: string; status: 'error'; error: unknown };

/**
 * The engine inside a server process: one `Engine` with the catalog, its state / trace / timer ports picked from the
 * configuration, every guild's latest rule set loaded from the database, reloaded on each invalidation.
 *
 * @example
 * const host = new EngineHost({ db: db.knex, registry, logger, discord, redis, runTimers: true });
 * await host.start();                 // loads every guild, then starts the scheduler
 * await host.engine.dispatch(event);  // traces land in host.traces
 * await host.stop();
 */
export class EngineHost {
  readonly engine: Engine;
  readonly traces: TraceStore;
  readonly invalidation: InvalidationBus;
  readonly scheduler: Scheduler;
  readonly timerStore: TimerStore;
  readonly state: StateStore;
  readonly rulesets: RuleSetStore;
  readonly runTimers: boolean;
  readonly #options: EngineHostOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #owned: (() => Promise<void>)[] = [];
  /** Per guild: the reload in progress (reloads of one guild run one after another). */
  readonly #chains = new Map<string, Promise<unknown>>();
  /** Per guild: the schedule settings of the loaded version (to cancel schedules that disappear). */
  readonly #schedules = new Map<string, ScheduleSettings | undefined>();
  #unsubscribe: (() => void) | undefined;
  #started: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #schedulerStarted = false;
  readonly #loaded = new Set<string>();

  constructor(options: EngineHostOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#clock = options.clock ?? new SystemClock();
    this.runTimers = options.runTimers ?? true;
    const { redis } = options;
    this.rulesets = new RuleSetStore(options.db);
    this.timerStore = options.timerStore ?? new KnexTimerStore(options.db);
    this.state = redis
      ? new RedisStateStore(redis, options.statePrefix === undefined ? {} : { prefix: options.statePrefix })
      : new InMemoryStateStore({
          clock: this.#clock,
          ...(options.statePrefix === undefined ? {} : { prefix: options.statePrefix }),
        });
    if (options.traces) {
      this.traces = options.traces;
    } else {
      const built = createTraceStore(redis, {
        logger: this.#log,
        ...(options.traceKeyPrefix === undefined ? {} : { prefix: options.traceKeyPrefix }),
      });
      this.traces = built.store;
      this.#owned.push(built.close);
    }
    if (options.invalidation) {
      this.invalidation = options.invalidation;
    } else {
      const built = createInvalidationBus(redis, options.invalidationChannel);
      this.invalidation = built.bus;
      this.#owned.push(built.close);
    }
    const reconcileEveryMs = options.reconcileEveryMs ?? 60_000;
    this.scheduler = redis
      ? new BullMQScheduler({
          store: this.timerStore,
          connection: redis,
          clock: this.#clock,
          worker: this.runTimers,
          reconcileEveryMs,
          ...(options.bullmqPrefix === undefined ? {} : { prefix: options.bullmqPrefix }),
          onError: (err, context) => this.#log.warn({ err, ...context }, 'timer scheduler error'),
        })
      : new InProcessScheduler({
          store: this.timerStore,
          clock: this.#clock,
          reconcileEveryMs,
          onError: (err, timer) => this.#log.warn({ err, timer }, 'timer handler failed'),
        });
    this.engine = new Engine({
      registry: options.registry,
      state: this.state,
      scheduler: this.scheduler,
      discord: options.discord,
      clock: this.#clock,
      logger: this.#log,
      traces: this.traces,
      timerEvents: catalogTimerEvents,
    });
  }

  /**
   * Subscribes to rule-set changes, loads every guild's latest version (an invalid one is logged and skipped), then —
   * with `runTimers` — starts the scheduler with `engine.handleTimer`. Idempotent.
   */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    // Subscribe first: a change published while the guilds load is applied after that guild's load (same chain).
    this.#unsubscribe = this.invalidation.subscribe((change) => this.#onChange(change));
    await this.invalidation.ready();
    const results = await this.loadAll();
    const count = (s: GuildLoad['status']) => results.filter((r) => r.status === s).length;
    this.#log.info(
      { guilds: count('loaded'), invalid: count('invalid'), failed: count('error') },
      'engine loaded the rule sets of every guild',
    );
    if (this.runTimers && !this.#stopping) {
      await this.scheduler.start((timer) => this.engine.handleTimer(timer));
      this.#schedulerStarted = true;
    }
  }

  /** Guilds with a rule set live in the engine. */
  guilds(): string[] {
    return [...this.#loaded];
  }

  /** Loads the latest version of every guild that has one, guild by guild. */
  async loadAll(): Promise<GuildLoad[]> {
    const results: GuildLoad[] = [];
    for await (const guildId of this.#guildIds()) results.push(await this.reload(guildId, { quiet: true }));
    return results;
  }

  /**
   * Loads a guild's latest stored version into the engine (serialised per guild). An invalid version is logged with its
   * problems and skipped: the version loaded before (if any) stays live. With `runTimers`, the guild's schedule timers
   * follow its `schedule` settings.
   */
  reload(guildId: string, options: { quiet?: boolean } = {}): Promise<GuildLoad> {
    const previous = this.#chains.get(guildId) ?? Promise.resolve();
    const load = () => this.#load(guildId, options.quiet === true);
    const next = previous.then(load, load);
    this.#chains.set(guildId, next);
    void next.finally(() => {
      if (this.#chains.get(guildId) === next) this.#chains.delete(guildId);
    });
    return next;
  }

  async #load(guildId: string, quiet: boolean): Promise<GuildLoad> {
    try {
      const live = await this.rulesets.latest(guildId);
      if (!live) return { guildId, status: 'empty' };
      const tier = await this.rulesets.tier(guildId);
      const docGuild = live.document['guild'];
      const problems: Problem[] = [];
      if (typeof docGuild === 'string' && docGuild !== guildId) {
        problems.push({
          code: 'RC_API_GUILD_MISMATCH',
          message: `version ${live.version} of guild ${guildId} is a document for guild ${docGuild}`,
          pointer: '/guild',
          fix: `Store a version with guild: "${guildId}" (rulecord apply, or PUT /api/guilds/${guildId}/ruleset).`,
          severity: 'error',
        });
      }
      const result = problems.length > 0 ? { ok: false, problems } : this.engine.load(live.document, { tier });
      if (!result.ok) {
        this.#log.warn(
          {
            guildId,
            version: live.version,
            problems: result.problems.map((p) => `${p.pointer || '/'}: ${p.code} ${p.message}`),
          },
          `rule set version ${live.version} of guild ${guildId} does not validate: skipped (the version loaded before, if any, stays live)`,
        );
        return { guildId, status: 'invalid', version: live.version, problems: result.problems };
      }
      this.#loaded.add(guildId);
      this.#log[quiet ? 'debug' : 'info']({ guildId, version: live.version }, 'rule set loaded');
      if (this.runTimers) await this.#syncSchedules(guildId);
      return { guildId, status: 'loaded', version: live.version, problems: result.problems };
    } catch (error) {
      this.#log.error({ err: error, guildId }, `loading the rule set of guild ${guildId} failed`);
      return { guildId, status: 'error', error };
    }
  }

  /** Schedules the guild's cron timers from its `schedule` settings and cancels the ones whose schedule is gone. */
  async #syncSchedules(guildId: string): Promise<void> {
    const settings = this.engine.loaded(guildId)?.settings['schedule'] as ScheduleSettings | undefined;
    const before = this.#schedules.get(guildId);
    this.#schedules.set(guildId, settings);
    const wanted = scheduleTimers(guildId, settings, this.#clock.now());
    const wantedIds = new Set(wanted.map((t) => t.id));
    const pending = (await this.timerStore.listPending(guildId, 1000)).filter((t) => t.kind === SCHEDULE_TIMER_KIND);
    const stale = new Set([...removedScheduleIds(before, settings), ...pending.map((t) => t.id)]);
    for (const id of stale) {
      if (wantedIds.has(id)) continue;
      await this.scheduler.cancel(guildId, id);
    }
    for (const timer of wanted) {
      const row = pending.find((t) => t.id === timer.id);
      // The same schedule is already pending: keep its occurrence (re-applying must not skip or move a tick).
      if (row && row.cron === timer.cron && (row.timezone ?? 'UTC') === timer.timezone) continue;
      await this.scheduler.schedule(timer);
    }
  }

  #onChange(change: RuleSetChange): void {
    if (this.#stopping) return;
    this.#log.debug({ guildId: change.guildId, version: change.version }, 'rule set changed: reloading');
    void this.reload(change.guildId);
  }

  /** Every guild with a stored rule set: the one system-level scan (like the timer reconciler's), paged by id. */
  async *#guildIds(): AsyncGenerator<string> {
    let after: string | null = null;
    for (;;) {
      let q = this.#options.db('rule_set_versions').distinct('guild_id').orderBy('guild_id').limit(500);
      if (after !== null) q = q.where('guild_id', '>', after);
      const rows = (await q) as { guild_id: string }[];
      for (const r of rows) yield r.guild_id;
      const last = rows[rows.length - 1];
      if (rows.length < 500 || last === undefined) return;
      after = last.guild_id;
    }
  }

  /**
   * Stops taking changes, waits for reloads in progress, stops the scheduler (in-flight timers finish), then flushes
   * and closes what the host opened. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stopScheduler(): Promise<void> {
    const graceMs = this.#options.stopGraceMs ?? 8_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
      timer.unref();
    });
    const stopping = this.scheduler.stop();
    const outcome = await Promise.race([stopping.then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'done') return;
    this.#log.warn({ graceMs }, 'timers still running at the end of the shutdown grace period: stopping without them');
    if (this.scheduler instanceof BullMQScheduler) await this.scheduler.stop({ force: true });
  }

  async #stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#started?.catch(() => undefined);
    await Promise.allSettled([...this.#chains.values()]);
    if (this.#schedulerStarted || this.scheduler instanceof BullMQScheduler) await this.#stopScheduler();
    for (const close of this.#owned.reverse()) {
      await close().catch((err: unknown) => this.#log.warn({ err }, 'closing an engine resource failed'));
    }
  }
}
