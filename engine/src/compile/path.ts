/**
 * Dotted paths into fact values (`author.roles.0`, `embeds.length`). Never JSONPath: tenants write these, and a
 * dotted path is all they need. Segments are own properties of objects, integer indexes of arrays, and `length` of
 * arrays and strings. Anything else (a missing key, an index out of range, a step into a primitive) yields
 * `undefined`; inherited properties such as `constructor` or `__proto__` are never reachable.
 */

const hasOwn = Object.prototype.hasOwnProperty;
const INDEX = /^(?:0|[1-9][0-9]*)$/;

/** A dotted path split once, at load time. */
export type PathSegments = readonly string[];

/** Splits a dotted path (`a.b.0`) into segments; an empty path has no segments. */
export function splitPath(dottedPath: string): PathSegments {
  return dottedPath === '' ? [] : dottedPath.split('.');
}

/** Why a path is not a valid dotted path, or `null` when it is. */
export function pathProblem(dottedPath: string): string | null {
  if (dottedPath.startsWith('$')) return 'JSONPath is not supported: write a dotted path such as `author.roles.0`';
  if (dottedPath === '') return 'the path is empty';
  for (const segment of dottedPath.split('.')) {
    if (segment === '') return 'a path segment is empty (two dots in a row, or a leading or trailing dot)';
    if (/[[\]*?]/.test(segment))
      return `segment \`${segment}\` looks like JSONPath: use plain dotted segments such as \`a.0.b\``;
    if (segment === '__proto__' || segment === 'prototype' || segment === 'constructor') {
      return `segment \`${segment}\` is not readable`;
    }
  }
  return null;
}

/** One step: own property of an object, index or `length` of an array, `length` of a string. */
function step(value: unknown, segment: string): unknown {
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) {
      if (segment === 'length') return value.length;
      return INDEX.test(segment) ? value[Number(segment)] : undefined;
    }
    return hasOwn.call(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
  }
  if (typeof value === 'string' && segment === 'length') return value.length;
  return undefined;
}

/** Reads pre-split segments from `value`. */
export function getSegments(value: unknown, segments: PathSegments): unknown {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    if (current === undefined || current === null) return undefined;
    current = step(current, segments[i] as string);
  }
  return current;
}

/**
 * Reads a dotted path from a value.
 *
 * @example
 * getPath({ author: { roles: ['a', 'b'] } }, 'author.roles.1'); // 'b'
 * getPath({ author: null }, 'author.id'); // undefined
 */
export function getPath(value: unknown, dottedPath: string): unknown {
  let segments = splitCache.get(dottedPath);
  if (segments === undefined) {
    segments = splitPath(dottedPath);
    if (splitCache.size >= 10_000) splitCache.clear();
    splitCache.set(dottedPath, segments);
  }
  return getSegments(value, segments);
}
/** Paths are few (the ones written in rules); splitting each once keeps `getPath` allocation-free. */
const splitCache = new Map<string, PathSegments>();

/**
 * What a condition sees for `fact` + `path`: json-rules-engine applies the path only when the fact's value is a
 * non-null object and otherwise hands the value through unchanged (so `path` on a string fact reads the string).
 * Kept identical so rules behave as they do in json-rules-engine.
 */
export function factPathValue(factValue: unknown, segments: PathSegments): unknown {
  return factValue !== null && typeof factValue === 'object' ? getSegments(factValue, segments) : factValue;
}
