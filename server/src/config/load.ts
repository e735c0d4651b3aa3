import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { parse as parseDotenv } from 'dotenv';
import { RulecordError, parseDuration } from '@rulecord/engine';
import { configSchema } from './schema.js';
import type { Config, ConfigVariable } from './schema.js';

/** Thrown by `loadConfig`; `problems` holds one line per bad or missing variable, e.g. `PORT: must be …, got "abc"`. */
export class ConfigError extends RulecordError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      'RC_CONFIG_INVALID',
      `configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p}`).join('\n')}`,
      { fix: 'set the variables above in the environment or in .env (see .env.example and docs/configuration.md)' },
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const ajv = new Ajv2020({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true });
ajv.addVocabulary(['x-expect', 'x-secret', 'x-example']);
const validate = ajv.compile(configSchema);

const variables = Object.keys(configSchema.properties) as ConfigVariable[];

export interface LoadConfigOptions {
  /** Environment to read; default `process.env`. Its values win over `.env`. */
  env?: NodeJS.ProcessEnv;
  /** Working directory: where `.env` is looked for and `RULECORD_DATA_DIR` is resolved from; default `process.cwd()`. */
  cwd?: string;
  /** The `.env` file to read; default `<cwd>/.env`, `false` to read none. */
  envFile?: string | false;
}

/**
 * Reads the configuration from the environment and an optional `.env` file and validates it against
 * `configSchema`. Empty values count as unset. Throws `ConfigError` listing every problem at once.
 *
 * @example
 * const config = loadConfig(); // throws ConfigError: PORT: must be an integer 1–65535, got "abc"
 * config.PORT; // 3000
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const envFile = options.envFile === undefined ? resolve(cwd, '.env') : options.envFile;
  const fromFile = envFile !== false && existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};

  const raw: Record<string, string> = {};
  for (const name of variables) {
    const value = env[name] ?? fromFile[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }
  const data: Record<string, unknown> = { ...raw };
  // ajv sets `errors` whenever validation fails.
  if (!validate(data)) throw new ConfigError(describeErrors(validate.errors as ErrorObject[], raw));

  const values = data as Record<ConfigVariable, unknown>;
  return Object.freeze({
    ...(values as object),
    publicUrl: ((values.PUBLIC_URL as string | undefined) ?? `http://localhost:${String(values.PORT)}`).replace(
      /\/+$/,
      '',
    ),
    dataDir: resolve(cwd, values.RULECORD_DATA_DIR as string),
    // The schema's pattern is the duration syntax, so this cannot throw.
    migrationWaitMs: parseDuration(values.RULECORD_MIGRATION_WAIT as string),
  }) as Config;
}

function describeErrors(errors: ErrorObject[], raw: Record<string, string>): string[] {
  const byVariable = new Map<string, string>();
  for (const error of errors) {
    if (error.keyword === 'dependentRequired') {
      const { property, missingProperty } = error.params as { property: string; missingProperty: string };
      // A missing variable has no other problem, so this is its only line.
      byVariable.set(missingProperty, `${missingProperty}: is required when ${property} is set`);
      continue;
    }
    const name = error.instancePath.slice(1);
    if (byVariable.has(name)) continue;
    // Every error is about one of the schema's variables (only they are validated), and each has an x-expect phrase
    // (a test in config/load.test.ts holds every variable to it).
    const property = (
      configSchema.properties as Record<string, { 'x-expect': string; 'x-secret'?: true | 'password' }>
    )[name] as { 'x-expect': string; 'x-secret'?: true | 'password' };
    const expect = property['x-expect'];
    const value = raw[name];
    const secret = property['x-secret'];
    const shown =
      value === undefined
        ? ''
        : secret === true
          ? ' (value hidden: it is a secret)'
          : `, got ${JSON.stringify(secret === 'password' ? maskPassword(value) : value)}`;
    byVariable.set(name, `${name}: must be ${expect}${shown}`);
  }
  return [...byVariable.values()].sort();
}

/** `postgres://user:hunter2@host/db` → `postgres://user:***@host/db`; other strings unchanged. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1***@');
}
