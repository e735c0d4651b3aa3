import type { Ajv, ValidateFunction } from 'ajv';
import { RulecordError } from '../errors/error.js';
import type { JsonSchema } from '../model/module.js';
import type { Registry } from '../model/registry.js';
import { standalone } from '../model/template.js';
import { createAjv } from './ajv.js';
import { DOCUMENT_SCHEMA_ID, coreDefinitions, coreDocumentSchema, documentEnvelope } from './core.js';
import { placeholderTolerant } from './placeholders.js';

/**
 * The validators of one registry, compiled once and reused by every validation (`compiledRegistry`). The pieces of a
 * document (envelope, rule, template use, step options) are compiled up front; the validators of single actions,
 * facts and modules the first time a document uses them (a registry has many, a document uses a few); the full
 * document schema only when asked for. Each is then kept for the registry's life.
 */
export interface CompiledRegistry {
  /** The full document schema (what `documentSchema` returns). */
  readonly schema: JsonSchema;
  /** The full schema, compiled on first use (editors' view of a document; tests check it agrees with validation). */
  readonly document: ValidateFunction;
  /** The top level only (rules and modules are checked piece by piece). */
  readonly envelope: ValidateFunction;
  /** One rule, without its `if` (checked by `checkCondition`) and the items of `then` (checked per step). */
  readonly rule: ValidateFunction;
  readonly templateUse: ValidateFunction;
  /** `retry`, `onError`, `as` of a step. */
  readonly stepOptions: ValidateFunction;
  /** An action's params, placeholder-tolerant (see `placeholderTolerant`); `undefined` for an unknown action. */
  params(action: string): ValidateFunction | undefined;
  /** A fact's params; `undefined` when the fact takes none (or is unknown). */
  factParams(fact: string): ValidateFunction | undefined;
  /** A module's settings, applying the schema's defaults to what it validates; `undefined` without a schema. */
  settings(module: string): ValidateFunction | undefined;
}

const cache = new WeakMap<Registry, CompiledRegistry>();
let coreValidator: ValidateFunction | undefined;

/**
 * The core document schema, compiled once for every registry: the last word on the shape of a document (the
 * module-defined parts — params, settings, inputs — are checked piece by piece against the registry).
 */
export function coreDocumentValidator(): ValidateFunction {
  coreValidator ??= createAjv().compile(coreDocumentSchema());
  return coreValidator;
}

const SCHEMA_BASE = DOCUMENT_SCHEMA_ID.replace(/\.json$/, '');

function badSchema(what: string, cause: unknown): RulecordError {
  return new RulecordError(
    'RC_REGISTRY_BAD_SCHEMA',
    `The schema of ${what} does not compile: ${cause instanceof Error ? cause.message : String(cause)}`,
    {
      kind: 'bug',
      fix: 'Fix that JSON Schema in its module.',
      cause,
    },
  );
}

/** A module schema embedded in the document schema: its own `$id`, so its internal `#/…` refs stay its own. */
function embedded(schema: JsonSchema, path: string): JsonSchema {
  const { $schema: _s, ...rest } = schema;
  return { ...rest, $id: `${SCHEMA_BASE}/${path}` };
}

function compile(ajv: Ajv, schema: JsonSchema, what: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (e) {
    throw badSchema(what, e);
  }
}

const described = (value: string, description: string | undefined, premium?: boolean): JsonSchema => ({
  const: value,
  description: `${description ?? ''}${premium ? ' (premium)' : ''}`.trim(),
});

/**
 * The JSON Schema of a whole rule document for this registry: the core schema, each module's settings under
 * `modules.<id>`, events, facts (with their params), each action's params under its step key (a string with a
 * `{{ placeholder }}` is accepted wherever a value is rendered at run time), and each template's inputs. Editors use
 * it for completion and hover; it is compiled once per registry.
 *
 * @example
 * writeFileSync('rule-set.schema.json', JSON.stringify(documentSchema(registry)));
 */
export function documentSchema(registry: Registry): JsonSchema {
  return compiledRegistry(registry).schema;
}

