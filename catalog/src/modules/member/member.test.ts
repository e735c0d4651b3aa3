import { describe, expect, it } from 'vitest';
import type { ActionDefinition, FactDefinition, JsonObject, MemberInfo } from '@rulecord/engine';
import { makeContext, messagePayload } from '../../testing/context.js';
import { memberModule } from './index.js';
import { snowflakeTime } from './lookup.js';

const DAY = 86_400_000;
const NOW = 1_732_000_000_000;

const fact = (name: string): FactDefinition => memberModule.facts.find((f) => f.name === name)!;
const action = (name: string): ActionDefinition => memberModule.actions.find((a) => a.name === name)!;

const member = (over: Partial<MemberInfo> = {}): MemberInfo => ({
  id: 'u1',
  username: 'ada',
  roles: ['r1'],
  createdAt: NOW - 3 * DAY,
  joinedAt: NOW - 10 * DAY,
  ...over,
});

async function read(
  name: string,
  payload: JsonObject,
  members: MemberInfo[] = [],
  type = 'message.create',
): Promise<unknown> {
  const { ctx } = makeContext({ type, payload, at: NOW, world: { members } });
  return fact(name).resolve(ctx, undefined);
}

describe('member facts', () => {
  it('author.accountAgeDays: payload first (sync), then Discord, then the snowflake', async () => {
    const { ctx } = makeContext({
      type: 'message.create',
      at: NOW,
      payload: messagePayload('x', { author: { id: 'u1', createdAt: NOW - 400 * DAY - 1 } }),
    });
    expect(fact('author.accountAgeDays').resolve(ctx, undefined)).toBe(400);
    expect(await read('author.accountAgeDays', messagePayload('x', { author: { id: 'u1' } }), [member()])).toBe(3);
    const id = '1180000000000000001';
    const expected = Math.floor((NOW - (snowflakeTime(id) as number)) / DAY);
    expect(await read('author.accountAgeDays', { userId: id })).toBe(expected);
    expect(await read('author.accountAgeDays', { userId: 'nobody' })).toBeNull();
  });

  it('snowflakeTime decodes Discord ids', () => {
    // Discord's documented example: 175928847299117063 was created 2016-04-30T11:18:25.796Z.
    expect(snowflakeTime('175928847299117063')).toBe(Date.parse('2016-04-30T11:18:25.796Z'));
    expect(snowflakeTime('u1')).toBeUndefined();
  });

  it('author.isBot, member.roles, member.displayName read the payload or Discord', async () => {
    expect(await read('author.isBot', messagePayload('x', { author: { id: 'u1', bot: true } }))).toBe(true);
    expect(await read('author.isBot', { userId: 'u1' }, [member({ bot: true })])).toBe(true);
    expect(await read('author.isBot', { userId: 'u1' })).toBe(false);
    expect(await read('member.roles', messagePayload('x', { member: { roles: ['a', 'b'] } }))).toEqual(['a', 'b']);
    expect(await read('member.roles', { userId: 'u1' }, [member()])).toEqual(['r1']);
    expect(await read('member.roles', { userId: 'u1' })).toEqual([]);
    expect(await read('member.displayName', messagePayload('x', { member: { nickname: 'Nick' } }))).toBe('Nick');
    expect(await read('member.displayName', { userId: 'u1' }, [member({ displayName: 'Ada L.' })])).toBe('Ada L.');
  });

  it('member.joinedDaysAgo is 0 on join and counts whole days otherwise', async () => {
    expect(await read('member.joinedDaysAgo', { userId: 'u1' }, [member()], 'member.join')).toBe(0);
    expect(await read('member.joinedDaysAgo', { userId: 'u1' }, [member()])).toBe(10);
    expect(await read('member.joinedDaysAgo', messagePayload('x', { member: { joinedAt: NOW - 2 * DAY } }))).toBe(2);
    expect(await read('member.joinedDaysAgo', { userId: 'u1' })).toBeNull();
  });
});

