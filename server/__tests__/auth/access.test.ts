// The guild access rule: owner or ADMINISTRATOR or MANAGE_GUILD (BigInt bits) AND the bot in the guild. Checked as a
// pure function and end-to-end through OAuth + HTTP with random users × guilds × permission bits.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMINISTRATOR, MANAGE_GUILD, canManageGuild, parsePermissions } from '../../src/auth/access.js';
import { memoryCache } from '../../src/auth/cache.js';
import { GuildAccess } from '../../src/auth/guild-access.js';
import { createHarness, snowflake, type Harness } from '../api/harness.js';

/** The rule written independently: bit 3 or bit 5 of the decimal permission string, via string arithmetic. */
function oracle(owner: boolean, permissions: bigint, bot: boolean): boolean {
  const binary = permissions.toString(2).split('').reverse();
  return bot && (owner || binary[3] === '1' || binary[5] === '1');
}

const perms = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(
    0n,
    ADMINISTRATOR,
    MANAGE_GUILD,
    ADMINISTRATOR | MANAGE_GUILD,
    (1n << 53n) + MANAGE_GUILD,
    (1n << 63n) | ADMINISTRATOR,
    1n << 40n,
  ),
  fc.bigInt({ min: 0n, max: 63n }),
);

describe('canManageGuild (pure)', () => {
  it('agrees with the rule for every owner flag × permission bits × bot presence', () => {
    fc.assert(
      fc.property(fc.boolean(), perms, fc.boolean(), (owner, p, bot) => {
        expect(canManageGuild({ id: '1', name: 'g', owner, permissions: p.toString() }, bot)).toBe(
          oracle(owner, p, bot),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('parses permissions beyond 2^53 exactly and grants nothing for malformed strings', () => {
    expect(parsePermissions(String((1n << 60n) | MANAGE_GUILD))).toBe((1n << 60n) | MANAGE_GUILD);
    for (const bad of ['', '-8', '8.0', '0x20', ' 32', '1e3', 'abc'])
      expect(canManageGuild({ id: '1', name: 'g', owner: false, permissions: bad }, true)).toBe(false);
    expect(canManageGuild(undefined, true)).toBe(false);
  });
});

describe('guild access cache', () => {
  it('serves a decision for at most 60 s, then asks Discord again', async () => {
    let t = 1_000_000;
    let allowed = true;
    let calls = 0;
    const access = new GuildAccess({
      cache: memoryCache(() => t),
      fetchUserGuilds: async () => {
        calls++;
        return [{ id: '5', name: 'g', owner: false, permissions: allowed ? String(MANAGE_GUILD) : '0' }];
      },
      botInGuild: async () => true,
      cacheMs: 10 * 60_000, // asking for more than 60 s is capped
    });
    const me = { kind: 'user', userId: 'u', userName: 'u', sessionId: 's', sandbox: false } as const;
    expect(await access.canAccess(me, '5')).toBe(true);
    allowed = false;
    t += 59_000;
    expect(await access.canAccess(me, '5')).toBe(true);
    expect(calls).toBe(1);
    t += 1_001;
    expect(await access.canAccess(me, '5')).toBe(false);
    expect(calls).toBe(2);
  });
});

describe('guild access without a permissions field', () => {
  it('a guild Discord lists without permissions is manageable by its owner only', async () => {
    const access = new GuildAccess({
      cache: memoryCache(),
      fetchUserGuilds: async () => [
        { id: '7', name: 'mine', owner: true },
        { id: '8', name: 'theirs', owner: false },
      ],
      botInGuild: async () => true,
    });
    const me = { kind: 'user', userId: 'u', userName: 'u', sessionId: 's2', sandbox: false } as const;
    expect(await access.canAccess(me, '7')).toBe(true);
    expect(await access.canAccess(me, '8')).toBe(false);
    expect((await access.manageable(me)).map((g) => [g.id, g.permissions])).toEqual([['7', '0']]);
  });
});

describe('guild access over HTTP (random users × guilds × permission bits)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ redis: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every answer agrees with the rule, and refusals are logged', async () => {
    const guildSpec = fc.record({ owner: fc.boolean(), permissions: perms, bot: fc.boolean(), listed: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(guildSpec, { minLength: 1, maxLength: 5 }), async (specs) => {
        const ids = specs.map(() => snowflake());
        specs.forEach((s, i) => (s.bot ? h.discord.botGuilds.add(ids[i]!) : h.discord.botGuilds.delete(ids[i]!)));
        const userId = snowflake();
        const user = {
          id: userId,
          username: 'p',
          guilds: specs.flatMap((s, i) =>
            s.listed ? [{ id: ids[i]!, name: 'g', owner: s.owner, permissions: s.permissions.toString() }] : [],
          ),
        };
        const c = await h.login(user);
        const mine = (await h.inject({ method: 'GET', url: '/api/me/guilds', headers: c.read }))
          .json()
          .guilds.map((g: { id: string }) => g.id);
        for (const [i, s] of specs.entries()) {
          const expected = s.listed && oracle(s.owner, s.permissions, s.bot);
          const res = await h.inject({ method: 'GET', url: `/api/guilds/${ids[i]}/premium`, headers: c.read });
          expect(res.statusCode).toBe(expected ? 200 : 403);
          expect(mine.includes(ids[i])).toBe(expected);
          if (!expected) {
            const log = await h.db
              .knex('security_log')
              .where({ guild_id: ids[i], kind: 'guild.forbidden', actor: `user:${userId}` });
            expect(log.length).toBe(1);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('caches the decision in Redis for at most 60 s', async () => {
    const keys = await h.redis!.keys(`${h.prefix}api:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys.slice(0, 20)) {
      const ttl = await h.redis!.pttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });
});
