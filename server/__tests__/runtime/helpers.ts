import { Writable } from 'node:stream';
import { fastify, type FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { createCatalogRegistry } from '@rulecord/catalog';
import type { JsonObject, Registry, RuleEvent, TraceStore } from '@rulecord/engine';
import { apiRoutes } from '../../src/api/index.js';
import { ApiTokenStore } from '../../src/auth/tokens.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import type { InvalidationBus } from '../../src/rulesets/invalidation.js';

let shared: Registry | undefined;
export function registry(): Registry {
  shared ??= createCatalogRegistry();
  return shared;
}

/** A pino logger whose JSON lines are kept. */
export function captureLogger(): {
  logger: Logger;
  lines: () => { level: number; msg: string; [k: string]: unknown }[];
} {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _e, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ LOG_LEVEL: 'debug' }, stream),
    lines: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string }),
  };
}

export const doc = (guildId: string, rules: unknown[], extra: Record<string, unknown> = {}): JsonObject =>
  ({ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: guildId, rules, ...extra }) as JsonObject;

export const rule = (id: string) => ({
  id,
  on: 'message.create',
  if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
  then: [{ 'message.delete': { reason: id } }],
});

let seq = 0;
export function message(guildId: string, content = 'hello'): RuleEvent {
  seq++;
  return {
    id: `m-${Date.now()}-${seq}`,
    guildId,
    type: 'message.create',
    at: Date.now(),
    payload: {
      messageId: `msg${seq}`,
      channelId: 'general',
      userId: 'u1',
      author: { id: 'u1', username: 'ada', bot: false },
      member: { roles: [] },
      content,
    },
  };
}

/** The real API plugin over `db`, reading `traces` and publishing on `invalidation`, with a write token for `guildId`. */
export async function apiFor(
  db: Knex,
  guildId: string,
  deps: { traces: TraceStore; invalidation: InvalidationBus },
): Promise<{ app: FastifyInstance; headers: Record<string, string> }> {
  const app = fastify({ logger: false });
  await app.register(apiRoutes, {
    prefix: '/api',
    db,
    redis: null,
    registry: registry(),
    publicUrl: 'http://localhost:3000',
    sessionSecret: 'x'.repeat(48),
    oauth: null,
    botToken: null,
    sandboxGuildId: guildId,
    traces: deps.traces,
    invalidation: deps.invalidation,
  });
  await app.ready();
  await db('guilds').insert({ id: guildId }).onConflict('id').ignore();
  const { token } = await new ApiTokenStore(db).create({
    guildId,
    name: 'runtime-test',
    scope: 'write',
    createdBy: 'test',
  });
  return { app, headers: { authorization: `Bearer ${token}` } };
}

/** Polls `check` until it returns a value other than undefined (or throws after `ms`). */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
