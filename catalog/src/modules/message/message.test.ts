import { describe, expect, it } from 'vitest';
import type { ActionDefinition, FactDefinition, JsonObject } from '@rulecord/engine';
import { makeContext, messagePayload } from '../../testing/context.js';
import { messageModule } from './index.js';

function fact(name: string): FactDefinition {
  const found = messageModule.facts.find((f) => f.name === name);
  if (!found) throw new Error(`no fact ${name}`);
  return found;
}
function read(name: string, content: string, extra: JsonObject = {}, params?: JsonObject): unknown {
  const { ctx } = makeContext({ type: 'message.create', payload: messagePayload(content, extra) });
  return fact(name).resolve(ctx, params);
}
function action(name: string): ActionDefinition {
  const found = messageModule.actions.find((a) => a.name === name);
  if (!found) throw new Error(`no action ${name}`);
  return found;
}

describe('message facts', () => {
  it('resolve synchronously from the payload', () => {
    const text = 'LOOK <@1> <@&2> @everyone https://x.example discord.gg/abc 😀\nline two';
    expect(read('message.content', text)).toBe(text);
    expect(read('message.length', '😀ab')).toBe(3);
    expect(read('message.lineCount', text)).toBe(2);
    expect(read('message.words', 'Hi THERE')).toEqual(['hi', 'there']);
    expect(read('message.capsRatio', 'ABCd')).toBe(0.75);
    expect(read('message.mentionCount', text)).toBe(2);
    expect(read('message.mentionedUsers', text)).toEqual(['1']);
    expect(read('message.mentionedRoles', text)).toEqual(['2']);
    expect(read('message.mentionsEveryone', text)).toBe(true);
    expect(read('message.urls', text)).toEqual(['https://x.example']);
    expect(read('message.hasUrl', text)).toBe(true);
    expect(read('message.invites', text)).toEqual(['abc']);
    expect(read('message.hasInvite', text)).toBe(true);
    expect(read('message.emojiCount', text)).toBe(1);
    expect(read('message.repeatedCharsRatio', 'aab')).toBeCloseTo(1 / 3);
    expect(read('message.zalgo', 'z̷̢̛a')).toBe(true);
    expect(read('message.zalgo', 'z̷̢̛a', {}, { marks: 4 })).toBe(false);
    expect(read('message.isReply', 'x', { replyTo: 'm0' })).toBe(true);
    expect(read('message.isReply', 'x')).toBe(false);
  });

  it('prefer the mentions Discord resolved over the text', () => {
    const extra = { mentions: { users: ['7', '8'], roles: ['9'], everyone: false } };
    expect(read('message.mentionCount', 'no mention syntax', extra)).toBe(3);
  });

  it('count attachments', () => {
    expect(read('message.attachmentCount', '', { attachments: [{ name: 'a.png' }, { name: 'b.png' }] })).toBe(2);
    expect(read('message.attachmentCount', '')).toBe(0);
  });

  it('let invites be allowed with params.except', () => {
    expect(read('message.hasInvite', 'discord.gg/mine', {}, { except: ['mine'] })).toBe(false);
    expect(read('message.invites', 'discord.gg/mine discord.gg/other', {}, { except: ['mine'] })).toEqual(['other']);
  });

  it('treat a missing content as empty', () => {
    const { ctx } = makeContext({
      type: 'message.create',
      payload: { messageId: 'm1', channelId: 'c1', userId: 'u1' },
    });
    expect(fact('message.length').resolve(ctx, undefined)).toBe(0);
    expect(fact('message.words').resolve(ctx, undefined)).toEqual([]);
  });
});

describe('message actions', () => {
  it('message.delete deletes the event message by default', async () => {
    const { ctx, actions } = makeContext({ type: 'message.create', payload: messagePayload('spam') });
    await expect(action('message.delete').run({ reason: 'Spam' }, ctx)).resolves.toEqual({ messageId: 'm1' });
    expect(actions().map((c) => [c.method, c.args])).toEqual([['deleteMessage', ['c1', 'm1', 'Spam']]]);
  });

  it('message.delete says what to set when the event has no message', async () => {
    const { ctx } = makeContext({ type: 'schedule.tick', payload: { scheduleId: 's' } });
    await expect(action('message.delete').run({}, ctx)).rejects.toMatchObject({ code: 'RC_CATALOG_NO_TARGET' });
  });

  it('message.send pings nobody unless allowed', async () => {
    const { ctx, actions } = makeContext({ type: 'member.join', payload: { userId: 'u1', user: { id: 'u1' } } });
    const result = await action('message.send').run({ channel: 'welcome', content: 'Hi <@u1> @everyone' }, ctx);
    expect(result).toEqual({ messageId: 'm1', channelId: 'welcome' });
    expect(actions()[0]?.args).toEqual([
      'welcome',
      { content: 'Hi <@u1> @everyone', allowedMentions: { users: [], roles: [], everyone: false } },
    ]);
    await action('message.send').run({ channel: 'welcome', content: 'Hi', allowedMentions: { users: ['u1'] } }, ctx);
    expect(actions()[1]?.args[1]).toMatchObject({ allowedMentions: { users: ['u1'], roles: [], everyone: false } });
  });

  it('message.send defaults to the event channel', async () => {
    const { ctx, actions } = makeContext({ type: 'message.create', payload: messagePayload('x') });
    await action('message.send').run({ embeds: [{ title: 'T' }] }, ctx);
    expect(actions()[0]?.args).toEqual([
      'c1',
      { embeds: [{ title: 'T' }], allowedMentions: { users: [], roles: [], everyone: false } },
    ]);
  });

  it('message.reply replies to the event message and pings the author only with mention: true', async () => {
    const { ctx, actions } = makeContext({ type: 'message.create', payload: messagePayload('x') });
    await action('message.reply').run({ content: 'calm down' }, ctx);
    await action('message.reply').run({ content: 'thanks', mention: true }, ctx);
    expect(actions()[0]?.args).toEqual([
      'c1',
      { content: 'calm down', replyTo: 'm1', allowedMentions: { users: [], roles: [], everyone: false } },
    ]);
    expect(actions()[1]?.args[1]).toMatchObject({ allowedMentions: { users: ['u1'] } });
  });

  it('message.react and message.purge', async () => {
    const { ctx, actions, discord } = makeContext({ type: 'message.create', payload: messagePayload('x') });
    for (let i = 0; i < 30; i++)
      discord.addMessage('g1', { id: `old${i}`, channelId: 'c1', authorId: i % 2 === 0 ? 'u1' : 'u2' });
    await action('message.react').run({ emoji: '👍' }, ctx);
    await expect(action('message.purge').run({ limit: 10, user: 'u1' }, ctx)).resolves.toEqual({ deleted: 10 });
    await expect(action('message.purge').run({}, ctx)).resolves.toEqual({ deleted: 20 });
    expect(actions().map((c) => [c.method, c.args])).toEqual([
      ['addReaction', ['c1', 'm1', '👍']],
      ['purge', ['c1', { limit: 10, userId: 'u1' }]],
      ['purge', ['c1', { limit: 50 }]],
    ]);
  });
});
