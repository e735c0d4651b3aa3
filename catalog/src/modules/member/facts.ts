import { defineFact } from '@rulecord/engine';
import { USER_EVENTS } from '../../lib/events.js';
import { eventUserId } from '../../lib/context.js';
import { fetchMember, payloadMember, payloadUser, snowflakeTime, wholeDays } from './lookup.js';

const events = [...USER_EVENTS];

export const accountAgeDays = defineFact<number | null>({
  name: 'author.accountAgeDays',
  description:
    "Whole days since the Discord account of the event's user was created (of the message author on message events, of the new member on `member.join`). `lessThan: 7` catches fresh throwaway accounts. `null` when unknown.",
  schema: { type: ['integer', 'null'], minimum: 0 },
  events,
  cost: 'io',
  examples: [400, 0],
  resolve(ctx) {
    const now = ctx.event.at;
    const createdAt = payloadUser(ctx)?.createdAt;
    if (typeof createdAt === 'number') return wholeDays(createdAt, now);
    return fetchMember(ctx).then((member) => {
      const at = member?.createdAt ?? snowflakeTime(eventUserId(ctx) ?? '');
      return at === undefined ? null : wholeDays(at, now);
    });
  },
});

export const isBot = defineFact<boolean>({
  name: 'author.isBot',
  description: "Whether the event's user is a bot account (webhooks and apps included).",
  schema: { type: 'boolean' },
  events,
  cost: 'io',
  examples: [false, true],
  resolve(ctx) {
    const bot = payloadUser(ctx)?.bot;
    if (typeof bot === 'boolean') return bot;
    return fetchMember(ctx).then((member) => member?.bot === true);
  },
});

export const roles = defineFact<string[]>({
  name: 'member.roles',
  description:
    "Role ids of the event's member (empty when the user is not a member). Test one role with `contains`, several with `containsAny`; a `where: { roles }` filter is cheaper when the roles are fixed.",
  schema: { type: 'array', items: { type: 'string' } },
  events,
  cost: 'io',
  examples: [['445566778899001122'], []],
  resolve(ctx) {
    const given = payloadMember(ctx)?.roles;
    if (Array.isArray(given)) return given;
    return fetchMember(ctx).then((member) => member?.roles ?? []);
  },
});

export const joinedDaysAgo = defineFact<number | null>({
  name: 'member.joinedDaysAgo',
  description:
    "Whole days since the event's member joined this server (0 on `member.join`); `null` when unknown or not a member. Useful to hold back links from newcomers.",
  schema: { type: ['integer', 'null'], minimum: 0 },
  events,
  cost: 'io',
  examples: [30, 0],
  resolve(ctx) {
    const now = ctx.event.at;
    if (ctx.event.type === 'member.join') return 0;
    const joinedAt = payloadMember(ctx)?.joinedAt;
    if (typeof joinedAt === 'number') return wholeDays(joinedAt, now);
    return fetchMember(ctx).then((member) =>
      typeof member?.joinedAt === 'number' ? wholeDays(member.joinedAt, now) : null,
    );
  },
});

export const displayName = defineFact<string>({
  name: 'member.displayName',
  description:
    "The name the server shows for the event's user: server nickname, else global display name, else username. Match impersonation or hoisting (names starting with `!`).",
  schema: { type: 'string' },
  events,
  cost: 'io',
  examples: ['Ada', '!!!hoister'],
  resolve(ctx) {
    const nickname = payloadMember(ctx)?.nickname;
    const user = payloadUser(ctx);
    const fromPayload = nickname ?? user?.displayName ?? user?.username;
    if (typeof fromPayload === 'string') return fromPayload;
    return fetchMember(ctx).then((member) => member?.displayName ?? member?.username ?? '');
  },
});

export const memberFacts = [accountAgeDays, isBot, roles, joinedDaysAgo, displayName];
