import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/load.js';
import type { LoadConfigOptions } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { migrateUpWhenUnlocked } from '../db/migrate.js';
import type { MigrateOptions, MigrationLockWait } from '../db/migrate.js';
import { MIGRATION_LOCK_TABLE } from '../db/migration-lock.js';
import { openDatabase } from '../db/open.js';
import type { Database } from '../db/open.js';
import { createLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import { createProcessServices } from '../runtime/services.js';
import type { DiscordPort } from '@rulecord/engine';
import type { ProcessServices, ProcessServicesOptions } from '../runtime/services.js';
import { connectRedis } from './redis.js';
import { ROLE_ORDER } from './role.js';
import type { ProcessContext, RoleName, RunningRole } from './role.js';
import { roleLoaders } from './roles/index.js';

export interface StartProcessOptions extends LoadConfigOptions {
  /** Already-loaded configuration (otherwise read from `env` / `.env`). */
  config?: Config;
  /** Where logs go; default stdout. */
  logDestination?: DestinationStream;
  /** Where the "Rulecord is running at …" line goes; default stdout; `null` for none. */
  announce?: Writable | null;
  /**
   * Passed to `migrateUpWhenUnlocked` (tests: `{ modules: [] }`, a short `maxWaitMs`). By default a process waits
   * `RULECORD_MIGRATION_WAIT` (60 s) for another one's migration lock, then stops with `RC_DB_MIGRATION_LOCKED`.
   */
  migrate?: MigrateOptions & Omit<MigrationLockWait, 'onWait'>;
  /** Total time allowed for a graceful stop (ms); default 10 000. */
  shutdownTimeoutMs?: number;
  /** The DiscordPort the engine acts through; default: the sandbox port (an in-memory `RecordingDiscord`). */
  discord?: DiscordPort;
  /** Engine host settings (tests: Redis key prefixes). */
  engine?: ProcessServicesOptions['host'];
}

/** A started process: its context, the URL of its api role (if it runs one), and how to stop it. */
export interface RunningProcess {
  readonly context: ProcessContext;
  readonly url: string | undefined;
  /** Stops the roles in reverse start order, then closes Redis and the database. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `roles` in one process: loads and validates the configuration, opens and migrates the database, connects
 * Redis (refusing one that may evict keys), then starts worker, bot and api in that order.
 *
 * @example
 * const running = await startProcess(['api', 'bot', 'worker']);
 * // … later
 * await running.stop();
 */
export async function startProcess(
  roles: readonly RoleName[],
  options: StartProcessOptions = {},
): Promise<RunningProcess> {
  const config = options.config ?? loadConfig(options);
  const logger = createLogger(config, options.logDestination);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const ordered = ROLE_ORDER.filter((r) => roles.includes(r));

  let db: Database | undefined;
  let redis: Redis | undefined;
  let services: ProcessServices | undefined;
  const running: { name: RoleName; role: RunningRole }[] = [];
  const release = async () => {
    for (const { name, role } of [...running].reverse()) {
      try {
        await role.stop();
      } catch (error) {
        logger.error({ err: error, role: name }, 'role failed to stop cleanly');
      }
    }
    running.length = 0;
    if (services) {
      await services.close().catch((error: unknown) => logger.error({ err: error }, 'engine services failed to close'));
    }
    if (redis) await redis.quit().catch(() => redis?.disconnect());
    if (db) await db.close();
  };

  try {
    db = await openDatabase(config);
    logger.info({ database: db.kind, location: db.location }, 'database open');
    const maxWaitMs = options.migrate?.maxWaitMs ?? config.migrationWaitMs;
    const applied = await migrateUpWhenUnlocked(db.knex, {
      ...options.migrate,
      maxWaitMs,
      onWait: () =>
        logger.info(
          { lockTable: MIGRATION_LOCK_TABLE, maxWaitMs },
          'another process is migrating the database; waiting for its migration lock',
        ),
    });
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    if (config.REDIS_URL !== undefined) redis = await connectRedis(config.REDIS_URL);

    const { createCatalogRegistry } = await import('@rulecord/catalog');
    const registry = createCatalogRegistry();
    services = createProcessServices({
      db: db.knex,
      redis,
      registry,
      logger,
      runTimers: ordered.includes('worker'),
      discord: options.discord,
      discordToken: config.DISCORD_TOKEN,
      // Timers in flight get the roles' grace period (see `shutdownGraceMs` below).
      host: { stopGraceMs: Math.max(100, shutdownTimeoutMs - 2_000), ...options.engine },
    });
    const context: ProcessContext = {
      config,
      logger,
      db,
      redis,
      registry,
      roles: ordered,
      // Leave a margin inside the total budget for closing pools.
      shutdownGraceMs: Math.max(100, shutdownTimeoutMs - 2_000),
      services,
    };
    for (const name of ordered) {
      const definition = (await roleLoaders[name]()).default;
      running.push({ name, role: await definition.start(context) });
    }
    const url = running.find((r) => r.name === 'api')?.role.url;
    logger.info({ roles: ordered, url }, 'rulecord started');
    if (url !== undefined && options.announce !== null) {
      const publicNote =
        config.PUBLIC_URL !== undefined && config.PUBLIC_URL !== url ? ` (public URL: ${config.publicUrl})` : '';
      (options.announce ?? process.stdout).write(`\nRulecord is running at ${url}${publicNote}\n\n`);
    }
    let stopping: Promise<void> | undefined;
    return {
      context,
      url,
      stop() {
        stopping ??= release().then(() => logger.info('rulecord stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}

/**
 * `startProcess`, then waits for SIGTERM or SIGINT and stops gracefully (see `stopOnSignal`). Resolves to the exit
 * code: 0 after a clean stop.
 */
export async function runUntilSignal(roles: readonly RoleName[], options: StartProcessOptions = {}): Promise<number> {
  const running = await startProcess(roles, options);
  return stopOnSignal(() => running.stop(), {
    logger: running.context.logger,
    timeoutMs: options.shutdownTimeoutMs ?? 10_000,
  });
}

/**
 * Waits for SIGTERM or SIGINT, then runs `stop` and resolves 0. A second signal, or a `stop` that outlasts
 * `timeoutMs`, exits the process with 1 at once.
 */
export async function stopOnSignal(
  stop: () => Promise<unknown>,
  options: { logger: Logger; timeoutMs: number },
): Promise<number> {
  const { logger, timeoutMs } = options;
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onTerm = () => received('SIGTERM');
    const onInt = () => received('SIGINT');
    const received = (name: NodeJS.Signals) => {
      process.removeListener('SIGTERM', onTerm);
      process.removeListener('SIGINT', onInt);
      resolve(name);
    };
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
  logger.info({ signal }, 'shutting down');
  const force = (why: string) => {
    logger.error(why);
    process.exit(1);
  };
  const again = () => force('second signal: exiting without finishing the shutdown');
  process.once('SIGTERM', again);
  process.once('SIGINT', again);
  const timer = setTimeout(() => force(`shutdown took longer than ${timeoutMs} ms: exiting`), timeoutMs);
  timer.unref();
  try {
    await stop();
  } finally {
    // Stopped (or failed to): a later signal is no longer a "second" one of this shutdown.
    clearTimeout(timer);
    process.removeListener('SIGTERM', again);
    process.removeListener('SIGINT', again);
  }
  return 0;
}
