import { defineAction } from '@rulecord/engine';
import type { ActionContext, JsonObject } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { messageContent } from '../../lib/message.js';
import { reasonSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';
import { DAY_MS } from '../member/lookup.js';
import { timeoutMs } from '../member/timeout.js';
import type { EscalationStep } from './settings.js';
import { decayMs, MODERATION_FEATURE, moderationSettings, warningKey } from './warnings.js';

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    user: { ...userIdSchema, description: "Who to warn; default: the event's user." },
    reason: { ...reasonSchema, minLength: 1, description: 'Why: shown to the member (DM) and in the log.' },
  },
} as const;

const result = {
  type: 'object',
  required: ['count'],
  properties: {
    count: { type: 'integer', minimum: 1, description: 'Warnings within the decay window, this one included.' },
    escalation: { type: ['string', 'null'], enum: ['timeout', 'kick', 'ban', null] },
  },
} as const;

async function escalate(step: EscalationStep, user: string, count: number, ctx: ActionContext): Promise<void> {
  const reason = `Reached ${count} warnings`;
  if (step.action === 'timeout')
    await ctx.discord.timeout(user, timeoutMs(step.duration ?? 0, 'moderation.escalation'), reason);
  else if (step.action === 'kick') await ctx.discord.kick(user, reason);
  else await ctx.discord.ban(user, { reason });
}

function describe(step: EscalationStep): string {
  return step.action === 'timeout'
    ? `timed out for ${String(step.duration)}`
    : step.action === 'kick'
      ? 'kicked'
      : 'banned';
}

/**
 * Adds the warning, once per (event, rule, user): a retried step (`retry`, or a failed escalation run again) finds
 * the marker and reads the count instead of warning twice.
 */
async function recordWarning(ctx: ActionContext, user: string): Promise<number> {
  const window = decayMs(ctx);
  const first = await ctx.state.setIfAbsent(
    MODERATION_FEATURE,
    `once:${ctx.event.id}:${ctx.rule.id}:${user}`,
    '1',
    DAY_MS,
  );
  return first
    ? ctx.state.hit(MODERATION_FEATURE, warningKey(user), window, ctx.event.at)
    : ctx.state.count(MODERATION_FEATURE, warningKey(user), window, ctx.event.at);
}

export const warn = defineAction<SchemaType<typeof params>>({
  name: 'member.warn',
  description:
    'Records a warning for a member. Warnings add up within the `decay` window of the moderation settings; when the count reaches a step of `escalation` (e.g. 3 → timeout 1h, 5 → ban) that step runs. The member gets a DM (unless `dmOnWarn: false`), the `logChannel` a log line, and `moderation.warned` is emitted with the count.',
  params,
  result,
  examples: [{ reason: 'Too many capitals' }, { user: '334455667788990011', reason: 'Advertising' }],
  async run(p, ctx) {
    const user = target(ctx, 'user', p.user, 'member.warn');
    const settings = moderationSettings(ctx);
    const count = await recordWarning(ctx, user);
    const step = (settings.escalation ?? []).find((s) => s.warnings === count);

    if (settings.dmOnWarn !== false) {
      const consequence = step === undefined ? '' : ` You have been ${describe(step)}.`;
      await ctx.discord
        .sendDirect(
          user,
          messageContent({ content: `You received a warning (${count} active): ${p.reason}.${consequence}` }),
        )
        .catch((error: unknown) => ctx.log.warn({ err: error, user }, 'member.warn: DM failed'));
    }
    if (step !== undefined) await escalate(step, user, count, ctx);
    if (settings.logChannel !== undefined) {
      const then = step === undefined ? '' : ` → ${describe(step)}`;
      await ctx.discord.sendMessage(
        settings.logChannel,
        messageContent({ content: `⚠️ <@${user}> warned (${count}): ${p.reason}${then} — rule \`${ctx.rule.id}\`` }),
      );
    }

    const escalation: JsonObject | null =
      step === undefined
        ? null
        : step.duration === undefined
          ? { action: step.action }
          : { action: step.action, duration: step.duration };
    ctx.emit('moderation.warned', { userId: user, count, reason: p.reason, rule: ctx.rule.id, escalation });
    return { count, escalation: step?.action ?? null };
  },
});
