import type { FactContext, MemberInfo } from '@rulecord/engine';
import { eventUserId } from '../../lib/context.js';

/** Discord's epoch: snowflake ids carry their creation time in their top bits. */
const DISCORD_EPOCH = 1_420_070_400_000;
export const DAY_MS = 86_400_000;

/** Creation time encoded in a snowflake id, or undefined for ids that are not snowflakes (`u1` in tests). */
export function snowflakeTime(id: string): number | undefined {
  if (!/^\d{17,20}$/.test(id)) return undefined;
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

interface UserFields {
  id?: string;
  username?: string;
  displayName?: string;
  bot?: boolean;
  createdAt?: number;
}
interface MemberFields {
  roles?: string[];
  nickname?: string | null;
  joinedAt?: number;
}

/** The user an event is about, as its payload has it (`author` on message events, `user` elsewhere). */
export function payloadUser(ctx: Pick<FactContext, 'event'>): UserFields | undefined {
  const p = ctx.event.payload;
  const u = (p['author'] ?? p['user']) as unknown;
  return typeof u === 'object' && u !== null ? (u as UserFields) : undefined;
}

export function payloadMember(ctx: Pick<FactContext, 'event'>): MemberFields | undefined {
  const m = ctx.event.payload['member'] as unknown;
  return typeof m === 'object' && m !== null ? (m as MemberFields) : undefined;
}

/**
 * The event's member as Discord has it now. Only asked when the payload lacks what a fact needs: the bot adapter's
 * payloads carry it, the simulator's short `with:` steps often do not.
 */
export async function fetchMember(ctx: Pick<FactContext, 'event' | 'discord'>): Promise<MemberInfo | null> {
  const userId = eventUserId(ctx);
  return userId === undefined ? null : ctx.discord.member(userId);
}

/** Whole days from `from` to `to` (epoch ms), never negative. */
export function wholeDays(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / DAY_MS));
}
