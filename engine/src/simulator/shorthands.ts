import { RulecordError } from '../errors/error.js';
import type { Json, JsonObject } from '../model/document.js';
import { RUNTIME_CODES } from '../runtime/codes.js';
import type { GuildWorld } from './world.js';

/**
 * How a simulator step's short `with` becomes a full event payload, per event type. One table, documented in
 * docs/rules.md ("Simulating events"). Keys a shorthand does not consume are copied into the payload unchanged, so a
 * test can always set any payload field directly.
 */
export interface ShorthandContext {
  /** The live simulated guild (members' roles change as actions run). */
  world: GuildWorld;
  now: number;
  /** A fresh id for generated messages, interactions… (`sim-msg-1`). */
  nextId(kind: string): string;
  pointer: string;
}

export interface EventShorthand {
  /** The keys of `with` it understands, with what they mean (for docs and the studio). */
  fields: Record<string, string>;
  build(w: JsonObject, ctx: ShorthandContext): JsonObject;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function fail(ctx: ShorthandContext, message: string, fix: string): never {
  throw new RulecordError(RUNTIME_CODES.RC_SIM_STEP, message, { kind: 'user', pointer: ctx.pointer, fix });
}

/** `userId`, `user`/`author` info and `member` of a world member (any id when the world lists no members). */
export function userFields(id: string, ctx: ShorthandContext, as: 'user' | 'author' = 'user'): JsonObject {
  const m = ctx.world.members.get(id);
  if (!m && ctx.world.closed.members) {
    fail(
      ctx,
      `"${id}" is not a member of the simulated world (members: ${[...ctx.world.members.keys()].join(', ')}).`,
      'Add the member to `world.members`, or use one of the listed ids.',
    );
  }
  const createdAt = m?.createdAt;
  const info: JsonObject = { id, username: m?.username ?? id, bot: m?.bot ?? false };
  if (createdAt !== undefined) info.createdAt = createdAt;
  const member: JsonObject = { id, roles: [...(m?.roles ?? [])] };
  if (m?.displayName !== undefined) member.displayName = m.displayName;
  if (m?.joinedAt !== undefined) member.joinedAt = m.joinedAt;
  return { userId: id, [as]: info, member };
}

function channelId(id: string, ctx: ShorthandContext): string {
  if (ctx.world.closed.channels && !ctx.world.channels.has(id)) {
    fail(
      ctx,
      `"${id}" is not a channel of the simulated world (channels: ${[...ctx.world.channels.keys()].join(', ')}).`,
      'Add the channel to `world.channels`, or use one of the listed ids.',
    );
  }
  return id;
}

/** The first world channel, for events that need one when the step names none. */
function defaultChannel(ctx: ShorthandContext): string {
  return ctx.world.channels.keys().next().value ?? 'general';
}

function rest(w: JsonObject, used: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(w)) if (!used.includes(k)) out[k] = v;
  return out;
}

function who(w: JsonObject, ctx: ShorthandContext, keys: readonly string[] = ['user', 'author', 'member']): string {
  for (const k of keys) {
    const v = str(w[k]);
    if (v) return v;
  }
  const first = ctx.world.members.keys().next().value;
  if (first) return first;
  return fail(ctx, `the event needs a user: set \`with.${keys[0]}\``, `Write e.g. \`with: { ${keys[0]}: u1 }\`.`);
}

const message: EventShorthand = {
  fields: {
    author: 'member id of the author (alias `user`); default the first world member',
    channel: 'channel id; default the first world channel',
    content: 'the text',
    message: 'message id; default a fresh one',
    mentions: '`{ users, roles, everyone }`; default read from the text by the facts',
  },
  build(w, ctx) {
    const user = who(w, ctx, ['author', 'user']);
    return {
      messageId: str(w.message) ?? ctx.nextId('msg'),
      channelId: channelId(str(w.channel) ?? defaultChannel(ctx), ctx),
      ...userFields(user, ctx, 'author'),
      content: typeof w.content === 'string' ? w.content : '',
      attachments: [],
      createdAt: ctx.now,
      ...rest(w, ['author', 'user', 'channel', 'content', 'message']),
    };
  },
};

