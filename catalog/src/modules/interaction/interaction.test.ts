import { describe, expect, it } from 'vitest';
import { makeContext, messagePayload } from '../../testing/context.js';
import { interactionReply } from './reply.js';

describe('interaction.reply', () => {
  it('answers the interaction, not ephemeral by default, pinging nobody', async () => {
    const { ctx, actions } = makeContext({
      type: 'command.run',
      payload: { interactionId: 'i1', token: 't1', userId: 'u1', channelId: 'c1', command: 'rules', options: {} },
    });
    await interactionReply.run({ content: 'Read the rules' }, ctx);
    await interactionReply.run({ content: 'Only you', ephemeral: true }, ctx);
    expect(actions().map((c) => [c.method, c.args])).toEqual([
      [
        'replyInteraction',
        [
          'i1',
          't1',
          { content: 'Read the rules', ephemeral: false, allowedMentions: { users: [], roles: [], everyone: false } },
        ],
      ],
      [
        'replyInteraction',
        [
          'i1',
          't1',
          { content: 'Only you', ephemeral: true, allowedMentions: { users: [], roles: [], everyone: false } },
        ],
      ],
    ]);
  });

  it('explains itself on an event without an interaction', async () => {
    const { ctx } = makeContext({ type: 'message.create', payload: messagePayload('x') });
    await expect(interactionReply.run({ content: 'x' }, ctx)).rejects.toMatchObject({ code: 'RC_CATALOG_NO_TARGET' });
  });
});
