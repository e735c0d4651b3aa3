import { DURATION_PATTERN } from '@rulecord/engine';

/**
 * Every setting Rulecord reads from the environment (or a `.env` file), as one JSON Schema: the single source for
 * validation (ajv), the `Config` type, secret redaction in logs, and the docs (`docs/configuration.md` and
 * `.env.example` are checked against it by a test).
 *
 * Per property, besides JSON Schema keywords:
 * - `x-expect`: what a valid value looks like, completing "must be …" in the error line;
 * - `x-secret`: never logged, never printed (`'password'`: a URL whose password part is the secret, so an error may
 *   show the URL with the password masked);
 * - `x-example`: the value `.env.example` shows.
 */
export const configSchema = {
  $id: 'https://rulecord.dev/schemas/config.json',
  type: 'object',
  additionalProperties: true,
  properties: {
    PORT: {
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      default: 3000,
      description: 'TCP port of the HTTP server (API, studio, health checks).',
      'x-expect': 'an integer 1–65535',
    },
    HOST: {
      type: 'string',
      minLength: 1,
      default: '127.0.0.1',
      description: 'Address the HTTP server listens on. Use 0.0.0.0 in a container.',
      'x-expect': 'a host name or IP address',
    },
    PUBLIC_URL: {
      type: 'string',
      pattern: '^https?://[^\\s/]+(/[^\\s]*)?$',
      description:
        'URL people reach the studio at (OAuth redirects and links use it). Default: http://localhost:<PORT>.',
      'x-expect': 'an http:// or https:// URL',
      'x-example': 'https://rulecord.example.com',
    },
    DATABASE_URL: {
      type: 'string',
      pattern: '^postgres(ql)?://[^\\s]+$',
      description:
        'PostgreSQL connection URL. Unset: an embedded PostgreSQL (PGlite) in RULECORD_DATA_DIR, for one process.',
      'x-expect': 'a postgres:// or postgresql:// URL',
      'x-example': 'postgres://rulecord:secret@localhost:5432/rulecord',
      'x-secret': 'password',
    },
    REDIS_URL: {
      type: 'string',
      pattern: '^rediss?://[^\\s]*$',
      description:
        'Redis connection URL (state, cooldowns, BullMQ timers). Its maxmemory-policy must be noeviction. Unset: in-process state and timers.',
      'x-expect': 'a redis:// or rediss:// URL',
      'x-example': 'redis://localhost:6379',
      'x-secret': 'password',
    },
    RULECORD_DATA_DIR: {
      type: 'string',
      minLength: 1,
      default: './.rulecord',
      description: 'Folder of the embedded database and local files, relative to the working directory.',
      'x-expect': 'a folder path',
    },
    RULECORD_MIGRATION_WAIT: {
      type: 'string',
      pattern: DURATION_PATTERN,
      minLength: 2,
      default: '60s',
      description:
        'How long a starting process (start, api, worker) waits while another one holds the migration lock, before it stops with RC_DB_MIGRATION_LOCKED.',
      'x-expect': 'a duration such as 60s, 5m or 1m30s (units w d h m s ms, largest first)',
    },
    DISCORD_TOKEN: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]{20,}$',
      description:
        'Bot token from the Discord developer portal. Unset: the bot runs against the built-in sandbox guild.',
      'x-expect': 'a Discord bot token',
      'x-secret': true,
    },
    DISCORD_CLIENT_ID: {
      type: 'string',
      pattern: '^[0-9]{17,20}$',
      description: 'Application (client) id, for Discord sign-in to the studio and the bot invite link.',
      'x-expect': 'a Discord application id (17–20 digits)',
      'x-example': '112233445566778899',
    },
    DISCORD_CLIENT_SECRET: {
      type: 'string',
      minLength: 8,
      description: 'OAuth2 client secret, for Discord sign-in to the studio. Needs DISCORD_CLIENT_ID.',
      'x-expect': 'the OAuth2 client secret from the Discord developer portal',
      'x-secret': true,
    },
    SESSION_SECRET: {
      type: 'string',
      minLength: 32,
      description:
        'Signs studio sessions (JWT cookies). At least 32 characters, e.g. `openssl rand -hex 32`. Unset: a random one per start (everyone is signed out on restart).',
      'x-expect': 'at least 32 characters',
      'x-secret': true,
    },
    OPENAI_API_KEY: {
      type: 'string',
      minLength: 8,
      description: 'API key for the AI assistant module (ai.* actions). Unset: AI actions are unavailable.',
      'x-expect': 'an OpenAI API key',
      'x-secret': true,
    },
    TWITCH_CLIENT_ID: {
      type: 'string',
      minLength: 1,
      description: 'Twitch application client id, for stream alerts. Needs TWITCH_CLIENT_SECRET.',
      'x-expect': 'a Twitch client id',
    },
    TWITCH_CLIENT_SECRET: {
      type: 'string',
      minLength: 1,
      description: 'Twitch application client secret, for stream alerts. Needs TWITCH_CLIENT_ID.',
      'x-expect': 'a Twitch client secret',
      'x-secret': true,
    },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      description: 'Least severe log level written (JSON lines on stdout).',
      'x-expect': 'one of fatal, error, warn, info, debug, trace, silent',
    },
  },
  dependentRequired: {
    DISCORD_CLIENT_SECRET: ['DISCORD_CLIENT_ID'],
    TWITCH_CLIENT_ID: ['TWITCH_CLIENT_SECRET'],
    TWITCH_CLIENT_SECRET: ['TWITCH_CLIENT_ID'],
  },
} as const;

type Props = (typeof configSchema)['properties'];
type ValueOf<P> = P extends { enum: readonly (infer E)[] }
  ? E
  : P extends { type: 'integer' }
    ? number
    : P extends { type: 'boolean' }
      ? boolean
      : string;
type WithDefault = { [K in keyof Props]: Props[K] extends { default: unknown } ? K : never }[keyof Props];

/** The validated configuration, keyed by variable name; derived from `configSchema`, never written by hand. */
export type Config = { readonly [K in WithDefault]: ValueOf<Props[K]> } & {
  readonly [K in Exclude<keyof Props, WithDefault>]?: ValueOf<Props[K]>;
} & {
  /** `PUBLIC_URL`, or `http://localhost:<PORT>` when unset. */
  readonly publicUrl: string;
  /** `RULECORD_DATA_DIR` resolved against the working directory. */
  readonly dataDir: string;
  /** `RULECORD_MIGRATION_WAIT` in milliseconds. */
  readonly migrationWaitMs: number;
};

export type ConfigVariable = keyof Props;

/** Names of the variables whose values are never logged or printed. */
export const secretVariables: readonly ConfigVariable[] = (
  Object.keys(configSchema.properties) as ConfigVariable[]
).filter((name) => (configSchema.properties[name] as { 'x-secret'?: unknown })['x-secret'] !== undefined);
