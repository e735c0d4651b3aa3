/**
 * Code generation for a `ConditionSet`: every condition of a rule set becomes one small JavaScript function, with one
 * function per shared leaf and per fact slot, called directly (so the JIT inlines them) instead of through closures
 * kept in arrays. The generated text holds only structure and integer indexes: every value a tenant wrote (fact
 * names, params, constants, regexes) stays in arrays handed to the generated scope, never in the source.
 *
 * Inside, the generated functions answer 1 (true), 2 (false) or 0 (a fact is still resolving: PENDING; the roots
 * turn these into true, false and PENDING), and read facts and
 * shared leaves through the event's `ConditionMemo`. They agree with the closure tree the compiler also builds (the
 * tree records traces); `engine/__tests__/compile/differential.test.ts` checks both against json-rules-engine.
 */
import type { JsonObject } from '../model/document.js';
import type { ConditionMemo, FactReader } from './compiler.js';
import { factPathValue, type PathSegments } from './path.js';

/** A generated condition: true, false, or the reader's PENDING. */
export type Generated = (read: FactReader, memo: ConditionMemo) => boolean | symbol;

/** A condition as the generator sees it. */
export type Ir =
  | { k: 'true' }
  | {
      k: 'leaf';
      /** Shared leaf slot in `memo.leaves`. */
      slot: number;
      /** Fact slot in `memo.facts`. */
      fact: number;
      seg: PathSegments | null;
      test: (v: unknown) => boolean;
      /** A test the generator writes inline (same semantics as `test`, which stays the fallback). */
      inline?: Inline;
    }
  | {
      k: 'ref';
      fact: number;
      seg: PathSegments | null;
      ref: number;
      refSeg: PathSegments | null;
      evaluate: (a: unknown, b: unknown) => boolean;
    }
  | { k: 'all' | 'any'; children: Ir[] }
  | { k: 'not'; child: Ir };

/**
 * Tests written inline: `equal` / `notEqual` (`===` / `!==`), numeric comparisons with a number (non-numbers go to
 * `test`), and short id lists (`in`, `notIn`, `containsAny`, `containsNone`; lists without NaN).
 */
export type Inline =
  | { kind: 'eq'; op: '===' | '!=='; value: unknown }
  | { kind: 'cmp'; op: '<' | '<=' | '>' | '>='; value: number }
  | { kind: 'in'; negate: boolean; list: readonly unknown[] }
  | { kind: 'contains'; any: boolean; list: readonly unknown[] };

export interface FactSlot {
  name: string;
  params: JsonObject | undefined;
}

/**
 * A generated program (see `ConditionSet.program`): runs steps `from`… in order, writes each quiet step's outcome to
 * `out` (0: its `where` was false, 1: its condition was false) and returns the index of the first step that is not
 * quiet (true, no condition, PENDING, or a fact that threw), or the number of steps.
 */
export type GeneratedProgram = (
  read: FactReader,
  whereRead: FactReader,
  memo: ConditionMemo,
  from: number,
  out: Uint8Array,
) => number;

/** One step of a program: root indexes of its `where` and of its condition, -1 for none. */
export interface ProgramStep {
  where: number;
  cond: number;
}

/**
 * Generates the functions of `roots` (one per condition, same order). `unread` marks a fact slot not read yet,
 * `pending` is the reader's PENDING.
 */
