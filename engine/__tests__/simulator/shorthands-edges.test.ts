import { describe, expect, it } from 'vitest';
import { RecordingDiscord, RulecordError, buildSimulatedPayload } from '../../src/index.js';
import type { JsonObject, ShorthandContext, WorldSpec } from '../../src/index.js';

const NOW = 1_700_000_000_000;

function context(spec: WorldSpec = {}): ShorthandContext {
  let n = 0;
  return {
    world: new RecordingDiscord(spec).world('g1'),
    now: NOW,
    nextId: (kind) => `sim-${kind}-${++n}`,
    pointer: '/steps/0',
  };
}

const build = (type: string, w: JsonObject, spec?: WorldSpec) => buildSimulatedPayload(type, w, context(spec));

function failure(fn: () => unknown): RulecordError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RulecordError);
    return e as RulecordError;
  }
  throw new Error('expected a RulecordError');
}

describe('simulator shorthands at their edges', () => {
  it('an open world takes any user and falls back to the "general" channel', () => {
    const p = build('message.create', { user: 'u9', content: 'hi' });
    expect(p).toMatchObject({
      userId: 'u9',
      channelId: 'general',
      author: { id: 'u9', username: 'u9', bot: false },
      member: { id: 'u9', roles: [] },
      content: 'hi',
      messageId: 'sim-msg-1',
      createdAt: NOW,
    });
    expect((p.member as JsonObject).displayName).toBeUndefined();
  });

  it('an event needing a user fails with RC_SIM_STEP and a fix when the world has no members to default to', () => {
    const e = failure(() => build('member.join', {}));
    expect(e.code).toBe('RC_SIM_STEP');
    expect(e.message).toMatch(/the event needs a user: set `with.user`/);
    expect(e.pointer).toBe('/steps/0');
  });

  it('a closed world rejects unknown channels and lists the known ones', () => {
    const e = failure(() =>
      build('message.create', { author: 'u1', channel: 'nope' }, { members: [{ id: 'u1' }], channels: [{ id: 'c1' }] }),
    );
    expect(e.code).toBe('RC_SIM_STEP');
    expect(e.message).toMatch(/"nope" is not a channel of the simulated world \(channels: c1\)/);
  });

  it('message.delete without an author carries no user fields; with one it carries the author', () => {
    const anonymous = build('message.delete', { message: 'm1' });
    expect(anonymous).toEqual({ messageId: 'm1', channelId: 'general' });
    const withAuthor = build('message.delete', { user: 'u2', channel: 'c2' });
    expect(withAuthor).toMatchObject({ userId: 'u2', author: { id: 'u2' }, channelId: 'c2', messageId: 'sim-msg-1' });
  });

  it('member.join keeps a world member display name and join time instead of now', () => {
    const p = build('member.join', { user: 'u1' }, { members: [{ id: 'u1', displayName: 'Ada', joinedAt: 5 }] });
    expect(p.member).toMatchObject({ displayName: 'Ada', joinedAt: 5 });
  });

  it('member.update without role lists changes nothing', () => {
    const p = build('member.update', { user: 'u1' }, { members: [{ id: 'u1', roles: ['r1'] }] });
    expect(p).toMatchObject({ before: { roles: ['r1'] }, after: { roles: ['r1'] }, rolesAdded: [], rolesRemoved: [] });
  });

  it('reaction defaults the emoji and message, and carries the message author only when given', () => {
    const plain = build('reaction.add', { user: 'u1' });
    expect(plain).toMatchObject({ emoji: '👍', messageId: 'sim-msg-1', channelId: 'general' });
    expect(plain.messageAuthorId).toBeUndefined();
    expect(build('reaction.add', { user: 'u1', messageAuthor: 'u2' }).messageAuthorId).toBe('u2');
  });

  it('command.run needs a command and ignores options that are not an object', () => {
    const e = failure(() => build('command.run', { user: 'u1' }));
    expect(e.message).toBe('command.run needs `with.command`');
    expect(build('command.run', { user: 'u1', command: 'warn', options: ['x'] }).options).toEqual({});
    expect(build('command.run', { user: 'u1', command: 'warn', options: null }).options).toEqual({});
    expect(build('command.run', { user: 'u1', command: 'warn', options: { n: 1 } }).options).toEqual({ n: 1 });
  });

  it('interaction.button takes `button` as an alias and needs one of them', () => {
    expect(build('interaction.button', { user: 'u1', button: 'verify' }).customId).toBe('verify');
    const e = failure(() => build('interaction.button', { user: 'u1' }));
    expect(e.message).toBe('interaction.button needs `with.customId`');
  });

  it('interaction.select needs a customId and defaults values to an empty list', () => {
    const e = failure(() => build('interaction.select', { user: 'u1' }));
    expect(e.message).toBe('interaction.select needs `with.customId`');
    expect(build('interaction.select', { user: 'u1', customId: 'm', values: 'x' }).values).toEqual([]);
  });

  it('voice.update sets channelId from the channel joined, else the one left, else none', () => {
    expect(build('voice.update', { user: 'u1', from: 'a', to: 'b' }).channelId).toBe('b');
    expect(build('voice.update', { user: 'u1', from: 'a' }).channelId).toBe('a');
    const none = build('voice.update', { user: 'u1' });
    expect(none.channelId).toBeUndefined();
    expect(none).toMatchObject({ before: { channelId: null }, after: { channelId: null } });
  });

  it('schedule.tick takes `scheduleId` as an alias and defaults cron and time zone', () => {
    expect(build('schedule.tick', { scheduleId: 'daily' })).toEqual({
      scheduleId: 'daily',
      cron: '* * * * *',
      timezone: 'UTC',
      scheduledAt: NOW,
    });
  });

  it('an unknown event type maps user/author and channel and copies the rest', () => {
    expect(build('custom.thing', { x: 1 })).toEqual({ x: 1 });
    const p = build('custom.thing', { author: 'u3', channel: 'c1', x: 1 });
    expect(p).toMatchObject({ userId: 'u3', user: { id: 'u3' }, channelId: 'c1', x: 1 });
    expect(p.author).toBeUndefined();
  });
});
