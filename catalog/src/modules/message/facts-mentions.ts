import { defineFact } from '@rulecord/engine';
import { MESSAGE_CONTENT_EVENTS } from '../../lib/events.js';
import { mentionsOf } from './payload.js';

const events = [...MESSAGE_CONTENT_EVENTS];

export const mentionCount = defineFact<number>({
  name: 'message.mentionCount',
  description:
    'How many distinct users and roles the message mentions (`@everyone` not included: see `message.mentionsEveryone`). The usual mass-mention filter is `greaterThan: 5`.',
  schema: { type: 'integer', minimum: 0 },
  events,
  cost: 'cheap',
  examples: [0, 7],
  resolve: (ctx) => {
    const { users, roles } = mentionsOf(ctx);
    return users.length + roles.length;
  },
});

export const mentionedUsers = defineFact<string[]>({
  name: 'message.mentionedUsers',
  description:
    'Ids of the users the message mentions, unique. Use `contains` to react when someone pings a given user.',
  schema: { type: 'array', items: { type: 'string' } },
  events,
  cost: 'cheap',
  examples: [['334455667788990011'], []],
  resolve: (ctx) => mentionsOf(ctx).users,
});

export const mentionedRoles = defineFact<string[]>({
  name: 'message.mentionedRoles',
  description: 'Ids of the roles the message mentions, unique.',
  schema: { type: 'array', items: { type: 'string' } },
  events,
  cost: 'cheap',
  examples: [['445566778899001122'], []],
  resolve: (ctx) => mentionsOf(ctx).roles,
});

export const mentionsEveryone = defineFact<boolean>({
  name: 'message.mentionsEveryone',
  description:
    'Whether the message tries to ping `@everyone` or `@here`, whether or not the author has the permission to (an attempt is what automod cares about).',
  schema: { type: 'boolean' },
  events,
  cost: 'cheap',
  examples: [true, false],
  resolve: (ctx) => mentionsOf(ctx).everyone,
});

export const mentionFacts = [mentionCount, mentionedUsers, mentionedRoles, mentionsEveryone];
