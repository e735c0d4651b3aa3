import { parseDuration } from '@rulecord/engine';
import type { FactContext } from '@rulecord/engine';
import { settingsWithDefaults } from '../../lib/context.js';
import { moderationSettingsSchema } from './settings.js';
import type { ModerationSettings } from './settings.js';

/** Warnings live under `bot:{guildId}:moderation:warn:{userId}` as a sliding window of `decay`. */
export const MODERATION_FEATURE = 'moderation';
export const warningKey = (userId: string): string => `warn:${userId}`;

export function moderationSettings(
  ctx: Pick<FactContext, 'settings'>,
): ModerationSettings & { decay: string | number } {
  return settingsWithDefaults(ctx, 'moderation', moderationSettingsSchema);
}

export function decayMs(ctx: Pick<FactContext, 'settings'>): number {
  return parseDuration(moderationSettings(ctx).decay);
}
