import { defineTemplate } from '@rulecord/engine';
import { channelIdSchema, roleIdSchema } from '../../lib/schemas.js';
import { input } from '../../lib/template.js';

export const newAccountGate = defineTemplate({
  id: 'new-account-gate',
  version: 1,
  name: 'New account gate',
  description:
    'Puts accounts younger than a few days into a quarantine role when they join (give that role no access but a help channel) and tells them why by DM. Stops most raid and throwaway-account spam.',
  inputs: {
    type: 'object',
    examples: [{ minAccountAgeDays: 7, quarantineRole: '445566778899001199' }],
    additionalProperties: false,
    required: ['quarantineRole'],
    properties: {
      minAccountAgeDays: {
        type: 'integer',
        minimum: 1,
        maximum: 365,
        default: 7,
        description: 'Accounts younger than this many days are held.',
      },
      quarantineRole: { ...roleIdSchema, description: 'The role that holds new accounts.' },
      message: {
        type: 'string',
        maxLength: 2000,
        default:
          'Welcome! Your Discord account is very new, so you can only see the help channels of {{ guild.name }} for now. A moderator will let you in.',
        description: 'The DM sent to held accounts.',
      },
    },
  },
  rules: [
    {
      id: 'quarantine-new-accounts',
      description: 'Hold accounts younger than the minimum age in the quarantine role',
      on: 'member.join',
      where: { bots: false },
      if: { all: [{ fact: 'author.accountAgeDays', operator: 'lessThan', value: input('minAccountAgeDays') }] },
      then: [
        { 'role.add': { role: input('quarantineRole'), reason: 'New account gate' } },
        { 'member.dm': { content: input('message') }, onError: 'continue' },
      ],
    },
  ],
});

export const welcomeMessage = defineTemplate({
  id: 'welcome-message',
  version: 1,
  name: 'Welcome message',
  description:
    'Greets every new member in a channel of your choice (the greeting shows their mention without pinging them).',
  inputs: {
    type: 'object',
    examples: [{ channel: '223344556677889900' }],
    additionalProperties: false,
    required: ['channel'],
    properties: {
      channel: { ...channelIdSchema, description: 'Where to post the greeting.' },
      message: {
        type: 'string',
        minLength: 1,
        maxLength: 2000,
        default: 'Welcome to {{ guild.name }}, {{ user.mention }}! 👋',
        description:
          'The greeting; may use `{{ user.mention }}`, `{{ user.name }}`, `{{ guild.name }}`, `{{ guild.memberCount }}`.',
      },
    },
  },
  rules: [
    {
      id: 'greet',
      description: 'Greet new members',
      on: 'member.join',
      where: { bots: false },
      then: [{ 'message.send': { channel: input('channel'), content: input('message') } }],
    },
  ],
});
