import { catalogError } from '../errors.js';
import { eventChannelId as engineEventChannelId, eventUserId as engineEventUserId } from '@rulecord/engine';
import type { FactContext, JsonObject, JsonSchema } from '@rulecord/engine';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The event's user, read the way the engine's `where` filters and limits read it (`userId`, `author.id`, `user.id`…). */
export function eventUserId(ctx: Pick<FactContext, 'event'>): string | undefined {
  return engineEventUserId(ctx.event.payload);
}
/** The event's channel, read the way the engine's `where` filters and limits read it. */
export function eventChannelId(ctx: Pick<FactContext, 'event'>): string | undefined {
  return engineEventChannelId(ctx.event.payload);
}
export function eventMessageId(ctx: Pick<FactContext, 'event'>): string | undefined {
  return str(ctx.event.payload['messageId']);
}

type Target = 'user' | 'channel' | 'message';
const READERS: Record<Target, (ctx: Pick<FactContext, 'event'>) => string | undefined> = {
  user: eventUserId,
  channel: eventChannelId,
  message: eventMessageId,
};

/**
 * The id an action works on: the parameter when given, else the event's own (`userId`, `channelId`, `messageId`).
 * Throws `RC_CATALOG_NO_TARGET` (a user error) when neither exists, e.g. `member.kick` without `user` on `schedule.tick`.
 */
export function target(
  ctx: Pick<FactContext, 'event'>,
  what: Target,
  given: string | undefined,
  action: string,
): string {
  const id = str(given) ?? READERS[what](ctx);
  if (id !== undefined) return id;
  throw catalogError(
    'RC_CATALOG_NO_TARGET',
    `${action} has no ${what} to act on: the \`${ctx.event.type}\` event carries no ${what}Id and the step sets no \`${what}\``,
    {
      fix: `Set the \`${what}\` parameter of ${action}, or use it on an event that has a ${what}.`,
      details: { action, event: ctx.event.type },
    },
  );
}

/**
 * A module's settings with the top-level `default`s of its schema filled in. The engine applies defaults when it
 * validates a rule set; this keeps a module correct when it runs with hand-made settings (tests, the simulator).
 */
export function settingsWithDefaults<T>(ctx: Pick<FactContext, 'settings'>, moduleId: string, schema: JsonSchema): T {
  let given: JsonObject | undefined;
  try {
    given = ctx.settings<JsonObject | undefined>(moduleId);
  } catch {
    given = undefined;
  }
  const out: Record<string, unknown> = {};
  const properties = (schema['properties'] ?? {}) as Record<string, { default?: unknown }>;
  for (const [key, property] of Object.entries(properties)) {
    if (property.default !== undefined) out[key] = property.default;
  }
  return { ...out, ...(given ?? {}) } as T;
}
