import { describe, expect, it } from 'vitest';
import { checkWhere, eventRoles } from '../../src/index.js';
import type { WhereCheck } from '../../src/index.js';

describe('where filters at their edges', () => {
  it('user.in/notIn: passes listed users, refuses others, and records the check with the user seen', () => {
    const checks: WhereCheck[] = [];
    expect(checkWhere({ user: { in: ['u1'] } }, 'member.join', { userId: 'u1' }, checks)).toBe(true);
    expect(checks).toEqual([{ filter: 'user', expected: { in: ['u1'] }, actual: 'u1', result: true }]);
    const refused: WhereCheck[] = [];
    expect(checkWhere({ user: { notIn: ['u1'] } }, 'member.join', { member: { id: 'u1' } }, refused)).toBe(false);
    expect(refused.at(-1)).toEqual({ filter: 'user', expected: { notIn: ['u1'] }, actual: 'u1', result: false });
  });

  it('a user filter refuses an event about nobody, recording null as the user seen', () => {
    const checks: WhereCheck[] = [];
    expect(checkWhere({ user: { in: ['u1'] } }, 'custom.ping', {}, checks)).toBe(false);
    expect(checks).toEqual([{ filter: 'user', expected: { in: ['u1'] }, actual: null, result: false }]);
    expect(checkWhere({ user: { notIn: ['u1'] } }, 'custom.ping', {}, null)).toBe(true);
  });

  it('a channel filter refuses an event without a channel and records null', () => {
    const checks: WhereCheck[] = [];
    expect(checkWhere({ channel: { in: ['c1'] } }, 'custom.ping', {}, checks)).toBe(false);
    expect(checks[0]).toMatchObject({ filter: 'channel', actual: null, result: false });
    expect(checkWhere({ channel: { in: ['c1'] } }, 'custom.ping', { channel: { id: 'c1' } }, null)).toBe(true);
  });

  it('roles.all needs every role; roles come from member.roles, else roles, else none', () => {
    const where = { roles: { all: ['a', 'b'] } };
    expect(checkWhere(where, 'custom.ping', { member: { roles: ['a', 'b', 'c'] } }, null)).toBe(true);
    expect(checkWhere(where, 'custom.ping', { roles: ['a'] }, null)).toBe(false);
    expect(checkWhere(where, 'custom.ping', {}, null)).toBe(false);
    expect(eventRoles({ roles: ['x', 1, 'y'] })).toEqual(['x', 'y']);
    expect(eventRoles({ member: { roles: 'admin' } })).toEqual([]);
  });

  it('`bots: false` refuses a bot on any event; message events refuse bots unless the rule allows them', () => {
    const checks: WhereCheck[] = [];
    expect(checkWhere({ bots: false }, 'member.join', { user: { id: 'b', bot: true } }, checks)).toBe(false);
    expect(checks).toEqual([{ filter: 'bots', expected: false, actual: true, result: false }]);
    expect(checkWhere(undefined, 'message.create', { author: { bot: true } }, null)).toBe(false);
    expect(checkWhere({ bots: true }, 'message.create', { author: { bot: true } }, null)).toBe(true);
    expect(checkWhere(undefined, 'member.join', { bot: true }, null)).toBe(true);
  });
});
