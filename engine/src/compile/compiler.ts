import type { Condition, JsonObject } from '../model/document.js';
import { RulecordError } from '../errors/error.js';
import {
  builtinOperators,
  constantTest,
  resolveOperator,
  type OperatorDefinition,
  type OperatorTable,
} from './operators.js';
import { factPathValue, pathProblem, splitPath, type PathSegments } from './path.js';
import { compileRegex, regexSpec, utf8, type Re2, type RegexSpec } from './regex.js';
import {
  generate,
  type FactSlot,
  type Generated,
  type GeneratedProgram,
  type Inline,
  type Ir,
  type ProgramStep,
} from './codegen.js';

/** A fact that is not resolved yet (an async provider). The caller resolves it and calls `evaluate` again. */
export const PENDING: unique symbol = Symbol('rulecord.pending');
export type Pending = typeof PENDING;

/**
 * How a compiled condition reads facts: the value (memoised per event by the runtime), or `PENDING` when the fact
 * is async and not resolved yet. `params` is the leaf's `params` object, the same (frozen) object on every call, so
 * it can key a memo by identity.
 */
/**
 * Reads a fact for a condition. The generated code of a `ConditionSet` also passes the fact's slot in the set
 * (`ConditionSet.slotFacts()[slot]` is this name and params), so a reader that knows the set can skip looking the
 * fact up by name; a reader may ignore it.
 */
export type FactReader = (name: string, params: JsonObject | undefined, slot?: number) => unknown;

/** What one leaf saw, for traces. */
export interface LeafResult {
  /** JSON pointer of the leaf in the rule document. */
  pointer: string;
  fact: string;
  path?: string;
  operator: string;
  /** The condition's value (a referenced fact's value when `value` is `{ fact }`). */
  expected: unknown;
  /** The fact value after `path`. */
  actual: unknown;
  result: boolean;
}

export interface CompiledCondition {
  /**
   * Evaluates synchronously with json-rules-engine's truth semantics, short-circuiting `all` on the first false and
   * `any` on the first true. Returns `PENDING` as soon as a read returns `PENDING`: the caller resolves that fact and
   * calls again (clear `leaves` first: a pending evaluation leaves a partial list). `leaves`, when not null, receives
   * one entry per leaf evaluated, in order; with `null` nothing is recorded and nothing is allocated.
   */
  evaluate(read: FactReader, leaves: LeafResult[] | null): boolean | Pending;
  /**
   * `evaluate` sharing one event's memo with the other conditions of its `ConditionSet`: a fact is read once per
   * event, and a leaf that several rules share (same fact, path, params, operator and value) is tested once. The
   * memo must come from the same set's `memo()`. With `leaves` (a trace) the memo is not used.
   */
  evaluateIn(read: FactReader, memo: ConditionMemo, leaves: LeafResult[] | null): boolean | Pending;
  /** Every fact name the condition may read (for validation and prefetch). */
  readonly facts: ReadonlySet<string>;
}

export interface CompileOptions {
  /** JSON pointer of the condition in the document (leaf pointers in traces are relative to it). */
  pointer?: string;
  operators?: OperatorTable;
  /**
   * What reading a fact costs, relative (default: 0 for `event.*` and `now`, 1 otherwise). Siblings of `all` / `any`
   * are evaluated cheapest first (after json-rules-engine's `priority`, which wins): the truth value is the same, and
   * an expensive fact (`io`) is read only when the cheap leaves could not decide.
   */
  factCost?: (fact: string) => number;
}

/** Fact values and leaf results of ONE event, shared by the conditions of one `ConditionSet`. */
export interface ConditionMemo {
  /** Per shared leaf: 0 not tested yet, 1 true, 2 false (bytes: reset is a memset). */
  readonly leaves: Uint8Array;
  /** Per fact (name + params): the value read, or `UNREAD`. */
  readonly facts: unknown[];
}

