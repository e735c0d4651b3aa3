import { canManageGuild, type UserGuild } from './access.js';
import type { TtlCache } from './cache.js';

/** Who is asking: a signed-in user (session) or an API token (bound to one guild). */
export type Principal =
  | { kind: 'user'; userId: string; userName: string; sessionId: string; sandbox: boolean }
  | { kind: 'token'; tokenId: string; guildId: string; scope: 'read' | 'write'; name: string };

export function actorOf(p: Principal): string {
  return p.kind === 'user' ? (p.sandbox ? `sandbox:${p.userId}` : `user:${p.userId}`) : `token:${p.tokenId}`;
}

/** Longest time an access decision may be served from the cache (the bound). */
export const ACCESS_CACHE_MS = 60_000;

export interface GuildAccessOptions {
  cache: TtlCache;
  /** The user's guilds from Discord (with the session's access token); called at most once per user per cache period. */
  fetchUserGuilds: (principal: Extract<Principal, { kind: 'user' }>) => Promise<UserGuild[]>;
  /** Whether the bot is in the guild. */
  botInGuild: (guildId: string) => Promise<boolean>;
  cacheMs?: number;
}

/**
 * The guild access rule with a cache: owner / ADMINISTRATOR / MANAGE_GUILD and the bot present. A user's guild list
 * and the bot's membership are each cached for at most `cacheMs` (≤ 60 s), so a revoked permission stops working
 * within a minute.
 */
export class GuildAccess {
  private readonly cacheMs: number;
  constructor(private readonly options: GuildAccessOptions) {
    this.cacheMs = Math.min(options.cacheMs ?? ACCESS_CACHE_MS, ACCESS_CACHE_MS);
  }

  async userGuilds(principal: Extract<Principal, { kind: 'user' }>): Promise<UserGuild[]> {
    const key = `userguilds:${principal.sessionId}`;
    const cached = await this.options.cache.get(key);
    if (cached !== null) return JSON.parse(cached) as UserGuild[];
    const guilds = await this.options.fetchUserGuilds(principal);
    const slim = guilds.map((g) => ({
      id: String(g.id),
      name: String(g.name),
      icon: g.icon ?? null,
      owner: g.owner === true,
      permissions: String(g.permissions ?? '0'),
    }));
    await this.options.cache.set(key, JSON.stringify(slim), this.cacheMs);
    return slim;
  }

  async botInGuild(guildId: string): Promise<boolean> {
    const key = `botguild:${guildId}`;
    const cached = await this.options.cache.get(key);
    if (cached !== null) return cached === '1';
    const present = await this.options.botInGuild(guildId);
    await this.options.cache.set(key, present ? '1' : '0', this.cacheMs);
    return present;
  }

  /** Whether the principal may act on the guild at all (read); tokens are bound to their own guild. */
  async canAccess(principal: Principal, guildId: string): Promise<boolean> {
    if (principal.kind === 'token') return principal.guildId === guildId;
    const guild = (await this.userGuilds(principal)).find((g) => g.id === guildId);
    if (!guild || !canManageGuild(guild, true)) return false;
    return canManageGuild(guild, await this.botInGuild(guildId));
  }

  /** The guilds the user can manage (bot present), for `GET /api/me/guilds`. */
  async manageable(principal: Extract<Principal, { kind: 'user' }>): Promise<UserGuild[]> {
    const out: UserGuild[] = [];
    for (const g of await this.userGuilds(principal)) {
      if (canManageGuild(g, true) && (await this.botInGuild(g.id))) out.push(g);
    }
    return out;
  }
}
