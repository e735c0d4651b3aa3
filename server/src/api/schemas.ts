import { simStepSchema, simWorldSchema } from '@rulecord/engine';
import type { JsonSchema } from '@rulecord/engine';

/**
 * Placeholders for the engine's schemas inside route schemas. The request validator treats them as "any value" (the
 * route validates that part with the engine, which reports better problems with pointers and fixes); the OpenAPI
 * document replaces them with a `$ref` to the engine's schema: served at a URL (`SCHEMA_URLS`, built per registry)
 * or carried in its components (`COMPONENT_SCHEMAS`, fixed). So no shape is written twice.
 */
export const RULESET_DOCUMENT: JsonSchema = {
  'x-rulecord-schema': 'RuleSetDocument',
  description: 'A rule document (apiVersion rulecord/v1, kind RuleSet); see /api/schemas/ruleset.json.',
};
/** The simulated guild of a simulation (the engine's `simWorldSchema`). */
export const SIM_WORLD: JsonSchema = { 'x-rulecord-schema': 'SimWorld' };
/** One simulation step (the engine's `simStepSchema`). */
export const SIM_STEP: JsonSchema = { 'x-rulecord-schema': 'SimStep' };

/** Where each placeholder's schema is served; the OpenAPI document refers there. */
export const SCHEMA_URLS = { RuleSetDocument: '/api/schemas/ruleset.json' } as const;
/** Placeholders whose engine schema the OpenAPI document carries in `components.schemas`, under the same name. */
export const COMPONENT_SCHEMAS: Record<string, JsonSchema> = { SimWorld: simWorldSchema, SimStep: simStepSchema };

/** Replaces every placeholder with `replace(name)`. */
export function mapPlaceholders(schema: unknown, replace: (name: string) => unknown): unknown {
  if (Array.isArray(schema)) return schema.map((s) => mapPlaceholders(s, replace));
  if (typeof schema !== 'object' || schema === null) return schema;
  const obj = schema as Record<string, unknown>;
  if (typeof obj['x-rulecord-schema'] === 'string') return replace(obj['x-rulecord-schema']);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, mapPlaceholders(v, replace)]));
}

export const snowflake: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]{1,25}$',
  description: 'A Discord id (snowflake).',
};
export const guildParams: JsonSchema = {
  type: 'object',
  required: ['guildId'],
  properties: { guildId: snowflake },
  additionalProperties: false,
};
export const versionNumber: JsonSchema = { type: 'integer', minimum: 1 };
export const commitMessage: JsonSchema = {
  type: 'string',
  maxLength: 500,
  description: 'Why; stored with the version.',
};
export const expectedVersion: JsonSchema = {
  type: 'integer',
  minimum: 0,
  description: 'The live version your change is based on (0 = none yet); a stale one answers 409. Same as If-Match.',
};

export const errorEnvelope: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details', 'requestId', 'timestamp'],
      properties: {
        code: { type: 'string', description: 'One of the codes in docs/api.md.' },
        message: { type: 'string' },
        details: {
          type: 'object',
          properties: {
            problems: {
              type: 'array',
              items: {
                type: 'object',
                required: ['in', 'pointer', 'code', 'message'],
                properties: {
                  in: { enum: ['body', 'query', 'params', 'headers', 'document'] },
                  pointer: { type: 'string', description: 'JSON pointer (RFC 6901) into `in`.' },
                  code: { type: 'string' },
                  message: { type: 'string' },
                  fix: { type: 'string' },
                  severity: { enum: ['error', 'warning'] },
                },
              },
            },
          },
        },
        requestId: { type: 'string' },
        timestamp: { type: 'string', format: 'date-time' },
      },
    },
  },
};

declare module 'fastify' {
  /** OpenAPI fields the route schemas carry besides the validated parts. */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
  }
}
