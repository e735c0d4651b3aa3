import type { Json } from '@rulecord/engine';
import { escapePointer } from '../api/errors.js';

/** One difference between two JSON values, at a JSON pointer (RFC 6901) of the older/newer document. */
export interface Change {
  op: 'add' | 'remove' | 'replace';
  pointer: string;
  before?: Json;
  after?: Json;
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `o[k]` when `o` has its own `k`: a missing `__proto__` or `constructor` key is missing, not Object.prototype's. */
const own = (o: Record<string, Json>, k: string): Json | undefined => (Object.hasOwn(o, k) ? o[k] : undefined);

/**
 * Structural diff of two JSON values. Objects are compared key by key, arrays index by index (a removed middle element
 * shows as replaced elements plus one removal), everything else by value.
 *
 * @example diffJson({ a: 1 }, { a: 2, b: true }) // [{ op: 'replace', pointer: '/a', before: 1, after: 2 }, { op: 'add', pointer: '/b', after: true }]
 */
export function diffJson(before: Json | undefined, after: Json | undefined, pointer = ''): Change[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ op: 'add', pointer, after: after as Json }];
  if (after === undefined) return [{ op: 'remove', pointer, before }];
  if (isObject(before) && isObject(after)) {
    const out: Change[] = [];
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of [...keys].sort())
      out.push(...diffJson(own(before, k), own(after, k), `${pointer}/${escapePointer(k)}`));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Change[] = [];
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) out.push(...diffJson(before[i], after[i], `${pointer}/${i}`));
    return out;
  }
  return deepEqual(before, after) ? [] : [{ op: 'replace', pointer, before, after }];
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Rules (or template uses) compared by `id`: what a plan shows first. */
export interface RuleChanges {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: number;
}

export function diffRules(before: readonly { id?: unknown }[], after: readonly { id?: unknown }[]): RuleChanges {
  const index = (rules: readonly { id?: unknown }[]) =>
    new Map(rules.map((r, i) => [typeof r.id === 'string' ? r.id : `#${i}`, r]));
  const a = index(before);
  const b = index(after);
  const out: RuleChanges = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [id, rule] of b) {
    const old = a.get(id);
    if (old === undefined) out.added.push(id);
    else if (deepEqual(old, rule)) out.unchanged++;
    else out.changed.push(id);
  }
  for (const id of a.keys()) if (!b.has(id)) out.removed.push(id);
  return out;
}
