import type { Redis } from 'ioredis';
import type { Registry } from '@rulecord/engine';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/open.js';
import type { Logger } from '../logging/logger.js';
import type { ProcessServices } from '../runtime/services.js';

/** The parts a Rulecord process can run: `start` runs all three, `rulecord api|bot|worker` one each. */
export type RoleName = 'api' | 'bot' | 'worker';

/** Start order; they stop in the reverse order (the API stops accepting first). */
export const ROLE_ORDER: readonly RoleName[] = ['worker', 'bot', 'api'];

/**
 * What a role gets from the process that hosts it. Later roles need more shared services (state store, scheduler):
 * add them here as optional fields, built in `runtime.ts`.
 */
export interface ProcessContext {
  readonly config: Config;
  readonly logger: Logger;
  /** Open and migrated. */
  readonly db: Database;
  /** Connected, `noeviction` checked; `undefined` without REDIS_URL. */
  readonly redis: Redis | undefined;
  /** Every catalog module (facts, actions, events, templates), shared by the roles. */
  readonly registry: Registry;
  /** Every role this process runs, e.g. `['worker', 'bot', 'api']` for `start`. */
  readonly roles: readonly RoleName[];
  /** Time a role's `stop` has to finish its in-flight work (ms). */
  readonly shutdownGraceMs: number;
  /**
   * What the roles of this process share (one engine, trace store, invalidation bus, DiscordPort); built by
   * `startProcess` and closed after the roles stop. A role given a context without it builds its own.
   */
  readonly services?: ProcessServices;
}

export interface RunningRole {
  /** Stops taking new work, finishes in-flight work within `ctx.shutdownGraceMs`, releases what the role opened. */
  stop(): Promise<void>;
  /** For the api role: the URL it listens on. */
  readonly url?: string;
}

/**
 * One role: a file in `server/src/process/roles/<name>.ts` that default-exports `defineRole({...})`.
 *
 * @example
 * export default defineRole({
 *   name: 'worker',
 *   async start(ctx) {
 *     const worker = await startTimers(ctx);
 *     return { stop: () => worker.close() };
 *   },
 * });
 */
export interface RoleDefinition {
  readonly name: RoleName;
  start(ctx: ProcessContext): Promise<RunningRole>;
}

export function defineRole(role: RoleDefinition): RoleDefinition {
  return role;
}
