import type { Problem } from '../errors/error.js';
import type { Json } from '../model/document.js';
import { RUNTIME_CODES } from './codes.js';
import { isForbiddenSegment } from './path.js';

/**
 * `{{ variables }}` in action parameters: a small, logic-less template language.
 *
 * - `{{ user.mention }}`, `{{ event.content }}`, `{{ facts.xp.level }}`, `{{ steps.case.id }}`, `{{ now }}`
 * - filters: `{{ user.name | upper }}`, `{{ event.reason | default: "no reason" }}`, `{{ event.content | truncate: 50 }}`
 * - a parameter that is exactly one placeholder keeps the value's type (`"{{ facts.xp.level }}"` → a number).
 *
 * No code runs: a placeholder is a dotted path through own properties (never `__proto__`, `constructor`,
 * `prototype`) and a chain of fixed filters.
 */

export const VARIABLE_ROOTS = [
  'user',
  'author',
  'member',
  'channel',
  'guild',
  'event',
  'facts',
  'steps',
  'now',
  'settings',
  'rule',
] as const;
export type VariableRoot = (typeof VARIABLE_ROOTS)[number];
const ROOTS: ReadonlySet<string> = new Set(VARIABLE_ROOTS);

export interface FilterCall {
  name: string;
  args: Json[];
}

export interface Placeholder {
  root: VariableRoot;
  /** Segments after the root. */
  path: string[];
  filters: FilterCall[];
  /** The placeholder as written, `{{ … }}` included. */
  source: string;
}

type Part = string | Placeholder;

/** Returned by a scope for a variable it may not read now (a Discord lookup in shadow mode). */
export const UNRESOLVED: unique symbol = Symbol('rulecord.unresolved');

/** Looks a variable up: a value, a promise of one, or UNRESOLVED. */
export type VariableScope = (root: VariableRoot, path: readonly string[]) => unknown;

type FilterFn = (value: unknown, args: Json[]) => unknown;

const toText = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
};

const FILTERS: Record<string, { arity: [number, number]; run: FilterFn }> = {
  upper: { arity: [0, 0], run: (v) => toText(v).toUpperCase() },
  lower: { arity: [0, 0], run: (v) => toText(v).toLowerCase() },
  trim: { arity: [0, 0], run: (v) => toText(v).trim() },
  default: { arity: [1, 1], run: (v, [d]) => (v === undefined || v === null || v === '' ? d : v) },
  json: { arity: [0, 0], run: (v) => JSON.stringify(v ?? null) },
  length: {
    arity: [0, 0],
    run: (v) =>
      typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0,
  },
  truncate: {
    arity: [1, 1],
    run: (v, [n]) => {
      const s = toText(v);
      const max = typeof n === 'number' && n >= 1 ? Math.floor(n) : 0;
      return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
    },
  },
  round: {
    arity: [0, 1],
    run: (v, [digits]) => {
      const x = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(x)) return v;
      const f = 10 ** (typeof digits === 'number' ? Math.max(0, Math.min(10, Math.floor(digits))) : 0);
      return Math.round(x * f) / f;
    },
  },
  join: {
    arity: [0, 1],
    run: (v, [sep]) => (Array.isArray(v) ? v.map(toText).join(typeof sep === 'string' ? sep : ', ') : toText(v)),
  },
  first: { arity: [0, 0], run: (v) => (Array.isArray(v) ? v[0] : v) },
  last: { arity: [0, 0], run: (v) => (Array.isArray(v) ? v[v.length - 1] : v) },
  /** A user id → `<@id>`. */
  mention: { arity: [0, 0], run: (v) => (v === undefined || v === null || v === '' ? '' : `<@${toText(v)}>`) },
};

export const VARIABLE_FILTERS: readonly string[] = Object.keys(FILTERS);

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

class TemplateSyntaxError extends Error {}

function parseArgs(text: string): Json[] {
  const args: Json[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    let m: RegExpMatchArray | null;
    if ((m = /^"((?:[^"\\]|\\.)*)"/.exec(rest))) args.push(JSON.parse(`"${m[1]}"`) as string);
    else if ((m = /^'((?:[^'\\]|\\.)*)'/.exec(rest))) args.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
    else if ((m = /^-?\d+(?:\.\d+)?/.exec(rest))) args.push(Number(m[0]));
    else if ((m = /^(true|false|null)\b/.exec(rest))) args.push(JSON.parse(m[0]) as Json);
    else
      throw new TemplateSyntaxError(
        `cannot read the filter argument "${rest}" (use "text", a number, true, false or null)`,
      );
    rest = rest.slice(m[0].length).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
    else if (rest.length > 0) throw new TemplateSyntaxError(`expected "," between filter arguments, found "${rest}"`);
  }
  return args;
}

