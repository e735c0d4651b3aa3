import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
/**
 * Schema pieces shared by the catalog's modules. Each is plain JSON Schema data (`as const`, so `FromSchema` can
 * derive TypeScript types from it); `x-rulecord-selector` tells the studio which picker to show.
 */
export { durationSchema } from '@rulecord/engine';

const snowflake = { type: 'string', minLength: 1, maxLength: 32 } as const;

export const userIdSchema = {
  ...snowflake,
  'x-rulecord-selector': 'user',
  description: 'A user id (in tests and the simulator, any short id such as `u1`).',
} as const;

export const channelIdSchema = {
  ...snowflake,
  'x-rulecord-selector': 'channel',
  description: 'A channel id.',
} as const;

export const roleIdSchema = {
  ...snowflake,
  'x-rulecord-selector': 'role',
  description: 'A role id.',
} as const;

export const messageIdSchema = { ...snowflake, description: 'A message id.' } as const;

export const emojiSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  'x-rulecord-selector': 'emoji',
  description: 'A unicode emoji (`👍`) or a custom emoji as `name:id` / `<:name:id>`.',
} as const;

export const reasonSchema = {
  type: 'string',
  maxLength: 512,
  description: 'Shown in the audit log (and in the DM or log message where the action sends one).',
} as const;

/** Epoch milliseconds. */
export const epochMsSchema = { type: 'integer', minimum: 0, description: 'Epoch milliseconds.' } as const;

export const embedSchema = {
  type: 'object',
  description: 'A Discord embed.',
  additionalProperties: false,
  properties: {
    title: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 4096 },
    url: { type: 'string', maxLength: 2048 },
    color: {
      type: 'integer',
      minimum: 0,
      maximum: 0xffffff,
      description: 'RGB colour as a number, e.g. 16711680 for red.',
    },
    fields: {
      type: 'array',
      maxItems: 25,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'value'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 256 },
          value: { type: 'string', minLength: 1, maxLength: 1024 },
          inline: { type: 'boolean' },
        },
      },
    },
    footer: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 2048 } },
    },
    image: { type: 'object', additionalProperties: false, required: ['url'], properties: { url: { type: 'string' } } },
    thumbnail: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: { url: { type: 'string' } },
    },
    author: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', maxLength: 256 }, url: { type: 'string' }, iconUrl: { type: 'string' } },
    },
    timestamp: { type: 'string', description: 'ISO 8601 time shown in the footer.' },
  },
} as const;

export const embedsSchema = {
  type: 'array',
  maxItems: 10,
  items: embedSchema,
  description: 'Up to 10 embeds.',
} as const;

export const contentSchema = {
  type: 'string',
  maxLength: 2000,
  description: 'Message text (up to 2000 characters); may use `{{ variables }}`.',
} as const;

export const allowedMentionsSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'Who may be pinged by this message. By default nobody is: mentions render but do not notify. `@everyone`/`@here` ping only with `everyone: true`.',
  properties: {
    users: { type: 'array', items: userIdSchema, maxItems: 100 },
    roles: { type: 'array', items: roleIdSchema, maxItems: 100 },
    everyone: { type: 'boolean', default: false },
  },
} as const;

/** The user an event is about, as the bot adapter sends it. */
export const userInfoSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: userIdSchema,
    username: { type: 'string' },
    displayName: { type: 'string' },
    bot: { type: 'boolean', description: 'Whether the user is a bot account.' },
    createdAt: { ...epochMsSchema, description: 'When the account was created (epoch ms).' },
  },
} as const;

/** The guild member an event is about, when the gateway sends it. */
export const memberInfoSchema = {
  type: 'object',
  properties: {
    roles: { type: 'array', items: roleIdSchema },
    nickname: { type: ['string', 'null'] },
    joinedAt: { ...epochMsSchema, description: 'When the member joined the guild (epoch ms).' },
  },
} as const;

/**
 * The TypeScript type of a schema-described value (action params, settings). Properties with a `default` stay
 * optional: code reads them with `??`, so it is correct whether or not a caller applied the defaults.
 */
export type SchemaType<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;