const messageDelete: EventShorthand = {
  fields: {
    channel: 'channel id',
    message: 'message id',
    author: 'author member id (optional)',
    content: 'cached text (optional)',
  },
  build(w, ctx) {
    const author = str(w.author) ?? str(w.user);
    return {
      messageId: str(w.message) ?? ctx.nextId('msg'),
      channelId: channelId(str(w.channel) ?? defaultChannel(ctx), ctx),
      ...(author ? userFields(author, ctx, 'author') : {}),
      ...rest(w, ['author', 'user', 'channel', 'message']),
    };
  },
};

const memberEvent: EventShorthand = {
  fields: { user: 'member id (alias `member`)' },
  build(w, ctx) {
    const user = who(w, ctx);
    const fields = userFields(user, ctx);
    const member = fields.member as JsonObject;
    if (member.joinedAt === undefined) member.joinedAt = ctx.now;
    return { ...fields, ...rest(w, ['user', 'member']) };
  },
};

const memberUpdate: EventShorthand = {
  fields: { user: 'member id', rolesAdded: 'role ids added', rolesRemoved: 'role ids removed' },
  build(w, ctx) {
    const user = who(w, ctx);
    const fields = userFields(user, ctx);
    const before = (fields.member as JsonObject).roles as string[];
    const added = Array.isArray(w.rolesAdded) ? (w.rolesAdded as string[]) : [];
    const removed = Array.isArray(w.rolesRemoved) ? (w.rolesRemoved as string[]) : [];
    const after = [...before.filter((r) => !removed.includes(r)), ...added.filter((r) => !before.includes(r))];
    (fields.member as JsonObject).roles = after;
    return {
      ...fields,
      before: { roles: before },
      after: { roles: after },
      rolesAdded: added,
      rolesRemoved: removed,
      at: ctx.now,
      ...rest(w, ['user', 'member', 'rolesAdded', 'rolesRemoved']),
    };
  },
};

const reaction: EventShorthand = {
  fields: {
    user: 'who reacted',
    channel: 'channel id',
    message: 'message id',
    emoji: 'the emoji',
    messageAuthor: 'author of the message (optional)',
  },
  build(w, ctx) {
    const user = who(w, ctx);
    const author = str(w.messageAuthor);
    return {
      ...userFields(user, ctx),
      channelId: channelId(str(w.channel) ?? defaultChannel(ctx), ctx),
      messageId: str(w.message) ?? ctx.nextId('msg'),
      emoji: str(w.emoji) ?? '👍',
      ...(author ? { messageAuthorId: author } : {}),
      ...rest(w, ['user', 'member', 'channel', 'message', 'emoji', 'messageAuthor']),
    };
  },
};

function interaction(
  extra: (w: JsonObject, ctx: ShorthandContext) => JsonObject,
  used: string[],
): EventShorthand['build'] {
  return (w, ctx) => {
    const user = who(w, ctx);
    return {
      interactionId: ctx.nextId('interaction'),
      token: ctx.nextId('token'),
      ...userFields(user, ctx),
      channelId: channelId(str(w.channel) ?? defaultChannel(ctx), ctx),
      ...extra(w, ctx),
      ...rest(w, ['user', 'member', 'channel', ...used]),
    };
  };
}

const command: EventShorthand = {
  fields: {
    user: 'who ran it',
    channel: 'channel id',
    command: 'command name (`mod warn` for a subcommand)',
    options: 'arguments by name',
  },
  build: interaction(
    (w, ctx) => ({
      command:
        str(w.command) ??
        fail(ctx, 'command.run needs `with.command`', 'Write e.g. `with: { user: u1, command: giveaway }`.'),
      options: (w.options && typeof w.options === 'object' && !Array.isArray(w.options) ? w.options : {}) as Json,
    }),
    ['command', 'options'],
  ),
};

