import { describe, expect, it } from 'vitest';
import {
  EVENT_SHORTHANDS,
  RecordingDiscord,
  RulecordError,
  defineAction,
  defineModule,
  simulate,
} from '../../src/index.js';
import type { Rule } from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';
import { testModule, type Probe } from '../runtime/fixtures.js';

const probe: Probe = { factCalls: {}, actions: [], flakyFailures: 0 };
const roles = defineModule({
  id: 'roles',
  version: '1.0.0',
  name: 'Roles',
  description: 'role.add for simulator tests',
  areas: ['role'],
  actions: [
    defineAction({
      name: 'role.add',
      description: 'adds a role',
      params: {
        type: 'object',
        required: ['user', 'role'],
        properties: { user: { type: 'string' }, role: { type: 'string' } },
      },
      run: async (p, ctx) => ctx.discord.addRole(String(p.user), String(p.role)),
    }),
  ],
});
const registry = createRegistry([testModule(probe), roles]);
const doc = (rules: Rule[]) => ({ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: 'sim-guild', rules });
const world = {
  members: [
    { id: 'u1', username: 'ada', roles: ['member'], accountAgeDays: 400 },
    { id: 'newbie', roles: [], accountAgeDays: 1 },
  ],
  channels: [{ id: 'general' }, { id: 'staff' }],
};