function buildDocumentSchema(registry: Registry): JsonSchema {
  const defs = coreDefinitions();
  const premiumOf = (name: string, own?: boolean): boolean => Boolean(own || registry.ownerOf(name)?.premium);

  const events = registry.events();
  defs.eventName =
    events.length === 0
      ? (false as unknown as JsonSchema)
      : { anyOf: events.map((e) => described(e.name, e.description)) };

  defs.factName = {
    description: 'A fact: `area.name` from a module, `event.<path>` for a field of the event, or `now`.',
    anyOf: [
      ...registry.facts().map((f) => described(f.name, f.description, premiumOf(f.name, f.premium))),
      { const: 'now', description: 'The time of the event, in epoch milliseconds.' },
      { type: 'string', pattern: '^event(\\.[^.]+)+$', description: 'A field of the event payload: `event.content`.' },
    ],
  };
  const leaf = defs.leafCondition as Record<string, unknown>;
  const factParamRules = registry
    .facts()
    .filter((f) => f.params !== undefined)
    .map((f) => ({
      if: { type: 'object', required: ['fact'], properties: { fact: { const: f.name } } },
      then: { properties: { params: { $ref: `#/$defs/factParams:${f.name}` } } },
    }));
  if (factParamRules.length > 0) leaf.allOf = factParamRules;
  for (const f of registry.facts())
    if (f.params) defs[`factParams:${f.name}`] = embedded(f.params, `fact-params/${f.name}`);

  const actions = registry.actions();
  const stepProperties: Record<string, JsonSchema> = {
    retry: { $ref: '#/$defs/retry' },
    onError: {
      enum: ['stop', 'continue'],
      description: 'When the action fails: stop the run (default) or go on with the next step.',
    },
    as: (defs.stepOptions as { properties: Record<string, JsonSchema> }).properties.as ?? {},
    wait: { $ref: '#/$defs/duration', description: 'Parks the run for this long, then goes on with the next step.' },
  };
  for (const a of actions) {
    defs[`params:${a.name}`] = placeholderTolerant(embedded(a.params, `params/${a.name}`)) as JsonSchema;
    stepProperties[a.name] = {
      $ref: `#/$defs/params:${a.name}`,
      description: `${a.description}${premiumOf(a.name, a.premium) ? ' (premium)' : ''}`,
    };
  }
  // Each action is a property of the step, whose value is that action's params schema: an editor completes action
  // names (with their descriptions) and then their parameters, and an error lands on the parameter itself. `oneOf`
  // of `required` says "exactly one action (or a lone `wait`)"; `additionalProperties: false` refuses unknown keys.
  defs.step = {
    type: 'object',
    description:
      'One action with its parameters (`message.delete: {}`), plus optional `retry`, `onError`, `as`; or `wait: 10m`.',
    properties: stepProperties,
    additionalProperties: false,
    oneOf: [...actions.map((a) => ({ required: [a.name] })), { required: ['wait'], maxProperties: 1 }],
  };

  const moduleProperties: Record<string, JsonSchema> = {};
  for (const m of registry.modules) {
    if (m.settings) defs[`settings:${m.id}`] = embedded(m.settings, `settings/${m.id}`);
    moduleProperties[m.id] = {
      ...(m.settings ? { $ref: `#/$defs/settings:${m.id}` } : { type: 'object' }),
      description: `${m.name}: ${m.description}${m.premium ? ' (premium)' : ''}`,
    };
  }
  defs.modules = {
    type: 'object',
    description: 'Per-guild module settings, keyed by module id.',
    properties: moduleProperties,
    additionalProperties: false,
  };

  const templates = registry.templates();
  const refs: string[] = [];
  const inputRules: JsonSchema[] = [];
  for (const t of templates) {
    const latest = registry.template(t.id) === t;
    const names = latest ? [`${t.id}@${t.version}`, t.id] : [`${t.id}@${t.version}`];
    refs.push(...names);
    defs[`inputs:${t.id}@${t.version}`] = embedded(t.inputs, `inputs/${t.id}@${t.version}`);
    inputRules.push({
      if: { type: 'object', required: ['template'], properties: { template: { enum: names } } },
      then: { properties: { inputs: { $ref: `#/$defs/inputs:${t.id}@${t.version}` } } },
    });
  }
  const use = ((defs.templateUse as { properties: Record<string, JsonSchema> }).properties.use ?? {}) as Record<
    string,
    unknown
  >;
  (use.properties as Record<string, JsonSchema>).template =
    refs.length === 0
      ? (false as unknown as JsonSchema)
      : { enum: refs, description: 'A template: `anti-spam@2`, or `anti-spam` for its latest version.' };
  if (inputRules.length > 0) use.allOf = inputRules;

  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: DOCUMENT_SCHEMA_ID,
    title: 'Rulecord rule set (v1)',
    ...documentEnvelope(),
    $defs: defs,
  };
}