const button: EventShorthand = {
  fields: {
    user: 'who clicked',
    channel: 'channel id',
    customId: 'the button id (alias `button`)',
    message: 'message id',
  },
  build: interaction(
    (w, ctx) => ({
      customId:
        str(w.customId) ??
        str(w.button) ??
        fail(ctx, 'interaction.button needs `with.customId`', 'Write e.g. `with: { user: u1, customId: verify }`.'),
      messageId: str(w.message) ?? ctx.nextId('msg'),
    }),
    ['customId', 'button', 'message'],
  ),
};

const select: EventShorthand = {
  fields: {
    user: 'who picked',
    channel: 'channel id',
    customId: 'the menu id',
    values: 'chosen values',
    message: 'message id',
  },
  build: interaction(
    (w, ctx) => ({
      customId:
        str(w.customId) ??
        fail(
          ctx,
          'interaction.select needs `with.customId`',
          'Write e.g. `with: { user: u1, customId: pronouns, values: [they] }`.',
        ),
      messageId: str(w.message) ?? ctx.nextId('msg'),
      values: (Array.isArray(w.values) ? w.values : []) as Json,
    }),
    ['customId', 'message', 'values'],
  ),
};

const voice: EventShorthand = {
  fields: { user: 'member id', from: 'voice channel left (optional)', to: 'voice channel joined (optional)' },
  build(w, ctx) {
    const user = who(w, ctx);
    const from = str(w.from) ?? null;
    const to = str(w.to) ?? null;
    return {
      ...userFields(user, ctx),
      ...((to ?? from) ? { channelId: (to ?? from) as string } : {}),
      before: { channelId: from },
      after: { channelId: to },
      ...rest(w, ['user', 'member', 'from', 'to']),
    };
  },
};

const tick: EventShorthand = {
  fields: { schedule: 'the schedule id (alias `scheduleId`)', cron: 'its cron', timezone: 'its time zone' },
  build(w, ctx) {
    return {
      scheduleId: str(w.schedule) ?? str(w.scheduleId) ?? 'schedule',
      cron: str(w.cron) ?? '* * * * *',
      timezone: str(w.timezone) ?? 'UTC',
      scheduledAt: ctx.now,
      ...rest(w, ['schedule', 'scheduleId', 'cron', 'timezone']),
    };
  },
};

/** Any other event: `user`/`author` → `userId` (+ user info and member), `channel` → `channelId`, the rest as is. */
export const genericShorthand: EventShorthand = {
  fields: { user: 'member id → userId (alias `author`)', channel: 'channel id → channelId' },
  build(w, ctx) {
    const user = str(w.user) ?? str(w.author);
    const ch = str(w.channel);
    return {
      ...(user ? userFields(user, ctx) : {}),
      ...(ch ? { channelId: channelId(ch, ctx) } : {}),
      ...rest(w, ['user', 'author', 'channel']),
    };
  },
};

export const EVENT_SHORTHANDS: Readonly<Record<string, EventShorthand>> = {
  'message.create': message,
  'message.update': message,
  'message.delete': messageDelete,
  'member.join': memberEvent,
  'member.leave': memberEvent,
  'member.update': memberUpdate,
  'reaction.add': reaction,
  'reaction.remove': reaction,
  'command.run': command,
  'interaction.button': button,
  'interaction.select': select,
  'voice.update': voice,
  'schedule.tick': tick,
};

/** Builds the payload of a simulated event from its short `with`. */
export function buildPayload(type: string, w: JsonObject, ctx: ShorthandContext): JsonObject {
  return (EVENT_SHORTHANDS[type] ?? genericShorthand).build(w, ctx);
}