const UNREAD: unique symbol = Symbol('rulecord.unread');

/** The closure tree: evaluates without a memo, and records leaves for traces. */
type Node = (read: FactReader, leaves: LeafResult[] | null) => boolean | Pending;
/** A compiled condition: its closure tree, the generator's view of it, and what it costs to evaluate. */
interface Compiled {
  node: Node;
  ir: Ir;
  cost: number;
}
/** A compiled child of `all` / `any`, with what orders it among its siblings. */
interface Part extends Compiled {
  /** Its source, for combining `matches` siblings. */
  cond: unknown;
  priority: number;
  index: number;
}

/**
 * The conditions of an event's rules, evaluated in order in one call (`ConditionSet.program`): the engine's loop
 * over the rules an event reaches, up to the first one that is not quiet.
 */
export interface ConditionProgram {
  /** Steps in the program. */
  readonly length: number;
  /**
   * Evaluates steps `from`… in order over one event's memo: a step's `where` (read with `whereRead`), then its
   * condition (read with `read`). A quiet step gets its outcome in `out` — 0 when its `where` was false, 1 when its
   * condition was — and the run goes on; it stops at the first step that is not quiet (its condition is true or
   * PENDING, it has none, or a fact threw) and returns that step's index, or `length` when every step was quiet.
   * The caller evaluates the step it stopped at on its own (with the same memo, nothing is read or tested twice).
   */
  run(read: FactReader, whereRead: FactReader, memo: ConditionMemo, from: number, out: Uint8Array): number;
}

/** Distinct leaves of a condition set above which no code is generated (see `ConditionSet.prepare`). */
export const MAX_GENERATED_LEAVES = 10_000;
/** Memos a `ConditionSet` keeps for reuse (`release`). */
const MAX_SPARE_MEMOS = 8;

/** Deeper trees than this are refused (`RC_CONDITION_TOO_DEEP`): nobody writes them, and recursion has a cost. */
export const MAX_CONDITION_DEPTH = 32;

const hasOwn = Object.prototype.hasOwnProperty;
const TRUE: Node = () => true;

