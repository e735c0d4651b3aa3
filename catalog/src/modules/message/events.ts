import { defineEvent } from '@rulecord/engine';
import type { JsonObject } from '@rulecord/engine';
import {
  channelIdSchema,
  epochMsSchema,
  memberInfoSchema,
  messageIdSchema,
  roleIdSchema,
  userIdSchema,
  userInfoSchema,
} from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const messageProperties = {
  messageId: messageIdSchema,
  channelId: channelIdSchema,
  userId: { ...userIdSchema, description: 'The author.' },
  author: userInfoSchema,
  member: { ...memberInfoSchema, description: 'The author as a guild member (absent for webhooks).' },
  content: { type: 'string', description: 'The text of the message (may be empty for attachment-only messages).' },
  mentions: {
    type: 'object',
    description:
      'What the message mentions, as Discord resolved it. When absent, facts read the mentions written in `content`.',
    properties: {
      users: { type: 'array', items: userIdSchema },
      roles: { type: 'array', items: roleIdSchema },
      everyone: { type: 'boolean', description: '`@everyone` or `@here`, whether or not it pinged.' },
    },
  },
  attachments: {
    type: 'array',
    items: {
      type: 'object',
      required: ['name'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        url: { type: 'string' },
        size: { type: 'integer', minimum: 0, description: 'Bytes.' },
        contentType: { type: 'string', description: 'MIME type, e.g. `image/png`.' },
      },
    },
  },
  stickers: { type: 'array', items: { type: 'string' }, description: 'Sticker ids.' },
  replyTo: { type: ['string', 'null'], description: 'Id of the message this one replies to.' },
  threadId: {
    type: ['string', 'null'],
    description: 'When posted in a thread: the thread (then `channelId` is the thread too).',
  },
  createdAt: epochMsSchema,
} as const;

export const messagePayloadSchema = {
  type: 'object',
  required: ['messageId', 'channelId', 'userId', 'content'],
  properties: messageProperties,
} as const;
export type MessagePayload = SchemaType<typeof messagePayloadSchema>;

const exampleMessage: JsonObject = {
  messageId: '1180000000000000001',
  channelId: '223344556677889911',
  userId: '334455667788990011',
  author: { id: '334455667788990011', username: 'ada', bot: false, createdAt: 1_600_000_000_000 },
  member: { roles: ['445566778899001122'], joinedAt: 1_700_000_000_000 },
  content: 'HELLO EVERYONE, join discord.gg/abc',
  mentions: { users: [], roles: [], everyone: false },
  attachments: [],
};

export const messageCreate = defineEvent({
  name: 'message.create',
  description:
    'A member posted a message in a channel the bot can see. Messages by bots are skipped unless the rule sets `where: { bots: true }`.',
  payload: messagePayloadSchema,
  examples: [exampleMessage],
});

export const messageUpdate = defineEvent({
  name: 'message.update',
  description:
    'A message was edited. The payload is the message after the edit (every `message.*` fact reads the new content), with `before.content` when the old one was cached.',
  payload: {
    type: 'object',
    required: ['messageId', 'channelId', 'userId', 'content'],
    properties: {
      ...messageProperties,
      before: {
        type: 'object',
        description: 'The message before the edit, when the bot had it cached.',
        properties: { content: { type: 'string' } },
      },
      editedAt: epochMsSchema,
    },
  },
  examples: [
    { ...exampleMessage, content: 'join discord.gg/abc', before: { content: 'hi' }, editedAt: 1_732_000_000_000 },
  ],
});

export const messageDelete = defineEvent({
  name: 'message.delete',
  description:
    'A message was deleted (by its author, a moderator or a bot). Content and author are present only when the bot had the message cached.',
  payload: {
    type: 'object',
    required: ['messageId', 'channelId'],
    properties: {
      messageId: messageIdSchema,
      channelId: channelIdSchema,
      userId: { ...userIdSchema, description: 'The author, when known.' },
      author: userInfoSchema,
      content: { type: 'string', description: 'The deleted text, when cached.' },
    },
  },
  examples: [
    {
      messageId: '1180000000000000001',
      channelId: '223344556677889911',
      userId: '334455667788990011',
      content: 'oops',
    },
  ],
});
