import type { JsonSchema } from '../model/module.js';

/** `{{ expression }}` inside a string (as the runtime's variables read it); group 1 is the expression, untrimmed. */
export const PLACEHOLDER_SOURCE = '\\{\\{([\\s\\S]*?)\\}\\}';

/** Every `{{ … }}` expression in a string, trimmed, in order. */
export function placeholderExpressions(text: string): string[] {
  return [...text.matchAll(new RegExp(PLACEHOLDER_SOURCE, 'g'))].map((m) => (m[1] ?? '').trim());
}

/** The expression of a string that is exactly one placeholder (surrounding whitespace allowed), else `undefined`. */
export function singlePlaceholder(text: string): string | undefined {
  const matches = [...text.matchAll(new RegExp(PLACEHOLDER_SOURCE, 'g'))];
  if (matches.length !== 1) return undefined;
  const m = matches[0];
  if (!m || text.slice(0, m.index).trim() !== '' || text.slice(m.index + m[0].length).trim() !== '') return undefined;
  return (m[1] ?? '').trim();
}

/** Whether a string contains at least one `{{ … }}` placeholder (so its final value is only known at run time). */
export function hasPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && new RegExp(PLACEHOLDER_SOURCE).test(value);
}

/** The schema of a value that is rendered at run time: a string with a placeholder. */
export const PLACEHOLDER_SCHEMA: JsonSchema = Object.freeze({ type: 'string', pattern: PLACEHOLDER_SOURCE });

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_ONE = ['additionalProperties', 'items', 'additionalItems', 'contains', 'not', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems'];
const STRING_CONSTRAINTS = ['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength'];

function couldRejectPlaceholder(node: Record<string, unknown>): boolean {
  // A placeholder may satisfy several branches of a `oneOf` at once, which `oneOf` refuses.
  if ('oneOf' in node) return true;
  const type = node.type;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.includes('string')) return true;
  }
  return STRING_CONSTRAINTS.some((k) => k in node);
}

/**
 * A copy of an action's params schema in which every value that is only known at run time is accepted: wherever the
 * schema wants a number, an enum, a pattern…, a string holding a `{{ placeholder }}` passes (it is rendered, then
 * checked against the original schema, when the action runs). Everything around it — required parameters, unknown
 * parameters, literal values — is still checked. Written as `if placeholder then true else <original>`, so errors of
 * a literal value come out of `else` unchanged and editors still show the original schema.
 */
export function placeholderTolerant(schema: unknown): unknown {
  const out = tolerant(schema);
  if (typeof out !== 'object' || out === null || (out as Record<string, unknown>).if !== PLACEHOLDER_SCHEMA) return out;
  // The root stays the resource root: its `$id` and definitions move up to the wrapper, so `#/$defs/…` still resolves.
  const wrapper = out as Record<string, unknown>;
  const inner = wrapper.else as Record<string, unknown>;
  for (const key of ['$id', '$schema', '$defs', 'definitions']) {
    if (key in inner) {
      wrapper[key] = inner[key];
      delete inner[key];
    }
  }
  return wrapper;
}

function tolerant(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const node: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (SUBSCHEMA_MAPS.includes(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      node[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tolerant(v)]));
    } else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      node[key] = value.map((v) => tolerant(v));
    } else if (SUBSCHEMA_ONE.includes(key)) {
      node[key] = Array.isArray(value) ? value.map((v) => tolerant(v)) : tolerant(value);
    } else {
      node[key] = value;
    }
  }
  if (!couldRejectPlaceholder(node)) return node;
  const wrapper: Record<string, unknown> = { if: PLACEHOLDER_SCHEMA, then: true, else: node };
  // Keep the annotations where editors look for them.
  for (const k of ['title', 'description', 'default', 'examples']) if (k in node) wrapper[k] = node[k];
  return wrapper;
}
