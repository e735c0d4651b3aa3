import { describe, expect, it } from 'vitest';
import { RecordingDiscord, VirtualClock } from '../../src/index.js';

const T0 = 1_700_000_000_000;

describe('RecordingDiscord at its edges', () => {
  it('refuses an empty guild id with RC_DISCORD_BAD_GUILD', () => {
    expect(() => new RecordingDiscord().forGuild('')).toThrow(
      expect.objectContaining({ code: 'RC_DISCORD_BAD_GUILD' }),
    );
  });

  it('an open world creates channels and roles on first read; a closed one answers null', async () => {
    const open = new RecordingDiscord().forGuild('g1');
    expect(await open.channel('c9')).toEqual({ id: 'c9', name: 'c9', type: 'text', parentId: null });
    expect(await open.role('r9')).toMatchObject({ id: 'r9', name: 'r9' });
    const closed = new RecordingDiscord({ channels: [{ id: 'c1' }], roles: [{ id: 'r1', color: 0xff0000 }] }).forGuild(
      'g1',
    );
    expect(await closed.channel('c9')).toBeNull();
    expect(await closed.role('r9')).toBeNull();
    expect(await closed.role('r1')).toEqual({ id: 'r1', name: 'r1', position: 1, color: 0xff0000 });
  });

  it('a banned user is not recreated by a member read in an open world', async () => {
    const rec = new RecordingDiscord();
    const g = rec.forGuild('g1');
    await g.ban('u1', { reason: 'spam' });
    expect(await g.member('u1')).toBeNull();
    expect(rec.world('g1').bans.get('u1')).toEqual({ reason: 'spam' });
    await g.unban('u1');
    expect(await g.member('u1')).toMatchObject({ id: 'u1' });
  });

  it('an unknown member in a closed world fails the call and the recorded call keeps the error code', async () => {
    const rec = new RecordingDiscord({ members: [{ id: 'u1' }] });
    const g = rec.forGuild('g1');
    await expect(g.addRole('u2', 'r1')).rejects.toThrow(expect.objectContaining({ code: 'RC_DISCORD_UNKNOWN_MEMBER' }));
    expect(rec.calls.at(-1)).toMatchObject({ method: 'addRole', error: 'RC_DISCORD_UNKNOWN_MEMBER' });
    expect(await g.sendDirect('u2', { content: 'hi' })).toBeNull();
  });

  it('editMessage changes only the fields given and stamps the edit time; a missing message is ignored', async () => {
    const clock = new VirtualClock(T0);
    const rec = new RecordingDiscord({}, clock);
    const g = rec.forGuild('g1');
    const { messageId } = await g.sendMessage('c1', { content: 'a', embeds: [{ title: 't' }] });
    clock.advance(5);
    await g.editMessage('c1', messageId, { components: [] });
    const m = rec.world('g1').messages.get('c1')?.get(messageId);
    expect(m).toMatchObject({ content: 'a', embeds: [{ title: 't' }], components: [], editedAt: T0 + 5 });
    await g.editMessage('c1', messageId, { embeds: [] });
    expect(m?.embeds).toEqual([]);
    await expect(g.editMessage('c1', 'nope', { content: 'x' })).resolves.toBeUndefined();
  });

  it('purge of a channel without messages removes nothing; reactions are not duplicated', async () => {
    const rec = new RecordingDiscord();
    const g = rec.forGuild('g1');
    expect(await g.purge('empty', { limit: 10 })).toBe(0);
    rec.addMessage('g1', { id: 'm1', channelId: 'c1', authorId: 'u1' });
    await g.addReaction('c1', 'm1', '👍');
    await g.addReaction('c1', 'm1', '👍');
    await g.addReaction('c1', 'missing', '👍');
    expect(rec.world('g1').messages.get('c1')?.get('m1')?.reactions).toEqual(['👍']);
  });

  it('setNickname(null) clears the display name; createChannel under an unknown parent fails in a closed world', async () => {
    const rec = new RecordingDiscord({ members: [{ id: 'u1', displayName: 'Ada' }], channels: [{ id: 'cat' }] });
    const g = rec.forGuild('g1');
    await g.setNickname('u1', null);
    expect(rec.world('g1').members.get('u1')?.displayName).toBeUndefined();
    await g.setNickname('u1', 'Bea');
    expect(rec.world('g1').members.get('u1')?.displayName).toBe('Bea');
    await expect(g.createChannel({ name: 'x', type: 'text', parentId: 'nope' })).rejects.toThrow(
      expect.objectContaining({ code: 'RC_DISCORD_UNKNOWN_CHANNEL' }),
    );
    const { channelId } = await g.createChannel({ name: 'x', type: 'text', parentId: 'cat' });
    expect(rec.world('g1').channels.get(channelId)).toMatchObject({ name: 'x', parentId: 'cat' });
  });

  it('ban with deleteMessageSeconds removes only that user’s recent messages', async () => {
    const clock = new VirtualClock(T0);
    const rec = new RecordingDiscord({}, clock);
    rec.addMessage('g1', { id: 'old', channelId: 'c1', authorId: 'u1', createdAt: T0 - 120_000 });
    rec.addMessage('g1', { id: 'new', channelId: 'c1', authorId: 'u1', createdAt: T0 - 10_000 });
    rec.addMessage('g1', { id: 'other', channelId: 'c1', authorId: 'u2', createdAt: T0 - 10_000 });
    await rec.forGuild('g1').ban('u1', { deleteMessageSeconds: 60 });
    expect([...(rec.world('g1').messages.get('c1')?.keys() ?? [])]).toEqual(['old', 'other']);
  });

  it('actions(guildId) lists only that guild’s changing calls', async () => {
    const rec = new RecordingDiscord();
    await rec.forGuild('g1').kick('u1');
    await rec.forGuild('g2').member('u1');
    await rec.forGuild('g2').kick('u1');
    expect(rec.actions('g1').map((c) => [c.guildId, c.method])).toEqual([['g1', 'kick']]);
    expect(rec.actions().map((c) => c.guildId)).toEqual(['g1', 'g2']);
  });
});