function fail(code: string, message: string, pointer: string, fix?: string): never {
  throw new RulecordError(code, message, fix === undefined ? { pointer } : { pointer, fix });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** json-rules-engine's test for a value that references a fact: a non-null object with an own `fact` key. */
export function isFactRef(value: unknown): value is { fact: string; path?: string; params?: JsonObject } {
  return typeof value === 'object' && value !== null && hasOwn.call(value, 'fact');
}

/** json-rules-engine picks the boolean operator by the first own key among `any`, `all`, `not`, in that order. */
export function booleanKey(node: Record<string, unknown>): 'any' | 'all' | 'not' | undefined {
  if (hasOwn.call(node, 'any')) return 'any';
  if (hasOwn.call(node, 'all')) return 'all';
  if (hasOwn.call(node, 'not')) return 'not';
  return undefined;
}

/** `value` with every object and array in it frozen (compiled params and values, static action parameters). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function priorityOf(node: unknown): number {
  if (!isObject(node)) return 1;
  const p = Number.parseInt(String(node.priority), 10);
  return Number.isFinite(p) && p > 0 ? p : 1;
}

function checkedPath(path: unknown, pointer: string): PathSegments | null {
  if (path === undefined) return null;
  if (typeof path !== 'string')
    fail(
      'RC_BAD_PATH',
      `\`path\` must be a dotted path string, got ${typeof path}`,
      pointer,
      'Write e.g. `path: author.roles.0`.',
    );
  if (path === '') return null; // json-rules-engine ignores an empty path
  const problem = pathProblem(path);
  if (problem !== null)
    fail(
      'RC_BAD_PATH',
      `Invalid path \`${path}\`: ${problem}`,
      pointer,
      'Write a dotted path such as `author.roles.0`.',
    );
  return splitPath(path);
}

function checkedParams(params: unknown, pointer: string): JsonObject | undefined {
  if (params === undefined) return undefined;
  if (!isObject(params)) fail('RC_BAD_CONDITION', '`params` must be an object', pointer);
  return deepFreeze(structuredClone(params) as JsonObject);
}

const defaultFactCost = (fact: string): number => (fact === 'now' || fact.startsWith('event.') ? 0 : 1);

/**
 * Compiles the conditions of one rule set against shared tables: each distinct fact (name + params) and each distinct
 * leaf (fact, path, params, operator, value) gets a slot, so with one event's `ConditionMemo` every fact is read once
 * and every shared leaf tested once, whichever rule reaches it first. The conditions are generated as one block of
 * JavaScript (see codegen.ts) on first use. `compileCondition` is a set of one.
 *
 * @example
 * const set = new ConditionSet();
 * const a = set.compile(ruleA.if, { pointer: '/rules/0/if' });
 * const b = set.compile(ruleB.if, { pointer: '/rules/1/if' });
 * const memo = set.memo(); // per event
 * a.evaluateIn(read, memo, null); b.evaluateIn(read, memo, null);
 */
export class ConditionSet {
  private readonly factSlots = new Map<string, number>();
  private readonly factInfo: FactSlot[] = [];
  private readonly leafSlots = new Map<string, number>();
  private readonly roots: Ir[] = [];
  /** The generated conditions, filled on first use (and again when a condition is added). */
  private readonly generated: Generated[] = [];
  /** Root index of each compiled condition. */
  private readonly rootOf = new WeakMap<CompiledCondition, number>();
  /** Programs, as root indexes, and their generated functions (filled with the conditions). */
  private readonly programSteps: ProgramStep[][] = [];
  private readonly generatedPrograms: GeneratedProgram[] = [];
  private readonly operators: OperatorTable;
  private readonly factCost: (fact: string) => number;
  /** Past this many distinct leaves the set is not generated (it would take long): conditions run as closures. */
  private readonly maxGeneratedLeaves: number;
  private closuresOnly = false;
  /** Memos given back by `release`, reset. */
  private readonly spare: ConditionMemo[] = [];

  constructor(options: Omit<CompileOptions, 'pointer'> & { maxGeneratedLeaves?: number } = {}) {
    this.operators = options.operators ?? builtinOperators;
    this.factCost = options.factCost ?? defaultFactCost;
    this.maxGeneratedLeaves = options.maxGeneratedLeaves ?? MAX_GENERATED_LEAVES;
  }

  /**
   * Generates the code now (the engine calls it when it loads a rule set, so no event waits for it): about 40 µs per
   * distinct leaf, once per shape. A set larger than `maxGeneratedLeaves` is left to the closure trees (no memo).
   */
  prepare(): void {
    this.closuresOnly = this.leafSlots.size > this.maxGeneratedLeaves;
    if (!this.closuresOnly && this.roots.length > 0 && this.generated.length === 0) this.generate(0);
  }

  /** Compiles one condition; throws a `RulecordError` on a malformed one (see `compileCondition`). */
  compile(condition: Condition, options: { pointer?: string } = {}): CompiledCondition {
    const compiler = new Compiler(this, this.operators, this.factCost);
    const { node, ir } = compiler.node(condition, options.pointer ?? '', 0);
    const index = this.roots.length;
    this.roots.push(ir);
    this.generated.length = 0;
    const generated = this.generated;
    const compiled: CompiledCondition = Object.freeze({
      evaluate: node,
      evaluateIn: (read: FactReader, memo: ConditionMemo, leaves: LeafResult[] | null): boolean | Pending => {
        if (leaves !== null || this.closuresOnly) return node(read, leaves);
        const f = generated[index] ?? this.generate(index);
        return f(read, memo) as boolean | Pending;
      },
      facts: compiler.facts,
    });
    this.rootOf.set(compiled, index);
    return compiled;
  }

  /**
   * A program over conditions of this set (see `ConditionProgram`): each step is a `where` and a condition, either
   * may be null. Generated with the conditions (one function, steps as the cases of a switch, so every condition is
   * called directly); the closure trees run it when the set is not generated.
   */
  program(
    steps: readonly { where: CompiledCondition | null; condition: CompiledCondition | null }[],
  ): ConditionProgram {
    const rootIndex = (c: CompiledCondition | null): number => {
      if (c === null) return -1;
      const i = this.rootOf.get(c);
      if (i === undefined) throw new Error('ConditionSet.program: a condition of another set');
      return i;
    };
    const p = this.programSteps.length;
    this.programSteps.push(steps.map((s) => ({ where: rootIndex(s.where), cond: rootIndex(s.condition) })));
    this.generated.length = 0;
    const list = steps.map((s) => ({ where: s.where, condition: s.condition }));
    return Object.freeze({
      length: steps.length,
      run: (read: FactReader, whereRead: FactReader, memo: ConditionMemo, from: number, out: Uint8Array): number => {
        if (!this.closuresOnly) {
          if (this.generated.length === 0 && this.roots.length > 0) this.generate(0);
          const f = this.generatedPrograms[p];
          if (f !== undefined) return f(read, whereRead, memo, from, out);
        }
        return runSteps(list, read, whereRead, memo, from, out);
      },
    });
  }

  /** A fresh memo for one event (sized for every condition compiled so far). */
  memo(): ConditionMemo {
    const spare = this.spare.pop();
    if (
      spare !== undefined &&
      spare.leaves.length === this.leafSlots.size &&
      spare.facts.length === this.factInfo.length
    )
      return spare;
    return {
      leaves: new Uint8Array(this.leafSlots.size),
      facts: new Array<unknown>(this.factInfo.length).fill(UNREAD),
    };
  }

  /**
   * Gives an event's memo back once nothing will read it again: it is reset, and the next `memo()` hands it out
   * instead of a new one (a few are kept: events in flight at once each have their own).
   */
  release(memo: ConditionMemo): void {
    if (this.spare.length >= MAX_SPARE_MEMOS) return;
    memo.leaves.fill(0);
    memo.facts.fill(UNREAD);
    this.spare.push(memo);
  }

  /** Distinct facts and distinct leaves over the set. */
  get size(): { conditions: number; facts: number; leaves: number } {
    return { conditions: this.roots.length, facts: this.factInfo.length, leaves: this.leafSlots.size };
  }

  private generate(index: number): Generated {
    const { roots, programs } = generate(this.roots, this.factInfo, UNREAD, PENDING, this.programSteps);
    this.generated.length = 0;
    this.generated.push(...roots);
    this.generatedPrograms.length = 0;
    this.generatedPrograms.push(...programs);
    return roots[index] as Generated;
  }

  /** The facts the set's conditions read, by slot (see `FactReader`): grows as conditions are compiled. */
  slotFacts(): readonly FactSlot[] {
    return this.factInfo;
  }

  /** @internal The slot of a fact (name + params). */
  factSlot(fact: string, params: JsonObject | undefined): number {
    const key = params === undefined ? fact : `${fact}\u0000${identity(params)}`;
    let slot = this.factSlots.get(key);
    if (slot === undefined) {
      slot = this.factInfo.length;
      this.factSlots.set(key, slot);
      this.factInfo.push({ name: fact, params });
    }
    return slot;
  }

  /** @internal The slot of a leaf, by its identity. */
  leafSlot(key: string): number {
    let slot = this.leafSlots.get(key);
    if (slot === undefined) {
      slot = this.leafSlots.size;
      this.leafSlots.set(key, slot);
    }
    return slot;
  }
}

/** `ConditionProgram.run` over the conditions themselves (a set that is not generated): the same answers. */
function runSteps(
  steps: readonly { where: CompiledCondition | null; condition: CompiledCondition | null }[],
  read: FactReader,
  whereRead: FactReader,
  memo: ConditionMemo,
  from: number,
  out: Uint8Array,
): number {
  for (let k = from; k < steps.length; k++) {
    const { where, condition } = steps[k] as (typeof steps)[number];
    try {
      if (where !== null) {
        const w = where.evaluateIn(whereRead, memo, null);
        if (w === PENDING) return k;
        if (w === false) {
          out[k] = 0;
          continue;
        }
      }
      if (condition === null || condition.evaluateIn(read, memo, null) !== false) return k;
      out[k] = 1;
    } catch {
      return k;
    }
  }
  return steps.length;
}

/**
 * A key that tells two values apart exactly where a test could (JSON would merge NaN, Infinity and null, or -0 and
 * 0): leaves share a memo slot only when their keys are equal.
 */
function identity(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? 'n-0' : `n${value}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'u';
  if (value === null || typeof value !== 'object') return `${typeof value}:${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(identity).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${identity(v)}`)
    .join(',')}}`;
}

class Compiler {
  readonly facts = new Set<string>();
  constructor(
    private readonly set: ConditionSet,
    private readonly operators: OperatorTable,
    private readonly factCost: (fact: string) => number,
  ) {}

  node(cond: unknown, pointer: string, depth: number): Compiled {
    if (depth > MAX_CONDITION_DEPTH) {
      fail(
        'RC_CONDITION_TOO_DEEP',
        `Conditions are nested more than ${MAX_CONDITION_DEPTH} levels deep`,
        pointer,
        'Flatten the nesting: `all` inside `all` can be merged.',
      );
    }
    if (!isObject(cond))
      fail('RC_BAD_CONDITION', 'A condition must be an object with `all`, `any`, `not` or `fact`', pointer);
    const key = booleanKey(cond);
    if (key === 'not') {
      const inner = cond.not;
      if (Array.isArray(inner))
        fail(
          'RC_BAD_CONDITION',
          '`not` takes one condition, not a list',
          `${pointer}/not`,
          'Wrap the list: `not: { any: [...] }`.',
        );
      const child = this.node(inner, `${pointer}/not`, depth + 1);
      const c = child.node;
      return {
        node: (read, leaves) => {
          const r = c(read, leaves);
          return r === PENDING ? PENDING : !r;
        },
        ir: { k: 'not', child: child.ir },
        cost: child.cost,
      };
    }
    if (key === 'all' || key === 'any') {
      const list = cond[key];
      if (!Array.isArray(list))
        fail('RC_BAD_CONDITION', `\`${key}\` must be a list of conditions`, `${pointer}/${key}`);
      let parts: Part[] = list.map((c: unknown, index) => ({
        ...this.node(c, `${pointer}/${key}/${index}`, depth + 1),
        cond: c,
        priority: priorityOf(c),
        index,
      }));
      if (key === 'any') parts = this.combineRegexes(parts);
      // json-rules-engine's `priority` first (descending), then the cheapest; document order breaks ties.
      parts.sort((x, y) => y.priority - x.priority || x.cost - y.cost || x.index - y.index);
      const children = parts.map((p) => p.node);
      return {
        node: key === 'all' ? all(children) : any(children),
        ir: { k: key, children: parts.map((p) => p.ir) },
        cost: parts.reduce((sum, p) => sum + p.cost, 0),
      };
    }
    return this.leaf(cond, pointer);
  }

  leaf(cond: Record<string, unknown>, pointer: string): Compiled {
    const fact = cond.fact;
    if (typeof fact !== 'string' || fact === '')
      fail('RC_BAD_CONDITION', 'A condition needs `fact` (a fact name) or one of `all`, `any`, `not`', pointer);
    const opName = cond.operator;
    if (typeof opName !== 'string')
      fail('RC_BAD_CONDITION', `The condition on \`${fact}\` needs an \`operator\``, pointer);
    const op = resolveOperator(opName, this.operators);
    if (op === undefined)
      fail(
        'RC_UNKNOWN_OPERATOR',
        `Unknown operator \`${opName}\``,
        `${pointer}/operator`,
        'See docs/operators.md for the list.',
      );
    if (!hasOwn.call(cond, 'value'))
      fail('RC_BAD_CONDITION', `The condition on \`${fact}\` needs a \`value\``, pointer);
    this.facts.add(fact);
    const segments = checkedPath(cond.path, `${pointer}/path`);
    const params = checkedParams(cond.params, `${pointer}/params`);
    const value = cond.value;
    const path = typeof cond.path === 'string' && cond.path !== '' ? cond.path : undefined;
    const info: LeafInfo = { pointer, fact, path, operator: opName };
    const factSlot = this.set.factSlot(fact, params);
    const opCost = op.cost ?? 0;
    if (isFactRef(value)) {
      if (typeof value.fact !== 'string' || value.fact === '')
        fail('RC_BAD_CONDITION', '`value.fact` must be a fact name', `${pointer}/value/fact`);
      this.facts.add(value.fact);
      const refSegments = checkedPath(value.path, `${pointer}/value/path`);
      const refParams = checkedParams(value.params, `${pointer}/value/params`);
      return {
        node: refLeaf(info, segments, params, op, value.fact, refSegments, refParams),
        ir: {
          k: 'ref',
          fact: factSlot,
          seg: segments,
          ref: this.set.factSlot(value.fact, refParams),
          refSeg: refSegments,
          evaluate: op.evaluate,
        },
        cost: this.factCost(fact) + this.factCost(value.fact) + opCost,
      };
    }
    const expected = deepFreeze(structuredClone(value));
    const builtin = op === builtinOperators.get(op.name);
    const generic = constantTest(op, expected);
    const inline = builtin ? inlineOf(op.name, expected) : undefined;
    const test = inline === undefined ? generic : inlineTest(inline, generic);
    const node = leafNode(info, params, segments, test, expected);
    leafSources.set(node, { params, factSlot });
    return {
      node,
      ir: {
        k: 'leaf',
        slot: this.set.leafSlot(identity([fact, path ?? '', params ?? null, op.name, expected])),
        fact: factSlot,
        seg: segments,
        test,
        ...(inline === undefined ? {} : { inline }),
      },
      cost: this.factCost(fact) + opCost,
    };
  }

  /**
   * Inside an `any`, several `matches` leaves on the same fact (same path, params and flags) become one RE2
   * alternation: one pass over the text instead of one per pattern (a bad-word list written as many patterns). Leaf
   * recording uses the separate leaves, so traces still show each pattern.
   */
  private combineRegexes(parts: Part[]): Part[] {
    const groups = new Map<string, number[]>();
    parts.forEach((p, i) => {
      const c = p.cond;
      if (!isObject(c) || c.operator !== 'matches' || typeof c.fact !== 'string' || isFactRef(c.value)) return;
      const spec = regexSpec(c.value);
      if (spec === null) return;
      const key = identity([c.fact, c.path ?? '', c.params ?? null, [...spec.flags].sort().join(''), p.priority]);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const out = parts.slice();
    const drop = new Set<number>();
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      const first = parts[members[0] as number] as Part;
      const source = leafSources.get(first.node) as LeafSource;
      const specs = members.map((i) => regexSpec((parts[i]?.cond as Record<string, unknown>).value) as RegexSpec);
      let re: Re2;
      try {
        re = compileRegex({
          pattern: specs.map((s) => `(?:${s.pattern})`).join('|'),
          flags: (specs[0] as RegexSpec).flags,
        });
      } catch {
        continue; // e.g. the same named group in two patterns: keep them apart
      }
      const separate = any(members.map((i) => (parts[i] as Part).node));
      const c = first.cond as Record<string, unknown>;
      const fact = c.fact as string;
      const segments = typeof c.path === 'string' && c.path !== '' ? splitPath(c.path) : null;
      const params = source.params;
      const test = (v: unknown): boolean => typeof v === 'string' && re.test(utf8(v));
      const combined: Node = (read, leaves) => {
        if (leaves !== null) return separate(read, leaves);
        let v = read(fact, params);
        if (v === PENDING) return PENDING;
        if (segments !== null) v = factPathValue(v, segments);
        return test(v);
      };
      out[members[0] as number] = {
        node: combined,
        ir: {
          k: 'leaf',
          slot: this.set.leafSlot(identity(['\u0000matches-any', fact, c.path ?? '', params ?? null, specs])),
          fact: source.factSlot,
          seg: segments,
          test,
        },
        cost: Math.max(...members.map((i) => (parts[i] as Part).cost)),
        cond: c,
        priority: first.priority,
        index: first.index,
      };
      for (const i of members.slice(1)) drop.add(i);
    }
    return out.filter((_, i) => !drop.has(i));
  }
}

interface LeafInfo {
  pointer: string;
  fact: string;
  path: string | undefined;
  operator: string;
}

/** Leaf nodes keep their frozen params and fact slot here, so a combined node reads the very same fact. */
interface LeafSource {
  params: JsonObject | undefined;
  factSlot: number;
}
const leafSources = new WeakMap<Node, LeafSource>();

function record(leaves: LeafResult[], info: LeafInfo, expected: unknown, actual: unknown, result: boolean): void {
  const entry: LeafResult = {
    pointer: info.pointer,
    fact: info.fact,
    operator: info.operator,
    expected,
    actual,
    result,
  };
  if (info.path !== undefined) entry.path = info.path;
  leaves.push(entry);
}

function leafNode(
  info: LeafInfo,
  params: JsonObject | undefined,
  segments: PathSegments | null,
  test: (v: unknown) => boolean,
  expected: unknown,
): Node {
  const fact = info.fact;
  return (read, leaves) => {
    let v = read(fact, params);
    if (v === PENDING) return PENDING;
    if (segments !== null) v = factPathValue(v, segments);
    const r = test(v);
    if (leaves !== null) record(leaves, info, expected, v, r);
    return r;
  };
}

/**
 * The commonest tests, recognised once: `equal` / `notEqual`, numeric comparisons with a number, short id lists
 * (`in`, `notIn`, `containsAny`, `containsNone`; at most 8 items, no NaN). The generator writes them inline; the
 * closure tree runs them through `inlineTest`. Same semantics as the operator table (the differential test covers both).
 */
function inlineOf(name: string, b: unknown): Inline | undefined {
  if (name === 'equal' || name === 'notEqual') return { kind: 'eq', op: name === 'equal' ? '===' : '!==', value: b };
  if (Array.isArray(b) && (name === 'in' || name === 'notIn' || name === 'containsNone' || name === 'containsAny')) {
    if (b.length > 8 || b.some((x) => typeof x === 'number' && x !== x)) return undefined;
    if (name === 'in' || name === 'notIn') return { kind: 'in', negate: name === 'notIn', list: b };
    return { kind: 'contains', any: name === 'containsAny', list: b };
  }
  if (typeof b !== 'number') return undefined;
  const op = { greaterThan: '>', greaterThanInclusive: '>=', lessThan: '<', lessThanInclusive: '<=' }[name];
  return op === undefined ? undefined : { kind: 'cmp', op: op as '<' | '<=' | '>' | '>=', value: b };
}

/** An inline test as a small closure (no operator call); `slow` takes what a numeric comparison does not. */
function inlineTest(t: Inline, slow: (v: unknown) => boolean): (v: unknown) => boolean {
  switch (t.kind) {
    case 'eq': {
      const b = t.value;
      return t.op === '===' ? (v) => v === b : (v) => v !== b;
    }
    case 'cmp': {
      const b = t.value;
      switch (t.op) {
        case '>':
          return (v) => (typeof v === 'number' ? v > b : slow(v));
        case '>=':
          return (v) => (typeof v === 'number' ? v >= b : slow(v));
        case '<':
          return (v) => (typeof v === 'number' ? v < b : slow(v));
        case '<=':
          return (v) => (typeof v === 'number' ? v <= b : slow(v));
      }
      return slow;
    }
    case 'in':
    case 'contains': {
      const list = t.list;
      const n = list.length;
      const member = (x: unknown): boolean => {
        for (let i = 0; i < n; i++) if (list[i] === x) return true;
        return false;
      };
      if (t.kind === 'in') return t.negate ? (v) => !member(v) : member;
      const wantAny = t.any;
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (member(v[i])) return wantAny;
        return !wantAny;
      };
    }
  }
}

function refLeaf(
  info: LeafInfo,
  segments: PathSegments | null,
  params: JsonObject | undefined,
  op: OperatorDefinition,
  refFact: string,
  refSegments: PathSegments | null,
  refParams: JsonObject | undefined,
): Node {
  const fact = info.fact;
  const evaluate = op.evaluate;
  return (read, leaves) => {
    // json-rules-engine resolves the value before the fact; the order only matters for which fact is pending first.
    let e = read(refFact, refParams);
    if (e === PENDING) return PENDING;
    if (refSegments !== null) e = factPathValue(e, refSegments);
    let v = read(fact, params);
    if (v === PENDING) return PENDING;
    if (segments !== null) v = factPathValue(v, segments);
    const r = evaluate(v, e);
    if (leaves !== null) record(leaves, info, e, v, r);
    return r;
  };
}

function all(children: Node[]): Node {
  if (children.length === 0) return TRUE;
  if (children.length === 1) return children[0] as Node;
  if (children.length === 2) {
    const [a, b] = children as [Node, Node];
    return (read, leaves) => {
      const r = a(read, leaves);
      return r === true ? b(read, leaves) : r;
    };
  }
  return (read, leaves) => {
    for (let i = 0; i < children.length; i++) {
      const r = (children[i] as Node)(read, leaves);
      if (r !== true) return r;
    }
    return true;
  };
}

/** Note json-rules-engine's rule: an empty `any` is true. */
function any(children: Node[]): Node {
  if (children.length === 0) return TRUE;
  if (children.length === 1) return children[0] as Node;
  if (children.length === 2) {
    const [a, b] = children as [Node, Node];
    return (read, leaves) => {
      const r = a(read, leaves);
      return r === false ? b(read, leaves) : r;
    };
  }
  return (read, leaves) => {
    for (let i = 0; i < children.length; i++) {
      const r = (children[i] as Node)(read, leaves);
      if (r !== false) return r;
    }
    return false;
  };
}

/**
 * Compiles a condition (json-rules-engine format) into a synchronous closure, once, at load time: operators are
 * looked up, constant values pre-processed (Sets, regexes, word lists), paths split, siblings ordered cheapest first.
 * Throws a `RulecordError` (`RC_BAD_CONDITION`, `RC_UNKNOWN_OPERATOR`, `RC_BAD_PATH`, `RC_CONDITION_TOO_DEEP`) on a
 * malformed condition; call `checkCondition` first to get every problem with its pointer. A rule set's conditions
 * are compiled together in a `ConditionSet`.
 *
 * @example
 * const c = compileCondition({ all: [{ fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 }] });
 * c.evaluate((name) => ({ 'message.capsRatio': 0.9 })[name], null); // true
 */
export function compileCondition(condition: Condition, options: CompileOptions = {}): CompiledCondition {
  return new ConditionSet(options).compile(
    condition,
    options.pointer === undefined ? {} : { pointer: options.pointer },
  );
}
