import type { JsonSchema } from '../model/module.js';

/** `{{ expression }}` inside a string (as the runtime's variables read it); group 1 is the expression, untrimmed. */
export const PLACEHOLDER_SOURCE = '\\{\\{([\\s\\S]*?)\\}\\}';

/** One `{{ … }}` in a string: where it starts and ends (exclusive), and its expression, untrimmed. */
export interface PlaceholderSpan {
  start: number;
  end: number;
  expression: string;
}

/**
 * Every `{{ … }}` of a string, as `/\{\{([\s\S]*?)\}\}/g` finds them — in linear time (that regex is quadratic on
 * V8 against many unclosed `{{`).
 */
export function placeholderSpans(text: string): PlaceholderSpan[] {
  const spans: PlaceholderSpan[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{{', from);
    if (start < 0) break;
    const close = text.indexOf('}}', start + 2);
    if (close < 0) break; // no later `{{` can close either
    spans.push({ start, end: close + 2, expression: text.slice(start + 2, close) });
    from = close + 2;
  }
  return spans;
}

/** Every `{{ … }}` expression in a string, trimmed, in order. */
export function placeholderExpressions(text: string): string[] {
  return placeholderSpans(text).map((s) => s.expression.trim());
}

/** The expression of a string that is exactly one placeholder (surrounding whitespace allowed), else `undefined`. */
export function singlePlaceholder(text: string): string | undefined {
  const spans = placeholderSpans(text);
  const only = spans[0];
  if (spans.length !== 1 || !only) return undefined;
  if (text.slice(0, only.start).trim() !== '' || text.slice(only.end).trim() !== '') return undefined;
  return only.expression.trim();
}

/** Whether a string contains at least one `{{ … }}` placeholder (so its final value is only known at run time). */
export function hasPlaceholder(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const start = value.indexOf('{{');
  return start >= 0 && value.indexOf('}}', start + 2) >= 0;
}

/**
 * The part of a string that can hold placeholders: up to its last `}}` after a `{{`. What follows holds none, and
 * cutting it keeps regex scanners (the runtime's variables) linear on many unclosed `{{`.
 */
export function placeholderPart(text: string): string {
  const spans = placeholderSpans(text);
  const last = spans.at(-1);
  return last ? text.slice(0, last.end) : '';
}

/** The schema of a value that is rendered at run time: a string with a placeholder. */
export const PLACEHOLDER_SCHEMA: JsonSchema = Object.freeze({ type: 'string', pattern: PLACEHOLDER_SOURCE });

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_ONE = [
  'additionalProperties',
  'items',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
];
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
