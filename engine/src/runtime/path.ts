const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** True for a path segment that may never be followed (prototype access). */
export function isForbiddenSegment(segment: string): boolean {
  return FORBIDDEN.has(segment);
}

/**
 * Reads a dotted path (`a.b.0.c`) through own properties only: no prototype, no getters of built-ins, no functions.
 * Missing → `undefined`.
 */
export function safeGet(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || current === undefined) return undefined;
    if (FORBIDDEN.has(segment)) return undefined;
    if (typeof current === 'string') {
      if (segment === 'length') {
        current = current.length;
        continue;
      }
      return undefined;
    }
    if (typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
    if (typeof current === 'function') return undefined;
  }
  return current;
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}