/** Compiles on first use, once: `undefined` when there is no schema. */
function lazy(
  ajv: Ajv,
  schemaOf: (name: string) => JsonSchema | undefined,
  what: (name: string) => string,
): (name: string) => ValidateFunction | undefined {
  const compiled = new Map<string, ValidateFunction | undefined>();
  return (name) => {
    if (compiled.has(name)) return compiled.get(name);
    const schema = schemaOf(name);
    const validate = schema === undefined ? undefined : compile(ajv, schema, what(name));
    compiled.set(name, validate);
    return validate;
  };
}

/**
 * Compiles every schema a registry's modules declare (settings, fact and action params, template inputs) and the
 * assembled document schema: for start-up and for the catalog's tests, so a broken module fails at once rather than
 * when a guild first uses it.
 * @throws RulecordError `RC_REGISTRY_BAD_SCHEMA` naming the first schema that does not compile.
 */
export function checkRegistrySchemas(registry: Registry): void {
  const found = culprit(registry, undefined);
  if (found) throw found;
  void compiledRegistry(registry).document;
}

/** The first module schema that does not compile, as an error naming it; `fallback` when all compile. */
function culprit(registry: Registry, cause: unknown): RulecordError | undefined {
  const probe = createAjv();
  const items: [JsonSchema | undefined, string][] = [
    ...registry.actions().map((a) => [a.params, `the params of action \`${a.name}\``] as [JsonSchema, string]),
    ...registry.facts().map((f) => [f.params, `the params of fact \`${f.name}\``] as [JsonSchema | undefined, string]),
    ...registry.modules.map(
      (m) => [m.settings, `the settings of module \`${m.id}\``] as [JsonSchema | undefined, string],
    ),
    ...registry
      .templates()
      .map((t) => [t.inputs, `the inputs of template \`${t.id}@${t.version}\``] as [JsonSchema, string]),
  ];
  for (const [schema, what] of items) {
    if (schema === undefined) continue;
    try {
      probe.compile(standalone(schema));
    } catch (e) {
      return badSchema(what, e);
    }
  }
  return cause === undefined ? undefined : badSchema('the rule document', cause);
}

/**
 * Every validator of a registry, compiled on first use and cached for the registry's life.
 * @throws RulecordError `RC_REGISTRY_BAD_SCHEMA` when a module's schema does not compile, naming it.
 */
export function compiledRegistry(registry: Registry): CompiledRegistry {
  const hit = cache.get(registry);
  if (hit) return hit;

  const schema = buildDocumentSchema(registry);
  let document: ValidateFunction | undefined;

  const pieces = createAjv({ useDefaults: true });
  const core = coreDefinitions();
  const piece = (root: JsonSchema): JsonSchema => ({ $defs: core, ...root });
  const envelope = documentEnvelope() as { properties: Record<string, JsonSchema> };
  envelope.properties.rules = { type: 'array', description: 'Rules, and template uses.' };
  const rule = structuredClone(core.rule) as { properties: Record<string, JsonSchema> };
  rule.properties.if = {};
  rule.properties.then = { type: 'array', minItems: 1 };
  // Event names are checked against the registry, with suggestions.
  rule.properties.on = { type: ['string', 'array'], items: { type: 'string' }, minItems: 1, uniqueItems: true };
  const templateUse = structuredClone(core.templateUse) as {
    properties: { use: { properties: Record<string, JsonSchema> } };
  };
  templateUse.properties.use.properties.inputs = { type: 'object' };

  const compiled: CompiledRegistry = {
    schema,
    get document(): ValidateFunction {
      if (!document) {
        try {
          document = createAjv().compile(schema);
        } catch (e) {
          throw culprit(registry, e) ?? badSchema('the rule document', e);
        }
      }
      return document;
    },
    envelope: compile(pieces, piece(envelope), 'the document envelope'),
    rule: compile(pieces, piece(rule), 'a rule'),
    templateUse: compile(pieces, piece(templateUse), 'a template use'),
    stepOptions: compile(pieces, piece({ $ref: '#/$defs/stepOptions' }), 'step options'),
    params: lazy(
      pieces,
      (name) => {
        const params = registry.action(name)?.params;
        return params === undefined ? undefined : (placeholderTolerant(standalone(params)) as JsonSchema);
      },
      (name) => `the params of action \`${name}\``,
    ),
    factParams: lazy(
      pieces,
      (name) => {
        const params = registry.fact(name)?.params;
        return params === undefined ? undefined : standalone(params);
      },
      (name) => `the params of fact \`${name}\``,
    ),
    settings: lazy(
      pieces,
      (id) => {
        const settings = registry.module(id)?.settings;
        return settings === undefined ? undefined : standalone(settings);
      },
      (id) => `the settings of module \`${id}\``,
    ),
  };
  cache.set(registry, compiled);
  return compiled;
}