/** Splits on `|` outside quotes. */
function splitPipes(expr: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '|') {
      parts.push(expr.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expr.slice(start));
  return parts;
}

function parsePlaceholder(inner: string, source: string): Placeholder {
  const [head = '', ...filterTexts] = splitPipes(inner);
  const pathText = head.trim();
  if (pathText === '') throw new TemplateSyntaxError('empty placeholder');
  const segments = pathText.split('.');
  for (const s of segments) {
    if (!SEGMENT.test(s)) throw new TemplateSyntaxError(`"${pathText}" is not a dotted path of names`);
    if (isForbiddenSegment(s)) throw new TemplateSyntaxError(`"${s}" may not be read`);
  }
  const [root = '', ...path] = segments;
  if (!ROOTS.has(root)) {
    throw new TemplateSyntaxError(`unknown variable "${root}" (known: ${VARIABLE_ROOTS.join(', ')})`);
  }
  const filters = filterTexts.map((text): FilterCall => {
    const m = /^\s*([A-Za-z]+)\s*(?::([\s\S]*))?$/.exec(text);
    if (!m?.[1]) throw new TemplateSyntaxError(`cannot read the filter "${text.trim()}"`);
    const name = m[1];
    const def = FILTERS[name];
    if (!def) throw new TemplateSyntaxError(`unknown filter "${name}" (known: ${VARIABLE_FILTERS.join(', ')})`);
    const args = m[2] === undefined ? [] : parseArgs(m[2]);
    if (args.length < def.arity[0] || args.length > def.arity[1]) {
      throw new TemplateSyntaxError(
        `filter "${name}" takes ${def.arity[0] === def.arity[1] ? def.arity[0] : `${def.arity[0]}–${def.arity[1]}`} argument(s)`,
      );
    }
    return { name, args };
  });
  return { root: root as VariableRoot, path, filters, source };
}

/** A string with placeholders, parsed once at load. */
export class CompiledString {
  /** True when the string is exactly one placeholder (surrounding whitespace allowed): the value keeps its type. */
  readonly single: boolean;
  constructor(readonly parts: readonly Part[]) {
    const meaningful = parts.filter((p) => typeof p !== 'string' || p.trim() !== '');
    this.single = meaningful.length === 1 && typeof meaningful[0] !== 'string';
  }
  get placeholders(): Placeholder[] {
    return this.parts.filter((p): p is Placeholder => typeof p !== 'string');
  }
}

export function parseTemplate(text: string): CompiledString | string {
  if (!text.includes('{{')) return text;
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(parsePlaceholder(m[1] ?? '', m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  for (const p of parts) {
    if (typeof p === 'string' && (p.includes('{{') || p.includes('}}'))) {
      throw new TemplateSyntaxError('unbalanced "{{" / "}}"');
    }
  }
  return new CompiledString(parts);
}

/** A parameter tree with its placeholders parsed. `dynamic` is false when nothing needs rendering. */
export interface CompiledValue {
  readonly dynamic: boolean;
  readonly value: unknown;
  readonly placeholders: Placeholder[];
}

function compileTree(value: unknown, pointer: string, problems: Problem[], found: Placeholder[]): unknown {
  if (typeof value === 'string') {
    try {
      const t = parseTemplate(value);
      if (t instanceof CompiledString) found.push(...t.placeholders);
      return t;
    } catch (e) {
      problems.push({
        code: RUNTIME_CODES.RC_BAD_PLACEHOLDER,
        message: `${(e as Error).message} in "${value}"`,
        pointer,
        fix: 'Write placeholders as {{ root.path | filter: "arg" }}, e.g. {{ user.mention }} or {{ event.content | truncate: 100 }}.',
        severity: 'error',
      });
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => compileTree(v, `${pointer}/${i}`, problems, found));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = compileTree(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, problems, found);
    }
    return out;
  }
  return value;
}

/** Parses every string of a parameter tree. Problems carry JSON pointers under `pointer`. */
export function compileValue(value: unknown, pointer: string, problems: Problem[]): CompiledValue {
  const found: Placeholder[] = [];
  const compiled = compileTree(value, pointer, problems, found);
  return { dynamic: found.length > 0, value: found.length > 0 ? compiled : value, placeholders: found };
}

function applyFilters(value: unknown, filters: readonly FilterCall[]): unknown {
  let v = value;
  for (const f of filters) v = FILTERS[f.name]?.run(v, f.args) ?? v;
  return v;
}

function pushPart(values: unknown[], raw: unknown, p: Placeholder, unresolved: string[]): void {
  if (raw === UNRESOLVED) {
    unresolved.push(p.source);
    values.push(p.source);
  } else values.push(applyFilters(raw, p.filters));
}

function joinParts(t: CompiledString, values: unknown[]): unknown {
  if (t.single) {
    const index = t.parts.findIndex((p) => typeof p !== 'string');
    return values[index];
  }
  // Concatenated as it goes: no array of texts and no `join` (a rendered parameter is a few parts).
  let text = '';
  for (let i = 0; i < values.length; i++) text += toText(values[i]);
  return text;
}

/** Synchronous until a variable needs a lookup (a promise): then the rest is awaited. */
function renderString(t: CompiledString, scope: VariableScope, unresolved: string[]): unknown {
  const values: unknown[] = [];
  const parts = t.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as CompiledString['parts'][number];
    if (typeof p === 'string') {
      values.push(p);
      continue;
    }
    const raw = scope(p.root, p.path);
    if (raw instanceof Promise) return renderStringAsync(t, scope, unresolved, values, i, raw);
    pushPart(values, raw, p, unresolved);
  }
  return joinParts(t, values);
}

