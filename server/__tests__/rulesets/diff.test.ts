import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '@rulecord/engine';
import { deepEqual, diffJson, diffRules, type Change } from '../../src/rulesets/diff.js';

/** Applies changes the way a reader of a diff would: each pointer is a path into the old/new value. */
function apply(value: Json, changes: Change[]): Json {
  let root: Json = structuredClone(value);
  // removals deepest and highest index first, so earlier pointers stay valid
  const ordered = [...changes].sort((a, b) =>
    a.op === 'remove' && b.op === 'remove'
      ? cmpDesc(a.pointer, b.pointer)
      : a.op === 'remove'
        ? -1
        : b.op === 'remove'
          ? 1
          : 0,
  );
  for (const c of ordered) {
    const tokens =
      c.pointer === ''
        ? []
        : c.pointer
            .slice(1)
            .split('/')
            .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (tokens.length === 0) {
      root = c.op === 'remove' ? (null as Json) : (c.after as Json);
      continue;
    }
    let parent = root as Record<string, Json> | Json[];
    for (const t of tokens.slice(0, -1)) parent = (parent as Record<string, Json>)[t] as Record<string, Json>;
    const last = tokens.at(-1)!;
    if (c.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (Array.isArray(parent)) parent[Number(last)] = c.after as Json;
    // defineProperty: a `__proto__` key is data here, not the prototype
    else Object.defineProperty(parent, last, { value: c.after, enumerable: true, writable: true, configurable: true });
  }
  return root;
}
function cmpDesc(a: string, b: string): number {
  const na = Number(a.split('/').at(-1));
  const nb = Number(b.split('/').at(-1));
  return Number.isNaN(na) || Number.isNaN(nb) ? b.localeCompare(a) : nb - na;
}

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;

describe('diffJson', () => {
  it('finds nothing between a value and itself', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(diffJson(v, structuredClone(v))).toEqual([]);
      }),
    );
  });

  it('is complete: applying the changes to the old value gives the new one', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(deepEqual(apply(a, diffJson(a, b)), JSON.parse(JSON.stringify(b)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads only own keys: `__proto__` and `constructor` are keys like any other', () => {
    const proto = JSON.parse('{"__proto__": false}') as Json;
    expect(diffJson({}, proto)).toEqual([{ op: 'add', pointer: '/__proto__', after: false }]);
    expect(diffJson(proto, {})).toEqual([{ op: 'remove', pointer: '/__proto__', before: false }]);
    expect(diffJson({}, { constructor: 1 })).toEqual([{ op: 'add', pointer: '/constructor', after: 1 }]);
  });

  it('escapes pointer tokens (RFC 6901)', () => {
    expect(diffJson({ 'a/b': 1, 'c~d': 1 }, { 'a/b': 2, 'c~d': 2 }).map((c) => c.pointer)).toEqual(['/a~1b', '/c~0d']);
  });
});

describe('diffRules', () => {
  it('partitions the ids: every id is exactly one of added, removed, changed, unchanged', () => {
    const rules = fc.uniqueArray(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), v: fc.nat(2) }), {
      selector: (r) => r.id,
    });
    fc.assert(
      fc.property(rules, rules, (before, after) => {
        const d = diffRules(before, after);
        const ids = new Set([...before, ...after].map((r) => r.id));
        expect(d.added.length + d.removed.length + d.changed.length + d.unchanged).toBe(ids.size);
        for (const id of d.added) expect(before.some((r) => r.id === id)).toBe(false);
        for (const id of d.removed) expect(after.some((r) => r.id === id)).toBe(false);
        for (const id of d.changed)
          expect(before.find((r) => r.id === id)?.v).not.toBe(after.find((r) => r.id === id)?.v);
      }),
    );
  });

  it('compares entries without an id by position', () => {
    const before: { id?: unknown; on?: string }[] = [{ on: 'a' }, { id: 'x' }];
    const after: { id?: unknown; on?: string }[] = [{ on: 'b' }, { id: 'x' }, { on: 'c' }];
    expect(diffRules(before, after)).toEqual({ added: ['#2'], removed: [], changed: ['#0'], unchanged: 1 });
  });
});