describe('simulate', () => {
  it('runs events built from `with`, returns actions, traces and Discord calls', async () => {
    const result = await simulate({
      registry,
      world,
      document: doc([
        {
          id: 'no-shouting',
          on: 'message.create',
          where: { channel: { notIn: ['staff'] } },
          if: { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
          then: [
            { 'message.delete': {} },
            { 'member.warn': { user: '{{ author.id }}', reason: 'caps from {{ author.username }}' } },
          ],
        },
      ]),
      steps: [
        { event: 'message.create', with: { author: 'u1', channel: 'general', content: 'HELLO EVERYONE LOOK AT ME' } },
        { event: 'message.create', with: { author: 'u1', channel: 'staff', content: 'HELLO STAFF' } },
        { event: 'message.create', with: { author: 'u1', content: 'calm words' } },
      ],
    });
    expect(result.ok).toBe(true);
    expect(result.actions.map((a) => [a.rule, a.action, a.step, a.mode, a.status])).toEqual([
      ['no-shouting', 'message.delete', 0, 'enforce', 'ok'],
      ['no-shouting', 'member.warn', 0, 'enforce', 'ok'],
    ]);
    expect(result.actions[1]?.params).toEqual({ user: 'u1', reason: 'caps from ada' });
    expect(result.calls.map((c) => c.method)).toEqual(['deleteMessage']);
    expect(result.traces.map((t) => t.outcome)).toEqual(['fired', 'filtered', 'condition-false']);
    expect(result.traces[0]?.trigger.payload).toMatchObject({
      channelId: 'general',
      userId: 'u1',
      author: { id: 'u1', username: 'ada' },
      member: { roles: ['member'] },
    });
  });

  it('advance moves the virtual clock and fires parked runs', async () => {
    const result = await simulate({
      registry,
      world,
      document: doc([
        {
          id: 'later',
          on: 'member.join',
          then: [
            { 'member.warn': { user: '{{ user.id }}', reason: 'hi' } },
            { wait: '1h' },
            { 'member.warn': { user: '{{ user.id }}', reason: 'bye' } },
          ],
        },
      ]),
      steps: [{ event: 'member.join', with: { user: 'newbie' } }, { advance: '59m' }, { advance: '1m' }],
    });
    expect(result.actions.map((a) => [a.params, a.step])).toEqual([
      [{ user: 'newbie', reason: 'hi' }, 0],
      [{ user: 'newbie', reason: 'bye' }, 2],
    ]);
    expect(result.now).toBe(Date.UTC(2026, 0, 1) + 3_600_000);
  });

  it('returns load problems without running anything', async () => {
    const result = await simulate({ registry, document: { nope: true }, steps: [{ event: 'message.create' }] });
    expect(result.ok).toBe(false);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.actions).toEqual([]);
  });

  it('malformed steps are RC_SIM_STEP user errors with a /steps pointer', async () => {
    const run = (steps: unknown[]) => simulate({ registry, world, document: doc([]), steps: steps as never });
    await expect(run([{ advance: 'soon' }])).rejects.toMatchObject({
      code: 'RC_SIM_STEP',
      kind: 'user',
      pointer: '/steps/0/advance',
      fix: 'Write a duration such as `30s`, `10m` or `1h30m`.',
    });
    await expect(run([{ advance: '1m' }, { event: 'no.such' }])).rejects.toMatchObject({ pointer: '/steps/1' });
    const err = await run([{ event: 'message.create', with: { author: 'ghost' } }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RulecordError);
    expect((err as RulecordError).message).toContain('ghost');
  });

  it('a repeated step id simulates a redelivery that acts once', async () => {
    const result = await simulate({
      registry,
      world,
      document: doc([{ id: 'once', on: 'message.create', then: [{ 'member.warn': { user: '{{ user.id }}' } }] }]),
      steps: [
        { event: 'message.create', id: 'dup', with: { content: 'a' } },
        { event: 'message.create', id: 'dup', with: { content: 'a' } },
      ],
    });
    expect(result.actions).toHaveLength(1);
  });

  it("prepare and timerEvents let a module's own timers (cron schedules) fire as events during advance", async () => {
    const result = await simulate({
      registry,
      world,
      document: doc([
        {
          id: 'daily',
          on: 'custom.ping',
          then: [{ 'member.warn': { user: '{{ event.who }}', reason: 'daily at {{ now }}' } }],
        },
      ]),
      timerEvents: {
        daily: (t) => ({
          id: `daily:${t.dueAt}`,
          guildId: t.guildId,
          type: 'custom.ping',
          at: t.dueAt,
          payload: { who: 'u1' },
        }),
      },
      prepare: async ({ guildId, scheduler, now }) => {
        await scheduler.schedule({
          id: 'daily',
          guildId,
          kind: 'daily',
          dueAt: now + 86_400_000,
          payload: {},
          cron: '0 0 * * *',
        });
      },
      steps: [{ advance: '3d' }],
    });
    expect(result.actions.map((a) => a.params)).toEqual(
      [1, 2, 3].map((d) => ({ user: 'u1', reason: `daily at ${Date.UTC(2026, 0, 1 + d)}` })),
    );
  });

  it("actions change the world: a role added by one event is in the next event's payload", async () => {
    const result = await simulate({
      registry,
      world,
      document: doc([
        { id: 'verify', on: 'member.join', then: [{ 'role.add': { user: '{{ user.id }}', role: 'verified' } }] },
        {
          id: 'verified-only',
          on: 'message.create',
          where: { roles: { any: ['verified'] } },
          then: [{ 'member.warn': { user: '{{ user.id }}' } }],
        },
      ]),
      steps: [
        { event: 'message.create', with: { author: 'newbie', content: 'before' } },
        { event: 'member.join', with: { user: 'newbie' } },
        { event: 'message.create', with: { author: 'newbie', content: 'after' } },
      ],
    });
    expect(result.traces.filter((t) => t.rule.id === 'verified-only').map((t) => t.outcome)).toEqual([
      'filtered',
      'fired',
    ]);
    expect(result.calls.filter((c) => c.method === 'addRole').map((c) => c.args)).toEqual([['newbie', 'verified']]);
  });

  it('every shorthand builds a payload with the conventional ids', async () => {
    for (const [type, shorthand] of Object.entries(EVENT_SHORTHANDS)) {
      const payload = shorthand.build(
        { user: 'u1', author: 'u1', channel: 'general', command: 'ping', customId: 'b', extra: 7 },
        { world: new RecordingDiscord(world).world('g'), now: 1, nextId: (k) => `${k}-1`, pointer: '' },
      );
      expect(payload.extra, type).toBe(7);
      if (type !== 'schedule.tick') expect(payload.userId ?? payload.messageId, type).toBeDefined();
    }
  });
});
