import { defineEvent } from '@rulecord/engine';
import { epochMsSchema, memberInfoSchema, roleIdSchema, userIdSchema, userInfoSchema } from '../../lib/schemas.js';

const user = { ...userInfoSchema, description: 'The user account.' } as const;
const rolesList = { type: 'array', items: roleIdSchema } as const;
const exampleUser = { id: '334455667788990011', username: 'ada', bot: false, createdAt: 1_600_000_000_000 } as const;
/** What a member.update says of the member before and after the change. */
const memberState = {
  type: 'object',
  properties: {
    roles: rolesList,
    nickname: { type: ['string', 'null'] },
    timedOutUntil: { type: ['integer', 'null'] },
  },
} as const;

export const memberJoin = defineEvent({
  name: 'member.join',
  description: 'Someone joined the server. Rules on it usually welcome, gate new accounts or hand out an auto-role.',
  payload: {
    type: 'object',
    required: ['userId', 'user'],
    properties: {
      userId: userIdSchema,
      user,
      member: { ...memberInfoSchema, description: 'The new member (roles given on join, join time).' },
      inviteCode: { type: ['string', 'null'], description: 'The invite used, when the bot could tell.' },
    },
  },
  examples: [{ userId: '334455667788990011', user: exampleUser, member: { roles: [], joinedAt: 1_732_000_000_000 } }],
});

export const memberLeave = defineEvent({
  name: 'member.leave',
  description: 'Someone left the server, was kicked or was banned.',
  payload: {
    type: 'object',
    required: ['userId', 'user'],
    properties: {
      userId: userIdSchema,
      user,
      member: {
        ...memberInfoSchema,
        description: 'The member as they were before leaving (roles, join time), when cached.',
      },
    },
  },
  examples: [{ userId: '334455667788990011', user: exampleUser, member: { roles: ['445566778899001122'] } }],
});

export const memberUpdate = defineEvent({
  name: 'member.update',
  description:
    'A member changed: roles added or removed, nickname changed, timed out or released. `rolesAdded` / `rolesRemoved` say what changed (e.g. react when someone gets the booster role).',
  payload: {
    type: 'object',
    required: ['userId', 'user', 'rolesAdded', 'rolesRemoved'],
    properties: {
      userId: userIdSchema,
      user,
      member: { ...memberInfoSchema, description: 'The member after the change.' },
      before: memberState,
      after: memberState,
      rolesAdded: rolesList,
      rolesRemoved: rolesList,
      at: epochMsSchema,
    },
  },
  examples: [
    {
      userId: '334455667788990011',
      user: exampleUser,
      member: { roles: ['445566778899001122', '556677889900112233'] },
      before: { roles: ['445566778899001122'], nickname: null },
      after: { roles: ['445566778899001122', '556677889900112233'], nickname: null },
      rolesAdded: ['556677889900112233'],
      rolesRemoved: [],
    },
  ],
});