export function generate(
  roots: readonly Ir[],
  facts: readonly FactSlot[],
  unread: symbol,
  pending: symbol,
  programs: readonly (readonly ProgramStep[])[] = [],
): { roots: Generated[]; programs: GeneratedProgram[] } {
  const values: unknown[] = [];
  const constant = (v: unknown): string => {
    values.push(v);
    return `C[${values.length - 1}]`;
  };
  const out: string[] = [];
  const hoisted: string[] = [];
  const factFns = new Set<number>();
  const leafFns = new Set<number>();
  let counter = 0;
  // How many places test each leaf: a leaf only one place tests needs no memo (nobody else would read its answer).
  const uses = new Map<number, number>();
  const count = (ir: Ir): void => {
    if (ir.k === 'leaf') uses.set(ir.slot, (uses.get(ir.slot) ?? 0) + 1);
    else if (ir.k === 'all' || ir.k === 'any') ir.children.forEach(count);
    else if (ir.k === 'not') count(ir.child);
  };
  roots.forEach(count);

  const factFn = (slot: number): string => {
    if (!factFns.has(slot)) {
      factFns.add(slot);
      const info = facts[slot] as FactSlot;
      hoisted.push(`const fn${slot} = ${constant(info.name)}, fp${slot} = ${constant(info.params)};`);
      out.push(
        `function f${slot}(read, V) {`,
        `  let v = V[${slot}];`,
        `  if (v === U) { v = read(fn${slot}, fp${slot}, ${slot}); if (v !== P) V[${slot}] = v; }`,
        `  return v;`,
        `}`,
      );
    }
    return `f${slot}`;
  };
  const segmented = (name: string, seg: PathSegments | null): string => {
    if (seg === null) return '';
    const s = `s${counter++}`;
    hoisted.push(`const ${s} = ${constant(seg)};`);
    return `  ${name} = path(${name}, ${s});`;
  };

  const emit = (ir: Ir): string => {
    switch (ir.k) {
      case 'true':
        return 'yes';
      case 'leaf': {
        const name = `l${ir.slot}`;
        if (leafFns.has(ir.slot)) return name;
        leafFns.add(ir.slot);
        const f = factFn(ir.fact);
        const seg = segmented('v', ir.seg);
        const t = `t${counter++}`;
        hoisted.push(`const ${t} = ${constant(ir.test)};`);
        const test = ir.inline === undefined ? `${t}(v)` : inline(ir.inline, t);
        if ((uses.get(ir.slot) ?? 0) <= 1) {
          out.push(
            `function ${name}(read, memo) {`,
            `  let v = ${f}(read, memo.facts);`,
            `  if (v === P) return 0;`,
            ...(seg === '' ? [] : [seg]),
            `  return ${test} ? 1 : 2;`,
            `}`,
          );
          return name;
        }
        out.push(
          `function ${name}(read, memo) {`,
          `  const L = memo.leaves;`,
          `  const m = L[${ir.slot}];`,
          `  if (m !== 0) return m;`,
          `  let v = ${f}(read, memo.facts);`,
          `  if (v === P) return 0;`,
          ...(seg === '' ? [] : [seg]),
          `  const r = ${test} ? 1 : 2;`,
          `  L[${ir.slot}] = r;`,
          `  return r;`,
          `}`,
        );
        return name;
      }
      case 'ref': {
        const name = `r${counter++}`;
        const t = `t${counter++}`;
        hoisted.push(`const ${t} = ${constant(ir.evaluate)};`);
        const seg = segmented('v', ir.seg);
        const refSeg = segmented('e', ir.refSeg);
        out.push(
          `function ${name}(read, memo) {`,
          `  let e = ${factFn(ir.ref)}(read, memo.facts);`,
          `  if (e === P) return 0;`,
          ...(refSeg === '' ? [] : [refSeg]),
          `  let v = ${factFn(ir.fact)}(read, memo.facts);`,
          `  if (v === P) return 0;`,
          ...(seg === '' ? [] : [seg]),
          `  return ${t}(v, e) ? 1 : 2;`,
          `}`,
        );
        return name;
      }
      case 'not': {
        const child = emit(ir.child);
        const name = `n${counter++}`;
        out.push(
          `function ${name}(read, memo) {`,
          `  const r = ${child}(read, memo);`,
          `  return r === 0 ? 0 : 3 - r;`,
          `}`,
        );
        return name;
      }
      case 'all':
      case 'any': {
        if (ir.children.length === 0) return 'yes'; // json-rules-engine: an empty `all` or `any` is true
        const children = ir.children.map(emit);
        if (children.length === 1) return children[0] as string;
        const name = `n${counter++}`;
        // `all` stops at the first answer that is not true, `any` at the first that is not false (PENDING included).
        const decided = ir.k === 'all' ? 1 : 2;
        const body = children.slice(0, -1).map((c) => `  r = ${c}(read, memo); if (r !== ${decided}) return r;`);
        out.push(
          `function ${name}(read, memo) {`,
          `  let r;`,
          ...body,
          `  return ${children.at(-1) as string}(read, memo);`,
          `}`,
        );
        return name;
      }
    }
  };

  /** Hoists each list item as a constant and writes `x === k0 || x === k1 …` (false for an empty list). */
  const member = (x: string, list: readonly unknown[]): string => {
    if (list.length === 0) return 'false';
    return list
      .map((item) => {
        const k = `k${counter++}`;
        hoisted.push(`const ${k} = ${constant(item)};`);
        return `${x} === ${k}`;
      })
      .join(' || ');
  };
  const inline = (t: Inline, fallback: string): string => {
    switch (t.kind) {
      case 'eq': {
        const k = `k${counter++}`;
        hoisted.push(`const ${k} = ${constant(t.value)};`);
        return `v ${t.op} ${k}`;
      }
      case 'cmp': {
        const k = `k${counter++}`;
        hoisted.push(`const ${k} = ${constant(t.value)};`);
        return `(typeof v === 'number' ? v ${t.op} ${k} : ${fallback}(v))`;
      }
      case 'in':
        return t.negate ? `!(${member('v', t.list)})` : `(${member('v', t.list)})`;
      case 'contains': {
        const fn = `c${counter++}`;
        // Does some item of the array `v` belong to the list? Not an array: false for both operators.
        out.push(
          `function ${fn}(v) {`,
          `  if (!Array.isArray(v)) return false;`,
          `  for (let i = 0; i < v.length; i++) { const x = v[i]; if (${member('x', t.list)}) return ${t.any}; }`,
          `  return ${!t.any};`,
          `}`,
        );
        return `${fn}(v)`;
      }
    }
  };

  const inner: string[] = [];
  const names = roots.map((root, i) => {
    const name = emit(root);
    inner.push(name);
    out.push(
      `function root${i}(read, memo) {`,
      `  const r = ${name}(read, memo);`,
      `  return r === 1 ? true : r === 2 ? false : P;`,
      `}`,
    );
    return `root${i}`;
  });
  // A program: one `case` per step, falling through to the next; the first step that is not quiet returns its index.
  const programNames = programs.map((steps, p) => {
    const name = `prog${p}`;
    out.push(
      `function ${name}(read, wread, memo, from, out) {`,
      `  let k = from, r;`,
      `  try {`,
      `    switch (from) {`,
    );
    steps.forEach((step, k) => {
      out.push(`      case ${k}:`, `        k = ${k};`);
      const cond =
        step.cond < 0
          ? [`return ${k};`]
          : [`r = ${inner[step.cond] as string}(read, memo);`, `if (r !== 2) return ${k};`, `out[${k}] = 1;`];
      if (step.where < 0) out.push(...cond.map((line) => `        ${line}`));
      else
        out.push(
          `        r = ${inner[step.where] as string}(wread, memo);`,
          `        if (r === 0) return ${k};`,
          `        if (r === 2) out[${k}] = 0;`,
          `        else {`,
          ...cond.map((line) => `          ${line}`),
          `        }`,
        );
      out.push(`      // falls through`);
    });
    out.push(`    }`, `  } catch {`, `    return k;`, `  }`, `  return ${steps.length};`, `}`);
    return name;
  });
  const source = [
    `'use strict';`,
    `const U = ctx.unread, P = ctx.pending, C = ctx.values, path = ctx.path;`,
    ...hoisted,
    `function yes() { return 1; }`,
    ...out,
    `return { roots: [${names.join(', ')}], programs: [${programNames.join(', ')}] };`,
  ].join('\n');
  return factory(source)({ unread, pending, values, path: factPathValue });
}

type Factory = (ctx: unknown) => { roots: Generated[]; programs: GeneratedProgram[] };
/**
 * Compiled sources, by text. Rule sets of the same shape (every guild that imported a template, every reload of a
 * guild) share one factory, so their functions are closures of the same code: the JIT warms them up once for all of
 * them, as it does for the closures of the compiler, instead of once per guild and per load.
 */
const factories = new Map<string, Factory>();
const MAX_FACTORIES = 2_000;

function factory(source: string): Factory {
  let build = factories.get(source);
  if (build !== undefined) {
    // Most recently used last: the oldest shape goes first when the cache is full.
    factories.delete(source);
    factories.set(source, build);
    return build;
  }
  // Structure and indexes only, never a document's values: see the module comment.
  build = new Function('ctx', source) as Factory;
  factories.set(source, build);
  if (factories.size > MAX_FACTORIES) factories.delete(factories.keys().next().value as string);
  return build;
}
