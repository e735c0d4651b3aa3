import { describe, expect, it } from 'vitest';
import { InMemoryStateStore } from '@rulecord/engine';
import type { JsonObject } from '@rulecord/engine';
import { makeContext, messagePayload } from '../../testing/context.js';
import { warnings } from './facts.js';
import { warn } from './warn.js';

const T0 = 1_732_000_000_000;
const DAY = 86_400_000;
const settings: JsonObject = {
  logChannel: 'mod-log',
  escalation: [
    { warnings: 3, action: 'timeout', duration: '1h' },
    { warnings: 5, action: 'ban' },
  ],
};

function warnAt(state: InMemoryStateStore, at: number, moduleSettings: JsonObject = settings, user = 'u1') {
  const t = makeContext({
    type: 'message.create',
    payload: messagePayload('x', { userId: user }),
    at,
    state,
    settings: { moderation: moduleSettings },
    rule: 'no-caps',
  });
  return { ...t, result: warn.run({ reason: 'Too many capitals' }, t.ctx) };
}

describe('member.warn', () => {
  it('counts warnings, escalates at exactly the configured counts, logs and emits', async () => {
    let now = T0;
    const state = new InMemoryStateStore({ clock: { now: () => now } });
    const results: unknown[] = [];
    const methods: string[][] = [];
    const emitted: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      now = T0 + i * 1000;
      const t = warnAt(state, now);
      results.push(await t.result);
      methods.push(t.actions().map((c) => c.method));
      emitted.push(...t.emitted);
      if (i === 2) {
        expect(t.actions().find((c) => c.method === 'timeout')?.args).toEqual(['u1', 3_600_000, 'Reached 3 warnings']);
        expect(t.actions().find((c) => c.method === 'sendMessage')?.args).toEqual([
          'mod-log',
          {
            content: '⚠️ <@u1> warned (3): Too many capitals → timed out for 1h — rule `no-caps`',
            allowedMentions: { users: [], roles: [], everyone: false },
          },
        ]);
      }
    }
    expect(results).toEqual([
      { count: 1, escalation: null },
      { count: 2, escalation: null },
      { count: 3, escalation: 'timeout' },
      { count: 4, escalation: null },
      { count: 5, escalation: 'ban' },
      { count: 6, escalation: null },
    ]);
    expect(methods[0]).toEqual(['sendDirect', 'sendMessage']);
    expect(methods[2]).toEqual(['sendDirect', 'timeout', 'sendMessage']);
    expect(methods[4]).toEqual(['sendDirect', 'ban', 'sendMessage']);
    expect(emitted[2]).toEqual({
      type: 'moderation.warned',
      payload: {
        userId: 'u1',
        count: 3,
        reason: 'Too many capitals',
        rule: 'no-caps',
        escalation: { action: 'timeout', duration: '1h' },
      },
    });
  });

  it('lets warnings decay after the window (default 30d) and keeps users apart', async () => {
    let now = T0;
    const state = new InMemoryStateStore({ clock: { now: () => now } });
    const quiet = { dmOnWarn: false };
    expect(await warnAt(state, now, quiet).result).toMatchObject({ count: 1 });
    now = T0 + 10 * DAY;
    expect(await warnAt(state, now, quiet).result).toMatchObject({ count: 2 });
    expect(await warnAt(state, now, quiet, 'u2').result).toMatchObject({ count: 1 });
    now = T0 + 31 * DAY;
    expect(await warnAt(state, now, quiet).result).toMatchObject({ count: 2 });
    now = T0 + 45 * DAY;
    expect(await warnAt(state, now, { ...quiet, decay: '1d' }).result).toMatchObject({ count: 1 });
  });

  it('counts a retried step once (same event, rule and user)', async () => {
    const state = new InMemoryStateStore({ clock: { now: () => T0 } });
    const t = warnAt(state, T0, { dmOnWarn: false });
    await expect(t.result).resolves.toMatchObject({ count: 1 });
    await expect(warn.run({ reason: 'again' }, t.ctx)).resolves.toMatchObject({ count: 1 });
    await expect(warnAt(state, T0 + 1, { dmOnWarn: false }).result).resolves.toMatchObject({ count: 2 });
  });

  it('sends no DM with dmOnWarn: false and no log without logChannel', async () => {
    const state = new InMemoryStateStore({ clock: { now: () => T0 } });
    const t = warnAt(state, T0, { dmOnWarn: false });
    await t.result;
    expect(t.actions()).toEqual([]);
  });

  it('a kick step kicks, and the DM and the log say so', async () => {
    const state = new InMemoryStateStore({ clock: { now: () => T0 } });
    const t = warnAt(state, T0, { logChannel: 'mod-log', escalation: [{ warnings: 1, action: 'kick' }] });
    await expect(t.result).resolves.toEqual({ count: 1, escalation: 'kick' });
    expect(t.actions().map((c) => [c.method, ...c.args])).toEqual([
      [
        'sendDirect',
        'u1',
        expect.objectContaining({
          content: 'You received a warning (1 active): Too many capitals. You have been kicked.',
        }),
      ],
      ['kick', 'u1', 'Reached 1 warnings'],
      ['sendMessage', 'mod-log', expect.objectContaining({ content: expect.stringContaining('→ kicked — rule') })],
    ]);
  });

  it('a DM that cannot be sent is logged, and the warning still counts and escalates', async () => {
    const state = new InMemoryStateStore({ clock: { now: () => T0 } });
    const t = makeContext({
      type: 'message.create',
      payload: messagePayload('x', { userId: 'u1' }),
      at: T0,
      state,
      settings: { moderation: { escalation: [{ warnings: 1, action: 'ban' }] } },
    });
    const logged: unknown[][] = [];
    const ctx = {
      ...t.ctx,
      discord: {
        ...t.ctx.discord,
        ban: t.ctx.discord.ban.bind(t.ctx.discord),
        sendDirect: () => Promise.reject(new Error('DMs closed')),
      },
      log: { ...t.ctx.log, warn: (...args: unknown[]) => logged.push(args) },
    };
    await expect(warn.run({ reason: 'Spam' }, ctx)).resolves.toEqual({ count: 1, escalation: 'ban' });
    expect(logged).toEqual([[{ err: new Error('DMs closed'), user: 'u1' }, 'member.warn: DM failed']]);
    expect(t.actions().map((c) => c.method)).toEqual(['ban']);
  });

  it('moderation.warnings reads the count without adding one', async () => {
    let now = T0;
    const state = new InMemoryStateStore({ clock: { now: () => now } });
    await warnAt(state, now, { dmOnWarn: false }).result;
    await warnAt(state, now, { dmOnWarn: false }).result;
    now += 1000;
    const { ctx } = makeContext({ type: 'message.create', payload: messagePayload('x'), at: now, state });
    expect(await warnings.resolve(ctx, undefined)).toBe(2);
    expect(await warnings.resolve(ctx, undefined)).toBe(2);
  });
});
