// The trace stream: real HTTP server and WebSocket client. Origin allowlist on the handshake, auth, and a guild's
// stream carries that guild's traces only.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '@rulecord/engine';
import { MAX_STREAMS_PER_GUILD } from '../../src/api/routes/traces/index.js';
import { createHarness, owner, snowflake, type Client, type Harness } from './harness.js';
import { sampleTrace } from './trace-fixture.js';

function trace(guildId: string, ruleId: string, n: number): Trace {
  return sampleTrace({ id: `t-${guildId}-${n}`, guildId, rule: ruleId, user: 'u1', at: Date.now() });
}

describe('GET /api/guilds/:guildId/traces/stream', () => {
  let h: Harness;
  let base: string;
  let c: Client;
  let mine: string;
  let theirs: string;
  beforeAll(async () => {
    h = await createHarness();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    mine = snowflake();
    theirs = snowflake();
    h.discord.botGuilds.add(theirs);
    c = await h.login(owner(h, [mine]));
  });
  afterAll(async () => {
    await h?.close();
  });

  function connect(
    guild: string,
    headers: Record<string, string>,
  ): Promise<{ ws: WebSocket; messages: unknown[] } | { status: number }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${base}/api/guilds/${guild}/traces/stream`, { headers });
      const messages: unknown[] = [];
      ws.on('message', (m) => messages.push(JSON.parse(String(m))));
      ws.on('open', () => setTimeout(() => resolve({ ws, messages }), 50));
      ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      ws.on('error', reject);
    });
  }

  it('refuses a foreign Origin before upgrading', async () => {
    const r = await connect(mine, { cookie: c.sessionCookie!, origin: 'https://evil.example' });
    expect(r).toEqual({ status: 403 });
    const log = await h.db.knex('security_log').where({ kind: 'websocket.origin' });
    expect(log.length).toBe(1);
  });

  it('refuses no credentials (401) and another guild (403)', async () => {
    expect(await connect(mine, { origin: 'https://studio.example.test' })).toEqual({ status: 401 });
    expect(await connect(theirs, { cookie: c.sessionCookie!, origin: 'https://studio.example.test' })).toEqual({
      status: 403,
    });
  });

  it("streams this guild's traces only", async () => {
    const r = await connect(mine, { cookie: c.sessionCookie!, origin: 'https://studio.example.test' });
    if (!('ws' in r)) throw new Error(`refused ${r.status}`);
    h.traces.record(trace(theirs, 'secret-rule', 1));
    h.traces.record(trace(mine, 'my-rule', 2));
    h.traces.record(trace(theirs, 'secret-rule', 3));
    await new Promise((res) => setTimeout(res, 100));
    r.ws.close();
    expect(r.messages[0]).toEqual({ type: 'ready', guildId: mine });
    const traces = r.messages.slice(1) as { guildId: string; trace: Trace }[];
    expect(traces.map((m) => m.trace.rule.id)).toEqual(['my-rule']);
    expect(JSON.stringify(r.messages)).not.toContain(theirs);
  });

  it(`caps open streams at ${MAX_STREAMS_PER_GUILD} per guild: one more is 429 with Retry-After until one closes`, async () => {
    const capped = snowflake();
    const t = await h.token(capped, 'read');
    const open: WebSocket[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_GUILD; i++) {
      const r = await connect(capped, t.read);
      if (!('ws' in r)) throw new Error(`refused ${r.status}`);
      open.push(r.ws);
    }
    const extra = new WebSocket(`${base}/api/guilds/${capped}/traces/stream`, { headers: t.read });
    const refused = await new Promise<{ status: number; retryAfter: unknown }>((resolve) =>
      extra.on('unexpected-response', (_req, res) =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }),
      ),
    );
    expect(refused).toEqual({ status: 429, retryAfter: '10' });
    // other guilds are not affected
    const elsewhere = await connect(mine, { cookie: c.sessionCookie!, origin: 'https://studio.example.test' });
    expect('ws' in elsewhere).toBe(true);
    if ('ws' in elsewhere) elsewhere.ws.close();
    open.pop()!.close();
    await new Promise((res) => setTimeout(res, 100));
    const again = await connect(capped, t.read);
    expect('ws' in again).toBe(true);
    for (const ws of [...open, ...('ws' in again ? [again.ws] : [])]) ws.close();
  });

  it('accepts an API token (no Origin: a CLI)', async () => {
    const t = await h.token(mine, 'read');
    const r = await connect(mine, t.read);
    expect('ws' in r).toBe(true);
    if ('ws' in r) r.ws.close();
  });

  it('lists traces with filters, only of the guild asked for', async () => {
    const list = await h.inject({
      method: 'GET',
      url: `/api/guilds/${mine}/traces?rule=my-rule&user=u1`,
      headers: c.read,
    });
    expect(list.json().traces.map((t: Trace) => t.id)).toEqual([`t-${mine}-2`]);
    expect(
      (await h.inject({ method: 'GET', url: `/api/guilds/${mine}/traces?user=someone-else`, headers: c.read })).json()
        .traces,
    ).toEqual([]);
    expect(
      (await h.inject({ method: 'GET', url: `/api/guilds/${mine}/traces?until=1`, headers: c.read })).json().traces,
    ).toEqual([]);
  });
});
