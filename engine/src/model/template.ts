import type { ValidateFunction } from 'ajv';
import type { Problem } from '../errors/error.js';
import { createAjv, translateAjvErrors } from '../schema/ajv.js';
import { placeholderSpans, singlePlaceholder } from '../schema/placeholders.js';
import type { Json, JsonObject, Rule } from './document.js';
import type { JsonSchema, TemplateDefinition } from './module.js';
import { joinPointer } from './pointer.js';

/** A rule ready to compile: written in the document, or instantiated from a template. */
export interface ResolvedRule extends Rule {
  /** Where the rule comes from in the document: `/rules/3` (for a template, the `use` entry). */
  pointer: string;
  /** For an instantiated rule, the template and the `use` entry's id (the rule's id is `<useId>.<template rule id>`). */
  template?: { id: string; version: number; useId: string };
}

/** `{{ inputs.name }}` or `{{ inputs.name.path }}`; group 1 is the path after `inputs` (may be empty). */
const INPUT_EXPRESSION = /^inputs((?:\.[^.\s{}]+)*)$/;

const ajv = createAjv({ useDefaults: true });
const validators = new WeakMap<JsonSchema, ValidateFunction>();

/** A module-provided schema ready to compile on its own: no `$id` (compiled once per engine, not registered by id). */
export function standalone(schema: JsonSchema): JsonSchema {
  const { $id: _id, $schema: _schema, ...rest } = schema;
  return rest;
}

function inputsValidator(template: TemplateDefinition): ValidateFunction {
  let validate = validators.get(template.inputs);
  if (!validate) {
    validate = ajv.compile(standalone(template.inputs));
    validators.set(template.inputs, validate);
  }
  return validate;
}

function readPath(inputs: JsonObject, path: string): Json | undefined {
  let current: Json | undefined = inputs;
  for (const token of path.split('.').filter((t) => t !== '')) {
    if (Array.isArray(current) && /^\d+$/.test(token)) current = current[Number(token)];
    else if (
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      Object.hasOwn(current, token)
    )
      current = current[token];
    else return undefined;
  }
  return current;
}

/**
 * Replaces `{{ inputs.x }}` in every string of `value`. A string that is exactly one placeholder becomes the input
 * itself (keeping its type: `"{{ inputs.max }}"` → `5`); inside a longer string the input is written as text.
 * Other placeholders (`{{ author.id }}`) are left for run time. `missing` collects input paths with no value.
 */
export function substituteInputs(value: unknown, inputs: JsonObject, missing: Set<string> = new Set()): unknown {
  if (typeof value === 'string') {
    const exact = singlePlaceholder(value);
    if (exact !== undefined) {
      const expression = INPUT_EXPRESSION.exec(exact);
      if (expression) {
        const found = readPath(inputs, expression[1] ?? '');
        if (found === undefined) missing.add(`inputs${expression[1] ?? ''}`);
        else return structuredClone(found);
      }
      return value;
    }
    let out = '';
    let last = 0;
    for (const span of placeholderSpans(value)) {
      const whole = value.slice(span.start, span.end);
      const expression = INPUT_EXPRESSION.exec(span.expression.trim());
      let replacement = whole;
      if (expression) {
        const found = readPath(inputs, expression[1] ?? '');
        if (found === undefined) missing.add(`inputs${expression[1] ?? ''}`);
        else replacement = typeof found === 'string' ? found : JSON.stringify(found);
      }
      out += value.slice(last, span.start) + replacement;
      last = span.end;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) return value.map((v) => substituteInputs(v, inputs, missing));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: substituteInputs(v, inputs, missing),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * Instantiates a template for one `use` entry: validates `inputs` against the template's inputs schema (applying
 * defaults), substitutes `{{ inputs.… }}` in its rules and names them `<useId>.<rule id>`. Every rule keeps
 * `pointer` (the use site) and `template` (its origin), so traces and problems lead back to the `use` entry.
 *
 * @example
 * const { rules, problems } = instantiateTemplate(antiSpam, { maxMessages: 5 }, 'spam', '/rules/2');
 * rules[0]?.id; // 'spam.flood'
 */
export function instantiateTemplate(
  t: TemplateDefinition,
  inputs: JsonObject,
  useId: string,
  pointer: string,
): { rules: ResolvedRule[]; problems: Problem[] } {
  const withDefaults = structuredClone(inputs ?? {}) as JsonObject;
  const validate = inputsValidator(t);
  if (!validate(withDefaults)) {
    const problems = translateAjvErrors(validate.errors, withDefaults, {
      base: joinPointer(pointer, 'use', 'inputs'),
      code: 'RC_BAD_TEMPLATE_INPUTS',
      noun: 'input',
      owner: `of template \`${t.id}@${t.version}\``,
      root: `The inputs of template \`${t.id}@${t.version}\``,
    });
    return { rules: [], problems };
  }
  const missing = new Set<string>();
  const rules = t.rules.map((rule): ResolvedRule => {
    const substituted = substituteInputs(rule, withDefaults, missing) as Rule;
    return { ...substituted, id: `${useId}.${rule.id}`, pointer, template: { id: t.id, version: t.version, useId } };
  });
  const problems: Problem[] = [...missing].sort().map((path) => ({
    code: 'RC_BAD_TEMPLATE_INPUTS',
    message: `Template \`${t.id}@${t.version}\` uses \`{{ ${path} }}\`, but that input is not given and has no default.`,
    pointer: joinPointer(pointer, 'use', 'inputs'),
    fix: `Give \`${path.slice('inputs.'.length)}\` in \`inputs\`.`,
    severity: 'error' as const,
  }));
  return { rules: problems.length > 0 ? [] : rules, problems };
}