describe('member actions', () => {
  // A closed world: u1, u2, u9 are members, anyone else is not (a DM to them cannot be delivered).
  const on = (payload: JsonObject = messagePayload('x'), members: MemberInfo[] = [member()]) =>
    makeContext({
      type: 'message.create',
      payload,
      at: NOW,
      world: { members: [...members, member({ id: 'u2' }), member({ id: 'u9' })] },
    });

  it('member.timeout parses the duration and defaults to the event user', async () => {
    const { ctx, actions } = on();
    await expect(action('member.timeout').run({ duration: '10m', reason: 'Spam' }, ctx)).resolves.toEqual({
      user: 'u1',
      until: NOW + 600_000,
    });
    await action('member.timeout').run({ user: 'u2', duration: '0s' }, ctx);
    expect(actions().map((c) => c.args)).toEqual([
      ['u1', 600_000, 'Spam'],
      ['u2', null],
    ]);
    await expect(action('member.timeout').run({ duration: '29d' }, ctx)).rejects.toMatchObject({
      code: 'RC_CATALOG_TIMEOUT_TOO_LONG',
    });
  });

  it('member.kick, member.ban (deleteMessages in seconds, at most 7d), member.unban', async () => {
    const { ctx, actions } = on();
    await action('member.kick').run({ reason: 'bye' }, ctx);
    await action('member.ban').run({ reason: 'scam', deleteMessages: '1d' }, ctx);
    await action('member.ban').run({ user: 'u9' }, ctx);
    await action('member.unban').run({ user: 'u9' }, ctx);
    expect(actions().map((c) => [c.method, c.args])).toEqual([
      ['kick', ['u1', 'bye']],
      ['ban', ['u1', { reason: 'scam', deleteMessageSeconds: 86_400 }]],
      ['ban', ['u9', {}]],
      ['unban', ['u9']],
    ]);
    await expect(action('member.ban').run({ deleteMessages: '8d' }, ctx)).rejects.toMatchObject({
      code: 'RC_CATALOG_BAN_DELETE_TOO_LONG',
    });
  });

  it('member.nickname resets with null or ""', async () => {
    const { ctx, actions } = on();
    await action('member.nickname').run({ nickname: 'Calm' }, ctx);
    await action('member.nickname').run({ nickname: '' }, ctx);
    await action('member.nickname').run({ nickname: null }, ctx);
    expect(actions().map((c) => c.args[1])).toEqual(['Calm', null, null]);
  });

  it('member.dm reports closed DMs without failing', async () => {
    const { ctx } = on();
    await expect(action('member.dm').run({ content: 'hi' }, ctx)).resolves.toEqual({
      delivered: true,
      messageId: 'dm1',
    });
    await expect(action('member.dm').run({ user: 'closed', content: 'hi' }, ctx)).resolves.toEqual({
      delivered: false,
    });
  });

  it('role.add, role.remove, role.toggle', async () => {
    const { ctx, actions, discord } = on(messagePayload('x'), [member({ roles: ['r1'] })]);
    await action('role.add').run({ role: 'r2' }, ctx);
    await action('role.remove').run({ role: 'r2', reason: 'x' }, ctx);
    await expect(action('role.toggle').run({ role: 'r1' }, ctx)).resolves.toEqual({ added: false });
    await expect(action('role.toggle').run({ role: 'r3' }, ctx)).resolves.toEqual({ added: true });
    expect(discord.world('g1').members.get('u1')?.roles).toEqual(['r3']);
    expect(actions().map((c) => [c.method, c.args])).toEqual([
      ['addRole', ['u1', 'r2']],
      ['removeRole', ['u1', 'r2', 'x']],
      ['removeRole', ['u1', 'r1']],
      ['addRole', ['u1', 'r3']],
    ]);
  });

  it('refuse to guess a target on events without a user', async () => {
    const { ctx } = makeContext({ type: 'schedule.tick', payload: { scheduleId: 's' } });
    await expect(action('member.kick').run({}, ctx)).rejects.toMatchObject({
      code: 'RC_CATALOG_NO_TARGET',
      kind: 'user',
    });
  });
});
