import { durationSchema } from '../model/duration.js';
import type { JsonSchema } from '../model/module.js';

/**
 * The core JSON Schema of the rule document v1 (draft-07 with `$defs`, as ajv's default class compiles it).
 * It knows nothing of modules: `documentSchema(registry)` refines `on`, facts, steps, `modules` and template uses
 * from the registry. `model/document.ts` describes the same shape as TypeScript types
 * (`__tests__/schema/core.test.ts` checks they agree).
 */

/** `$id` of the assembled document schema; refs inside it are local to this id. */
export const DOCUMENT_SCHEMA_ID = 'https://rulecord.dev/schemas/rule-set/v1.json';

/** Rule ids, template use ids: kebab-case. */
export const RULE_ID_PATTERN = '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$';
/** Names of facts, actions and events as written in a document (`area.name`). */
export const NAME_PATTERN = '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\\.[a-zA-Z][a-zA-Z0-9]*)+$';
/** `as:` names of step results (`{{ steps.<as>.… }}`). */
export const STEP_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]*$';
/** A template reference: `anti-spam@2`, or `anti-spam` for the latest version. */
export const TEMPLATE_REF_PATTERN = '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:@[1-9][0-9]*)?$';

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const str = (description: string): JsonSchema => ({ type: 'string', description });
/** A list of ids; `selector` tells the studio which picker to show (`channel`, `user`, `role`). */
const idList = (description: string, selector: string): JsonSchema => ({
  type: 'array',
  description,
  items: { $ref: '#/$defs/id', 'x-rulecord-selector': selector },
  uniqueItems: true,
});
const idFilter = (what: string, selector: string): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: { in: idList(`Only these ${what}.`, selector), notIn: idList(`Never these ${what}.`, selector) },
});

