import { defineAction, parseDuration } from '@rulecord/engine';
import { catalogError } from '../../errors.js';
import { target } from '../../lib/context.js';
import { durationSchema, reasonSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

/** Discord refuses timeouts longer than 28 days. */
export const MAX_TIMEOUT_MS = 28 * 86_400_000;

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['duration'],
  properties: {
    user: { ...userIdSchema, description: "Who to time out; default: the event's user." },
    duration: { ...durationSchema, description: 'How long (at most `28d`). `0s` lifts a running timeout.' },
    reason: reasonSchema,
  },
} as const;

/** Milliseconds of a timeout, checked against Discord's 28-day limit. */
export function timeoutMs(duration: string | number, action: string): number {
  const ms = parseDuration(duration);
  if (ms > MAX_TIMEOUT_MS) {
    throw catalogError(
      'RC_CATALOG_TIMEOUT_TOO_LONG',
      `${action}: a timeout of ${String(duration)} is longer than Discord allows (28 days)`,
      {
        fix: 'Use a duration of at most `28d`, or `member.ban` for longer.',
        details: { duration },
      },
    );
  }
  return ms;
}

export const timeout = defineAction<SchemaType<typeof params>>({
  name: 'member.timeout',
  description:
    'Times a member out: they cannot write, react or speak until it ends (at most 28 days). `duration: 0s` lifts a timeout early.',
  params,
  result: {
    type: 'object',
    required: ['user', 'until'],
    properties: { user: { type: 'string' }, until: { type: 'integer' } },
  },
  examples: [
    { duration: '10m', reason: 'Spamming' },
    { user: '334455667788990011', duration: '1h' },
  ],
  async run(p, ctx) {
    const user = target(ctx, 'user', p.user, 'member.timeout');
    const ms = timeoutMs(p.duration, 'member.timeout');
    await ctx.discord.timeout(user, ms === 0 ? null : ms, p.reason);
    return { user, until: ms === 0 ? ctx.clock.now() : ctx.clock.now() + ms };
  },
});
