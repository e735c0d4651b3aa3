// 429 with Retry-After on every route, per route, per IP and per token, counted in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, owner, snowflake, type Harness } from './harness.js';
import { ROUTES } from './route-cases.js';

const tight = { max: 2, windowMs: 60_000 };

describe('rate limits (Redis-backed, per route)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      redis: true,
      deps: { rateLimits: { read: tight, write: tight, auth: tight, compute: tight } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(ROUTES.map((c) => [c.name, c] as const))(
    '%s: the third request in the window is 429 with Retry-After',
    async (_name, c) => {
      const g = snowflake();
      const ip = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const send = () =>
        h.inject({
          method: c.method,
          url: c.url(g),
          remoteAddress: ip,
          headers: { origin: 'https://studio.example.test' },
        });
      expect((await send()).statusCode).not.toBe(429);
      expect((await send()).statusCode).not.toBe(429);
      const limited = await send();
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.json().error).toMatchObject({ code: 'RC_API_RATE_LIMITED', details: { limit: 2 } });
      expect(typeof limited.json().error.requestId).toBe('string');
    },
  );

  it('counts per route: exhausting one route leaves the others open', async () => {
    const ip = '10.2.0.1';
    for (let i = 0; i < 3; i++) await h.inject({ method: 'GET', url: '/api/catalog', remoteAddress: ip });
    expect((await h.inject({ method: 'GET', url: '/api/catalog', remoteAddress: ip })).statusCode).toBe(429);
    expect((await h.inject({ method: 'GET', url: '/api/templates', remoteAddress: ip })).statusCode).toBe(401);
  });

  it('counts per token, not per IP, when a token is sent', async () => {
    const g = snowflake();
    owner(h, [g]);
    const a = await h.token(g, 'read');
    const b = await h.token(g, 'read');
    const ip = '10.3.0.1';
    const get = (headers: Record<string, string>) =>
      h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, remoteAddress: ip, headers });
    expect((await get(a.read)).statusCode).toBe(200);
    expect((await get(a.read)).statusCode).toBe(200);
    expect((await get(a.read)).statusCode).toBe(429);
    expect((await get(b.read)).statusCode).toBe(200);
    expect((await get({})).statusCode).toBe(401); // the IP's own budget is untouched
  });

  it('made-up bearer tokens share the IP budget: inventing tokens does not buy requests', async () => {
    const ip = '10.4.0.1';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await h.inject({
        method: 'GET',
        url: '/api/catalog',
        remoteAddress: ip,
        headers: { authorization: `Bearer rct_madeup${i}x_${'s'.repeat(40)}` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it('keeps its counters in Redis under the configured prefix', async () => {
    const keys = await h.redis!.keys(`${h.prefix}rl:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});
