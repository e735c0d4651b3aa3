import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOT_USER_ID, RecordingDiscord, VirtualClock } from '@rulecord/engine';

const DAY = 86_400_000;

describe('RecordingDiscord', () => {
  const world = {
    guild: { name: 'Test Guild', ownerId: 'owner' },
    members: [
      { id: 'u1', username: 'alice', roles: ['member'], accountAgeDays: 400 },
      { id: 'u2', roles: [] },
    ],
    channels: [{ id: 'general' }, { id: 'logs', name: 'mod-logs' }],
    roles: [{ id: 'member' }, { id: 'muted', name: 'Muted' }],
  };

  it('answers reads from the world it was given', async () => {
    const clock = new VirtualClock(1000 * DAY);
    const d = new RecordingDiscord(world, clock).forGuild('g1');
    expect(await d.guild()).toEqual({ id: 'g1', name: 'Test Guild', ownerId: 'owner', memberCount: 2 });
    expect(await d.member('u1')).toMatchObject({
      id: 'u1',
      username: 'alice',
      roles: ['member'],
      createdAt: 600 * DAY,
    });
    expect(await d.member('u2')).toMatchObject({ username: 'u2', roles: [], createdAt: 635 * DAY });
    expect(await d.member('nobody')).toBeNull();
    expect(await d.channel('logs')).toEqual({ id: 'logs', name: 'mod-logs', type: 'text', parentId: null });
    expect(await d.channel('nope')).toBeNull();
    expect(await d.role('muted')).toEqual({ id: 'muted', name: 'Muted', position: 2 });
  });

  it('records every call in order, with its time, and keeps the world consistent', async () => {
    const clock = new VirtualClock(5000);
    const recorder = new RecordingDiscord(world, clock);
    const d = recorder.forGuild('g1');
    await d.addRole('u1', 'muted', 'spam');
    await d.addRole('u1', 'muted');
    clock.advance(10);
    expect((await d.member('u1'))!.roles).toEqual(['member', 'muted']);
    await d.removeRole('u1', 'member');
    expect((await d.member('u1'))!.roles).toEqual(['muted']);
    const { messageId } = await d.sendMessage('logs', { content: 'hello' });
    const second = await d.sendMessage('logs', { content: 'again' });
    expect(second.messageId).not.toBe(messageId);
    await d.editMessage('logs', messageId, { content: 'edited' });
    await d.addReaction('logs', messageId, '✅');
    expect(recorder.world('g1').messages.get('logs')!.get(messageId)).toMatchObject({
      content: 'edited',
      reactions: ['✅'],
      authorId: BOT_USER_ID,
    });
    await d.timeout('u2', 60_000, 'calm down');
    expect((await d.member('u2'))!.communicationDisabledUntil).toBe(5010 + 60_000);
    await d.timeout('u2', null);
    expect((await d.member('u2'))!.communicationDisabledUntil).toBeNull();
    await d.setNickname('u2', 'Bob');
    expect((await d.member('u2'))!.displayName).toBe('Bob');
    await d.kick('u2');
    expect(await d.member('u2')).toBeNull();
    expect((await d.guild()).memberCount).toBe(1);
    await d.ban('u1', { reason: 'raid' });
    expect(recorder.world('g1').bans.get('u1')).toEqual({ reason: 'raid' });
    await d.unban('u1');
    expect(recorder.world('g1').bans.has('u1')).toBe(false);

    expect(recorder.actions().map((c) => c.method)).toEqual([
      'addRole',
      'addRole',
      'removeRole',
      'sendMessage',
      'sendMessage',
      'editMessage',
      'addReaction',
      'timeout',
      'timeout',
      'setNickname',
      'kick',
      'ban',
      'unban',
    ]);
    expect(recorder.calls[0]).toEqual({ guildId: 'g1', method: 'addRole', args: ['u1', 'muted', 'spam'], at: 5000 });
    expect(recorder.calls[1]).toEqual({ guildId: 'g1', method: 'addRole', args: ['u1', 'muted'], at: 5000 });
    expect(recorder.calls.filter((c) => c.method === 'member')).toHaveLength(6);
  });

  it('refuses unknown members, roles and channels of a closed world, recording the failed call', async () => {
    const recorder = new RecordingDiscord(world);
    const d = recorder.forGuild('g1');
    await expect(d.addRole('ghost', 'muted')).rejects.toMatchObject({ code: 'RC_DISCORD_UNKNOWN_MEMBER' });
    await expect(d.addRole('u1', 'admin')).rejects.toMatchObject({ code: 'RC_DISCORD_UNKNOWN_ROLE' });
    await expect(d.sendMessage('random', { content: 'x' })).rejects.toMatchObject({
      code: 'RC_DISCORD_UNKNOWN_CHANNEL',
    });
    expect(recorder.calls.map((c) => c.error)).toEqual([
      'RC_DISCORD_UNKNOWN_MEMBER',
      'RC_DISCORD_UNKNOWN_ROLE',
      'RC_DISCORD_UNKNOWN_CHANNEL',
    ]);
    expect(await d.sendDirect('ghost', { content: 'hi' })).toBeNull();
    expect(await d.sendDirect('u1', { content: 'hi' })).toEqual({ messageId: expect.any(String) });
    expect(recorder.world('g1').directMessages.get('u1')).toEqual([{ content: 'hi' }]);
  });

  it('an open world (lists left out) lets any id exist on first use', async () => {
    const recorder = new RecordingDiscord();
    const d = recorder.forGuild('g');
    await d.addRole('anyone', 'any-role');
    expect(await d.member('anyone')).toMatchObject({ roles: ['any-role'] });
    expect(await d.sendMessage('any-channel', { content: 'x' })).toEqual({ messageId: expect.any(String) });
    expect(await d.role('any-role')).toMatchObject({ id: 'any-role' });
  });

  it('threads and channels join the world; purge and delete act on known messages', async () => {
    const clock = new VirtualClock(0);
    const recorder = new RecordingDiscord({ channels: [{ id: 'general' }] }, clock);
    const d = recorder.forGuild('g');
    const { channelId: thread } = await d.createThread('general', { name: 'ticket-1' });
    expect(await d.channel(thread)).toEqual({ id: thread, name: 'ticket-1', type: 'thread', parentId: 'general' });
    const { channelId: voice } = await d.createChannel({ name: 'Voice', type: 'voice' });
    expect(await d.channel(voice)).toMatchObject({ type: 'voice' });
    await d.deleteChannel(voice);
    expect(await d.channel(voice)).toBeNull();
    for (let i = 0; i < 5; i++)
      recorder.addMessage('g', { id: `x${i}`, channelId: 'general', authorId: i % 2 ? 'u1' : 'u2' });
    await d.deleteMessage('general', 'x0');
    expect(await d.purge('general', { limit: 10, userId: 'u1' })).toBe(2);
    expect([...recorder.world('g').messages.get('general')!.keys()]).toEqual(['x2', 'x4']);
    expect(await d.purge('general', { limit: 1 })).toBe(1);
  });

  it('recorded arguments are copies: later mutation does not rewrite history', async () => {
    const recorder = new RecordingDiscord();
    const message = { content: 'before' };
    await recorder.forGuild('g').sendMessage('c', message);
    message.content = 'after';
    expect(recorder.calls[0]!.args).toEqual(['c', { content: 'before' }]);
  });

  it('property: calls through one guild never change another guild’s world', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constant('addRole'),
            fc.constant('kick'),
            fc.constant('send'),
            fc.constant('timeout'),
            fc.constant('ban'),
          ),
          { maxLength: 12 },
        ),
        async (ops) => {
          const recorder = new RecordingDiscord(world, new VirtualClock(0));
          const a = recorder.forGuild('a');
          const before = structuredClone({ ...recorder.world('b'), closed: undefined });
          for (const op of ops) {
            if (op === 'addRole') await a.addRole('u1', 'muted').catch(() => {});
            if (op === 'kick') await a.kick('u2').catch(() => {});
            if (op === 'send') await a.sendMessage('general', { content: 'x' });
            if (op === 'timeout') await a.timeout('u1', 1000).catch(() => {});
            if (op === 'ban') await a.ban('u1');
          }
          expect({ ...recorder.world('b'), closed: undefined }).toEqual(before);
          expect(recorder.calls.every((c) => c.guildId === 'a')).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});
