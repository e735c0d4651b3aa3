import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { RecordingDiscord } from '@rulecord/engine';
import type { DiscordPort, Registry, TraceStore } from '@rulecord/engine';
import { DEFAULT_SANDBOX_GUILD_ID } from '../api/context.js';
import type { Logger } from '../logging/logger.js';
import type { InvalidationBus } from '../rulesets/invalidation.js';
import { EngineHost, createInvalidationBus, createTraceStore } from './host.js';
import type { EngineHostOptions } from './host.js';

/** Calls kept by the sandbox port (it records every call; older ones are dropped so a long run stays bounded). */
const SANDBOX_CALLS_KEPT = 1000;

/**
 * What the roles of one process share: one trace store, one invalidation bus, one DiscordPort and one engine. In the
 * all-in-one `rulecord start` this is what makes a PUT through the API reload the engine of the same process and the
 * engine's traces appear at `GET /api/guilds/:id/traces`.
 */
export interface ProcessServices {
  /** The guild the sandbox port answers for (and the API's sandbox sign-in manages). */
  readonly sandboxGuildId: string;
  /** `sandbox`: the engine acts on an in-memory `RecordingDiscord`, nothing reaches Discord. */
  readonly discordMode: 'sandbox' | 'port';
  /** With Redis: a RedisTraceStore every process shares; without: one in-memory store of this process. */
  traces(): TraceStore;
  /** With Redis: pub/sub every process hears; without: one in-process bus. */
  invalidation(): InvalidationBus;
  discord(): DiscordPort;
  /**
   * The process's engine, started on first use (every guild loaded; the scheduler started when the process runs the
   * worker role). Each role that acquires it releases it when it stops; the last release stops it.
   */
  acquireEngine(): Promise<EngineHost>;
  releaseEngine(): Promise<void>;
  /** Stops the engine if a role left it running, then closes the trace store and the bus. Idempotent. */
  close(): Promise<void>;
}

export interface ProcessServicesOptions {
  db: Knex;
  redis: Redis | undefined;
  registry: Registry;
  logger: Logger;
  /** true when the process runs the worker role: the engine fires timers and keeps schedule timers in step. */
  runTimers: boolean;
  /** The DiscordPort to act through (the bot's gateway port); default: the sandbox port. */
  discord?: DiscordPort | undefined;
  /** Set when DISCORD_TOKEN is: logged, since until the gateway bot exists the sandbox port is used anyway. */
  discordToken?: string | undefined;
  sandboxGuildId?: string | undefined;
  /** Passed to the host (tests: key prefixes, a clock). */
  host?: Partial<EngineHostOptions>;
}

export function createProcessServices(options: ProcessServicesOptions): ProcessServices {
  const { redis, logger } = options;
  const log = logger.child({ component: 'engine' });
  const sandboxGuildId = options.sandboxGuildId ?? DEFAULT_SANDBOX_GUILD_ID;
  let traces: ReturnType<typeof createTraceStore> | undefined;
  let bus: ReturnType<typeof createInvalidationBus> | undefined;
  let discord: DiscordPort | undefined;
  let trim: NodeJS.Timeout | undefined;
  let host: EngineHost | undefined;
  let starting: Promise<EngineHost> | undefined;
  let users = 0;
  let closed: Promise<void> | undefined;

  const services: ProcessServices = {
    sandboxGuildId,
    discordMode: options.discord ? 'port' : 'sandbox',
    traces() {
      traces ??= createTraceStore(redis, {
        logger: log,
        ...(options.host?.traceKeyPrefix === undefined ? {} : { prefix: options.host.traceKeyPrefix }),
      });
      return traces.store;
    },
    invalidation() {
      bus ??= createInvalidationBus(redis, options.host?.invalidationChannel);
      return bus.bus;
    },
    discord() {
      if (discord) return discord;
      if (options.discord) {
        discord = options.discord;
        return discord;
      }
      const sandbox = new RecordingDiscord({ guild: { id: sandboxGuildId, name: 'Sandbox' } });
      trim = setInterval(() => {
        if (sandbox.calls.length > SANDBOX_CALLS_KEPT)
          sandbox.calls.splice(0, sandbox.calls.length - SANDBOX_CALLS_KEPT);
      }, 10_000);
      trim.unref();
      log.warn(
        { discord: 'sandbox', sandboxGuildId, tokenSet: options.discordToken !== undefined },
        options.discordToken === undefined
          ? 'SANDBOX MODE: no DISCORD_TOKEN, rules act on an in-memory sandbox guild; nothing is sent to Discord'
          : 'SANDBOX MODE: DISCORD_TOKEN is set but this build has no gateway bot yet; rules act on an in-memory sandbox guild',
      );
      discord = sandbox;
      return discord;
    },
    acquireEngine() {
      users++;
      starting ??= (async () => {
        host = new EngineHost({
          ...options.host,
          db: options.db,
          registry: options.registry,
          logger: log,
          discord: services.discord(),
          redis,
          traces: services.traces(),
          invalidation: services.invalidation(),
          runTimers: options.runTimers,
        });
        await host.start();
        return host;
      })();
      return starting;
    },
    async releaseEngine() {
      users = Math.max(0, users - 1);
      if (users === 0 && host) await host.stop();
    },
    close() {
      closed ??= (async () => {
        if (trim) clearInterval(trim);
        await starting?.catch(() => undefined);
        await host?.stop();
        await traces?.close();
        await bus?.close();
      })();
      return closed;
    },
  };
  return services;
}

/**
 * The shared services of a role's process (`ctx.services`), or — for a context built without them — the role's own,
 * which the role closes when it stops (`own: true`).
 */
export function servicesOf(
  ctx: {
    services?: ProcessServices | undefined;
    db: { knex: Knex };
    redis: Redis | undefined;
    registry: Registry;
    logger: Logger;
    config: { DISCORD_TOKEN?: string | undefined };
    shutdownGraceMs?: number;
  },
  options: { runTimers: boolean },
): { services: ProcessServices; own: boolean } {
  if (ctx.services) return { services: ctx.services, own: false };
  return {
    services: createProcessServices({
      db: ctx.db.knex,
      redis: ctx.redis,
      registry: ctx.registry,
      logger: ctx.logger,
      runTimers: options.runTimers,
      discordToken: ctx.config.DISCORD_TOKEN,
      ...(ctx.shutdownGraceMs === undefined ? {} : { host: { stopGraceMs: ctx.shutdownGraceMs } }),
    }),
    own: true,
  };
}