/** The `$defs` of the core schema, by name. `documentSchema` replaces some of them. */
export function coreDefinitions(): Record<string, JsonSchema> {
  return {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'A Discord id (snowflake), or a short id such as `u1` in tests.',
    },
    duration: { ...durationSchema },
    ruleId: {
      type: 'string',
      pattern: RULE_ID_PATTERN,
      maxLength: 64,
      description:
        'Ids are kebab-case (lower-case letters and digits joined by single dashes, starting with a letter) and unique in the rule set: `no-shouting`.',
    },
    eventName: { type: 'string', pattern: NAME_PATTERN, description: 'An event type, `area.name`: `message.create`.' },
    factName: {
      type: 'string',
      minLength: 1,
      description: 'A fact: `area.name` from a module, `event.<path>` for a field of the event, or `now`.',
    },
    on: {
      description: 'The trigger: one event type or a list of them.',
      type: ['string', 'array'],
      if: { type: 'string' },
      then: ref('eventName'),
      else: { items: ref('eventName'), minItems: 1, uniqueItems: true },
    },
    mode: {
      enum: ['enforce', 'shadow'],
      description: '`enforce` runs the actions; `shadow` evaluates and traces but performs nothing.',
    },
    limitKey: { enum: ['user', 'channel', 'guild'], description: 'What a limit counts per.' },
    where: {
      type: 'object',
      description: 'Cheap filters on the event, checked before any fact is computed.',
      additionalProperties: false,
      properties: {
        channel: {
          ...idFilter('channels', 'channel'),
          description: 'Channels the event must (`in`) or must not (`notIn`) happen in.',
        },
        user: {
          ...idFilter('users', 'user'),
          description: 'Users the event must (`in`) or must not (`notIn`) come from.',
        },
        roles: {
          type: 'object',
          description: 'Member roles: `any` = has at least one, `all` = has every one, `none` = has none.',
          additionalProperties: false,
          properties: {
            any: idList('Has at least one of these roles.', 'role'),
            all: idList('Has every one of these roles.', 'role'),
            none: idList('Has none of these roles.', 'role'),
          },
        },
        bots: {
          type: 'boolean',
          description:
            '`true` also runs on events caused by bots; `false` skips them on every event; absent: bots are skipped on message events.',
        },
      },
    },
    limits: {
      type: 'object',
      description: 'How often the rule may fire.',
      additionalProperties: false,
      properties: {
        cooldown: {
          type: 'object',
          description: 'After firing, the rule does not fire again for the same key during `window`.',
          required: ['per', 'window'],
          additionalProperties: false,
          properties: { per: ref('limitKey'), window: ref('duration') },
        },
        rate: {
          type: 'object',
          description: 'The rule fires at most `max` times per key in any sliding `window`.',
          required: ['per', 'max', 'window'],
          additionalProperties: false,
          properties: { per: ref('limitKey'), max: { type: 'integer', minimum: 1 }, window: ref('duration') },
        },
      },
    },
    concurrencyMode: {
      enum: ['parallel', 'drop', 'queue', 'restart'],
      description:
        'What a second run does while one is parked in a `wait`: run too (`parallel`), be dropped, wait its turn (`queue`), or cancel the first (`restart`).',
    },
    concurrency: {
      description:
        'What a second run does while one of this rule (same key) is still parked in a `wait`. Default `parallel`.',
      type: ['string', 'object'],
      if: { type: 'string' },
      then: ref('concurrencyMode'),
      else: {
        required: ['mode'],
        additionalProperties: false,
        properties: {
          mode: ref('concurrencyMode'),
          per: { ...ref('limitKey'), description: 'Which runs count as the same (default `user`).' },
        },
      },
    },
    // Chosen like json-rules-engine does (`any`, then `all`, then `not`, else a leaf), as if/then/else rather than
    // anyOf, so a mistake is reported against the one form the node is written in.
    condition: {
      description:
        'A condition in json-rules-engine’s format: `all`, `any`, `not`, or a leaf `{ fact, operator, value }`.',
      type: 'object',
      if: { required: ['any'] },
      then: ref('anyCondition'),
      else: {
        if: { required: ['all'] },
        then: ref('allCondition'),
        else: { if: { required: ['not'] }, then: ref('notCondition'), else: ref('leafCondition') },
      },
    },
    allCondition: {
      type: 'object',
      required: ['all'],
      additionalProperties: false,
      properties: {
        all: { type: 'array', items: ref('condition'), description: 'True when every condition is.' },
        name: { type: 'string' },
        priority: { type: 'number' },
      },
    },
    anyCondition: {
      type: 'object',
      required: ['any'],
      additionalProperties: false,
      properties: {
        any: { type: 'array', items: ref('condition'), description: 'True when at least one condition is.' },
        name: { type: 'string' },
        priority: { type: 'number' },
      },
    },
    notCondition: {
      type: 'object',
      required: ['not'],
      additionalProperties: false,
      properties: {
        not: { ...ref('condition'), description: 'True when the condition is false.' },
        name: { type: 'string' },
        priority: { type: 'number' },
      },
    },
    leafCondition: {
      type: 'object',
      required: ['fact', 'operator', 'value'],
      additionalProperties: false,
      properties: {
        fact: ref('factName'),
        operator: {
          type: 'string',
          minLength: 1,
          description: 'An operator: `equal`, `greaterThan`, `in`, `matches`… (docs/operators.md).',
        },
        value: { description: 'What the fact is compared with; `{ fact, path }` compares with another fact.' },
        path: str('A dotted path into the fact’s value (`roles.0.id`); never JSONPath.'),
        params: { type: 'object', description: 'Parameters handed to the fact.' },
        name: { type: 'string' },
        priority: { type: 'number' },
      },
    },
    retry: {
      type: 'object',
      description: 'Retry the action when it fails with a passing fault.',
      required: ['attempts'],
      additionalProperties: false,
      properties: {
        attempts: { type: 'integer', minimum: 1, maximum: 10, description: 'Attempts in all, the first included.' },
        backoff: {
          ...ref('duration'),
          description: 'Delay before the first retry (default 500ms); it grows with each attempt.',
        },
      },
    },
    stepOptions: {
      type: 'object',
      properties: {
        retry: ref('retry'),
        onError: {
          enum: ['stop', 'continue'],
          description: 'When the action fails: stop the run (default) or go on with the next step.',
        },
        as: {
          type: 'string',
          pattern: STEP_NAME_PATTERN,
          description: 'Keeps the action’s result, readable later as `{{ steps.<as>.… }}`.',
        },
      },
    },
    step: {
      type: 'object',
      description:
        'One action with its parameters (`message.delete: {}`), plus optional `retry`, `onError`, `as`; or `wait: 10m`.',
      minProperties: 1,
      properties: {
        retry: ref('retry'),
        onError: { enum: ['stop', 'continue'] },
        as: { type: 'string', pattern: STEP_NAME_PATTERN },
        wait: { ...ref('duration'), description: 'Parks the run for this long, then goes on with the next step.' },
      },
      propertyNames: { anyOf: [{ enum: ['retry', 'onError', 'as', 'wait'] }, { pattern: NAME_PATTERN }] },
      // The action's parameters: an object, or one `{{ placeholder }}` that renders to one.
      additionalProperties: {
        type: ['object', 'string'],
        if: { type: 'string' },
        then: { pattern: '\\{\\{[\\s\\S]*?\\}\\}' },
      },
    },
    rule: {
      type: 'object',
      description: 'A rule: when `on` happens, `where` and `if` hold, run `then`.',
      required: ['id', 'on', 'then'],
      additionalProperties: false,
      properties: {
        id: ref('ruleId'),
        description: str('What the rule does, for people.'),
        enabled: {
          type: 'boolean',
          description: '`false` keeps the rule in the set but never runs it. Default `true`.',
        },
        on: ref('on'),
        where: ref('where'),
        if: ref('condition'),
        then: {
          type: 'array',
          minItems: 1,
          items: ref('step'),
          description: 'Actions, run in order; parameters may use `{{ variables }}`.',
        },
        mode: ref('mode'),
        limits: ref('limits'),
        concurrency: ref('concurrency'),
        tags: {
          type: 'array',
          items: { type: 'string', minLength: 1, maxLength: 40 },
          uniqueItems: true,
          description: 'Free-form labels.',
        },
      },
    },
    templateRef: {
      type: 'string',
      pattern: TEMPLATE_REF_PATTERN,
      description: 'A template: `anti-spam@2`, or `anti-spam` for its latest version.',
    },
    templateUse: {
      type: 'object',
      description: 'Rules instantiated from a template with `inputs`; their ids are `<id>.<template rule id>`.',
      required: ['id', 'use'],
      additionalProperties: false,
      properties: {
        id: ref('ruleId'),
        use: {
          type: 'object',
          required: ['template'],
          additionalProperties: false,
          properties: {
            template: ref('templateRef'),
            inputs: { type: 'object', description: 'The template’s inputs.' },
          },
        },
        enabled: { type: 'boolean', description: 'Overrides `enabled` of every instantiated rule.' },
        mode: { ...ref('mode'), description: 'Overrides `mode` of every instantiated rule.' },
      },
    },
    ruleEntry: {
      if: { type: 'object', required: ['use'] },
      then: ref('templateUse'),
      else: ref('rule'),
    },
    modules: {
      type: 'object',
      description: 'Per-guild module settings, keyed by module id.',
      additionalProperties: { type: 'object' },
    },
  };
}

/** The document envelope; `$defs` come from `coreDefinitions()` (or the registry-refined ones). */
export function documentEnvelope(): JsonSchema {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'guild', 'rules'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'rulecord/v1', description: 'Always `rulecord/v1`.' },
      kind: { const: 'RuleSet', description: 'Always `RuleSet`.' },
      guild: { ...ref('id'), description: 'The guild (server) id the rules belong to.' },
      modules: ref('modules'),
      rules: { type: 'array', items: ref('ruleEntry'), description: 'Rules, and template uses.' },
    },
  };
}

/** The core schema of a rule document, without any module (editors get `documentSchema(registry)`). */
export function coreDocumentSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: DOCUMENT_SCHEMA_ID,
    title: 'Rulecord rule set (v1)',
    ...documentEnvelope(),
    $defs: coreDefinitions(),
  };
}
