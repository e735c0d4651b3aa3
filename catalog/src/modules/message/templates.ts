import { defineTemplate } from '@rulecord/engine';
import { channelIdSchema, roleIdSchema } from '../../lib/schemas.js';
import { input } from '../../lib/template.js';

const exemptRoles = {
  type: 'array',
  items: roleIdSchema,
  default: [],
  description: 'Members with any of these roles are left alone (moderators, trusted members).',
} as const;

const exemptChannels = {
  type: 'array',
  items: channelIdSchema,
  default: [],
  description: 'Channels where the rule does not apply.',
} as const;

export const antiInvite = defineTemplate({
  id: 'anti-invite',
  version: 1,
  name: 'Block invite links',
  description:
    "Deletes messages (new or edited) that advertise another Discord server and warns the author. Your own server's invite codes can be allowed.",
  inputs: {
    type: 'object',
    examples: [{ allowedInvites: ['myserver'] }],
    additionalProperties: false,
    properties: {
      allowedInvites: {
        type: 'array',
        items: { type: 'string', minLength: 2 },
        default: [],
        description: 'Invite codes that are fine to post (e.g. your own: `discord.gg/mycode` → `mycode`).',
      },
      exemptRoles,
      exemptChannels,
      reason: {
        type: 'string',
        default: 'Posting invite links to other servers',
        description: 'Reason of the warning.',
      },
    },
  },
  rules: [
    {
      id: 'delete-invites',
      description: 'Delete messages with invites to other servers and warn the author',
      on: ['message.create', 'message.update'],
      where: { roles: { none: input<string[]>('exemptRoles') }, channel: { notIn: input<string[]>('exemptChannels') } },
      if: {
        all: [
          {
            fact: 'message.hasInvite',
            params: { except: '{{ inputs.allowedInvites }}' },
            operator: 'equal',
            value: true,
          },
        ],
      },
      then: [
        { 'message.delete': { reason: '{{ inputs.reason }}' } },
        { 'member.warn': { reason: '{{ inputs.reason }}' } },
      ],
    },
  ],
});

export const capsFilter = defineTemplate({
  id: 'caps-filter',
  version: 1,
  name: 'No shouting',
  description:
    'Deletes messages that are mostly capital letters and asks the author, in the channel, to stop shouting.',
  inputs: {
    type: 'object',
    examples: [{ threshold: 0.8, minLength: 12 }],
    additionalProperties: false,
    properties: {
      threshold: {
        type: 'number',
        minimum: 0.5,
        maximum: 1,
        default: 0.7,
        description: 'Share of capitals (0.5–1) from which a message counts as shouting.',
      },
      minLength: {
        type: 'integer',
        minimum: 1,
        default: 10,
        description: 'Shorter messages are left alone ("OK", "LOL").',
      },
      exemptChannels,
      notice: {
        type: 'string',
        maxLength: 2000,
        default: "{{ user.mention }}, please don't shout.",
        description: 'What the bot posts after deleting the message (the author is not pinged).',
      },
    },
  },
  rules: [
    {
      id: 'delete-shouting',
      description: 'Delete messages that are mostly capitals',
      on: 'message.create',
      where: { channel: { notIn: input<string[]>('exemptChannels') } },
      if: {
        all: [
          { fact: 'message.capsRatio', operator: 'greaterThanInclusive', value: '{{ inputs.threshold }}' },
          { fact: 'message.length', operator: 'greaterThanInclusive', value: '{{ inputs.minLength }}' },
        ],
      },
      then: [
        { 'message.delete': { reason: 'Too many capitals' } },
        { 'message.send': { content: '{{ inputs.notice }}' } },
      ],
      limits: { cooldown: { per: 'user', window: '10s' } },
    },
  ],
});

export const badWords = defineTemplate({
  id: 'bad-words',
  version: 1,
  name: 'Word filter',
  description:
    'Deletes messages containing any word of your list (whole words, any case) and warns the author. Edited messages are checked too.',
  inputs: {
    type: 'object',
    examples: [{ words: ['idiot', 'stupid'], exemptRoles: ['445566778899001122'] }],
    additionalProperties: false,
    required: ['words'],
    properties: {
      words: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true,
        items: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\sA-Z]+$' },
        description:
          'The forbidden words, lower-case, one word each (they are matched against `message.words`, so `ass` does not hit `class`).',
      },
      exemptRoles,
      exemptChannels,
      reason: { type: 'string', default: 'Inappropriate language', description: 'Reason of the warning.' },
    },
  },
  rules: [
    {
      id: 'delete-bad-words',
      description: 'Delete messages with a forbidden word and warn the author',
      on: ['message.create', 'message.update'],
      where: { roles: { none: input<string[]>('exemptRoles') }, channel: { notIn: input<string[]>('exemptChannels') } },
      if: { all: [{ fact: 'message.words', operator: 'containsAny', value: '{{ inputs.words }}' }] },
      then: [
        { 'message.delete': { reason: '{{ inputs.reason }}' } },
        { 'member.warn': { reason: '{{ inputs.reason }}' } },
      ],
    },
  ],
});