async function renderStringAsync(
  t: CompiledString,
  scope: VariableScope,
  unresolved: string[],
  values: unknown[],
  at: number,
  pending: Promise<unknown>,
): Promise<unknown> {
  pushPart(values, await pending, t.parts[at] as Placeholder, unresolved);
  for (let i = at + 1; i < t.parts.length; i++) {
    const p = t.parts[i] as CompiledString['parts'][number];
    if (typeof p === 'string') values.push(p);
    else pushPart(values, await scope(p.root, p.path), p, unresolved);
  }
  return joinParts(t, values);
}

/** Renders a tree synchronously while no variable needs a lookup; a promise otherwise (rendered values never are). */
export function renderTreeMaybe(value: unknown, scope: VariableScope, unresolved: string[]): unknown {
  if (value instanceof CompiledString) return renderString(value, scope, unresolved);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = renderTreeMaybe(value[i], scope, unresolved);
      if (r instanceof Promise) return renderArrayAsync(value, scope, unresolved, out, i, r);
      if (r !== undefined) out.push(r);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const r = renderTreeMaybe((value as Record<string, unknown>)[k], scope, unresolved);
      if (r instanceof Promise)
        return renderObjectAsync(value as Record<string, unknown>, keys, scope, unresolved, out, i, r);
      // A single placeholder that renders nothing drops the key, so an optional parameter stays absent.
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

async function renderArrayAsync(
  value: unknown[],
  scope: VariableScope,
  unresolved: string[],
  out: unknown[],
  at: number,
  pending: Promise<unknown>,
): Promise<unknown> {
  const first = await pending;
  if (first !== undefined) out.push(first);
  for (let i = at + 1; i < value.length; i++) {
    const r = await renderTreeMaybe(value[i], scope, unresolved);
    if (r !== undefined) out.push(r);
  }
  return out;
}

async function renderObjectAsync(
  value: Record<string, unknown>,
  keys: string[],
  scope: VariableScope,
  unresolved: string[],
  out: Record<string, unknown>,
  at: number,
  pending: Promise<unknown>,
): Promise<unknown> {
  const first = await pending;
  if (first !== undefined) out[keys[at] as string] = first;
  for (let i = at + 1; i < keys.length; i++) {
    const k = keys[i] as string;
    const r = await renderTreeMaybe(value[k], scope, unresolved);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

/**
 * Renders a compiled parameter tree. `unresolved` collects placeholders the scope refused to read (left as written).
 */
export async function renderValue(
  compiled: CompiledValue,
  scope: VariableScope,
  unresolved: string[] = [],
): Promise<unknown> {
  if (!compiled.dynamic) return compiled.value;
  return renderTreeMaybe(compiled.value, scope, unresolved);
}

/** Renders one template string (convenience for modules and tests). */
export async function renderTemplate(text: string, scope: VariableScope): Promise<unknown> {
  const problems: Problem[] = [];
  const compiled = compileValue(text, '', problems);
  if (problems[0]) throw new Error(problems[0].message);
  return renderValue(compiled, scope);
}
