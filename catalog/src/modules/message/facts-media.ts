import { defineFact } from '@rulecord/engine';
import { MESSAGE_CONTENT_EVENTS } from '../../lib/events.js';
import { contentOf, messageOf } from './payload.js';
import * as text from './text.js';

const events = [...MESSAGE_CONTENT_EVENTS];

export const emojiCount = defineFact<number>({
  name: 'message.emojiCount',
  description:
    'Number of emoji in the text: unicode ones (a flag or a combined emoji such as 👨‍👩‍👧 counts once) plus custom server emoji. Reactions are not counted.',
  schema: { type: 'integer', minimum: 0 },
  events,
  cost: 'cheap',
  examples: [3, 0],
  resolve: (ctx) => text.emojiCount(contentOf(ctx)),
});

export const attachmentCount = defineFact<number>({
  name: 'message.attachmentCount',
  description: 'Number of files attached to the message (images, videos, documents).',
  schema: { type: 'integer', minimum: 0 },
  events,
  cost: 'cheap',
  examples: [1, 0],
  resolve: (ctx) => messageOf(ctx).attachments?.length ?? 0,
});

export const isReply = defineFact<boolean>({
  name: 'message.isReply',
  description: 'Whether the message is a reply to another message.',
  schema: { type: 'boolean' },
  events,
  cost: 'cheap',
  examples: [false],
  resolve: (ctx) => typeof messageOf(ctx).replyTo === 'string',
});

export const mediaFacts = [emojiCount, attachmentCount, isReply];
