import { defineEvent } from '@rulecord/engine';
import {
  channelIdSchema,
  emojiSchema,
  memberInfoSchema,
  messageIdSchema,
  userIdSchema,
  userInfoSchema,
} from '../../lib/schemas.js';

const interactionProperties = {
  interactionId: { type: 'string', description: 'Answer it with `interaction.reply` (within 3 seconds).' },
  token: { type: 'string', description: 'The interaction token (used by `interaction.reply`; never shown).' },
  userId: { ...userIdSchema, description: 'Who used it.' },
  user: userInfoSchema,
  member: memberInfoSchema,
  channelId: channelIdSchema,
} as const;
const interactionRequired = ['interactionId', 'token', 'userId', 'channelId'] as const;

const exampleUser = { id: '334455667788990011', username: 'ada' } as const;

export const commandRun = defineEvent({
  name: 'command.run',
  description:
    "Someone used one of the server's slash commands. `command` is its name (`giveaway`, or `mod warn` for a subcommand), `options` its arguments by name. Filter with `if: { fact: event.command, operator: equal, value: … }`.",
  payload: {
    type: 'object',
    required: [...interactionRequired, 'command', 'options'],
    properties: {
      ...interactionProperties,
      command: { type: 'string', description: 'Command name; subcommands follow after a space (`mod warn`).' },
      options: {
        type: 'object',
        description: 'Option values by name: strings, numbers, booleans; users, channels and roles as ids.',
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      },
    },
  },
  examples: [
    {
      interactionId: '1180000000000000100',
      token: 'tok',
      userId: '334455667788990011',
      user: exampleUser,
      channelId: '223344556677889911',
      command: 'giveaway',
      options: { prize: 'Nitro', duration: '1h' },
    },
  ],
});

export const button = defineEvent({
  name: 'interaction.button',
  description: 'Someone clicked a button the bot posted. `customId` is the id given to the button when it was sent.',
  payload: {
    type: 'object',
    required: [...interactionRequired, 'customId', 'messageId'],
    properties: {
      ...interactionProperties,
      customId: { type: 'string' },
      messageId: { ...messageIdSchema, description: 'The message that carries the button.' },
    },
  },
  examples: [
    {
      interactionId: '1180000000000000101',
      token: 'tok',
      userId: '334455667788990011',
      channelId: '223344556677889911',
      customId: 'verify',
      messageId: '1180000000000000001',
    },
  ],
});

export const select = defineEvent({
  name: 'interaction.select',
  description: "Someone picked options in a select menu the bot posted. `values` are the chosen options' values.",
  payload: {
    type: 'object',
    required: [...interactionRequired, 'customId', 'messageId', 'values'],
    properties: {
      ...interactionProperties,
      customId: { type: 'string' },
      messageId: messageIdSchema,
      values: { type: 'array', items: { type: 'string' } },
    },
  },
  examples: [
    {
      interactionId: '1180000000000000102',
      token: 'tok',
      userId: '334455667788990011',
      channelId: '223344556677889911',
      customId: 'pronouns',
      messageId: '1180000000000000001',
      values: ['they'],
    },
  ],
});

const reactionPayload = {
  type: 'object',
  required: ['userId', 'channelId', 'messageId', 'emoji'],
  properties: {
    userId: { ...userIdSchema, description: 'Who reacted.' },
    user: userInfoSchema,
    member: memberInfoSchema,
    channelId: channelIdSchema,
    messageId: messageIdSchema,
    messageAuthorId: { ...userIdSchema, description: 'Author of the message reacted to, when known.' },
    emoji: { ...emojiSchema, description: 'The unicode emoji, or `name:id` for a custom one.' },
  },
} as const;
const exampleReaction = {
  userId: '334455667788990011',
  channelId: '223344556677889911',
  messageId: '1180000000000000001',
  emoji: '⭐',
} as const;

export const reactionAdd = defineEvent({
  name: 'reaction.add',
  description: 'Someone added a reaction to a message (reaction roles, starboard, polls).',
  payload: reactionPayload,
  examples: [exampleReaction],
});

export const reactionRemove = defineEvent({
  name: 'reaction.remove',
  description: 'Someone removed their reaction from a message.',
  payload: reactionPayload,
  examples: [exampleReaction],
});

const voiceState = {
  type: 'object',
  properties: {
    channelId: { type: ['string', 'null'], description: 'Voice channel, `null` when not in one.' },
    muted: { type: 'boolean' },
    deafened: { type: 'boolean' },
    streaming: { type: 'boolean' },
  },
} as const;

export const voiceUpdate = defineEvent({
  name: 'voice.update',
  description:
    'Someone joined, left, moved between or changed their state in voice channels. Joined: `before.channelId` is null; left: `after.channelId` is null. `channelId` is the channel joined (or left, when leaving).',
  payload: {
    type: 'object',
    required: ['userId', 'before', 'after'],
    properties: {
      userId: userIdSchema,
      user: userInfoSchema,
      member: memberInfoSchema,
      channelId: { ...channelIdSchema, description: 'The channel joined, else the channel left.' },
      before: voiceState,
      after: voiceState,
    },
  },
  examples: [
    {
      userId: '334455667788990011',
      channelId: '223344556677889922',
      before: { channelId: null },
      after: { channelId: '223344556677889922' },
    },
  ],
});
