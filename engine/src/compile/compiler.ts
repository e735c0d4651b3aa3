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

/** A fact that is not resolved yet (an async provider). The caller resolves it and calls `evaluate` again. */
export const PENDING: unique symbol = Symbol('rulecord.pending');
export type Pending = typeof PENDING;

/**
 * How a compiled condition reads facts: the value (memoised per event by the runtime), or `PENDING` when the fact
 * is async and not resolved yet. `params` is the leaf's `params` object, the same (frozen) object on every call, so
 * it can key a memo by identity.
 */
export type FactReader = (name: string, params: JsonObject | undefined) => unknown;

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
  /** Every fact name the condition may read (for validation and prefetch). */
  readonly facts: ReadonlySet<string>;
}

export interface CompileOptions {
  /** JSON pointer of the condition in the document (leaf pointers in traces are relative to it). */
  pointer?: string;
  operators?: OperatorTable;
}

type Node = (read: FactReader, leaves: LeafResult[] | null) => boolean | Pending;

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

function deepFreeze<T>(value: T): T {
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

/** json-rules-engine evaluates siblings in descending `priority` (default 1); the order only matters for speed. */
function byPriority(children: readonly unknown[]): { node: unknown; index: number }[] {
  const indexed = children.map((node, index) => ({ node, index }));
  if (indexed.some((c) => priorityOf(c.node) !== 1))
    indexed.sort((x, y) => priorityOf(y.node) - priorityOf(x.node) || x.index - y.index);
  return indexed;
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

class Compiler {
  readonly facts = new Set<string>();
  constructor(private readonly operators: OperatorTable) {}

  node(cond: unknown, pointer: string, depth: number): Node {
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
      return (read, leaves) => {
        const r = child(read, leaves);
        return r === PENDING ? PENDING : !r;
      };
    }
    if (key === 'all' || key === 'any') {
      const list = cond[key];
      if (!Array.isArray(list))
        fail('RC_BAD_CONDITION', `\`${key}\` must be a list of conditions`, `${pointer}/${key}`);
      const ordered = byPriority(list);
      const children = ordered.map((c) => this.node(c.node, `${pointer}/${key}/${c.index}`, depth + 1));
      return key === 'all'
        ? all(children)
        : any(
            combineRegexes(
              ordered.map((c) => c.node),
              children,
            ),
          );
    }
    return this.leaf(cond, pointer);
  }

  leaf(cond: Record<string, unknown>, pointer: string): Node {
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
    if (isFactRef(value)) {
      if (typeof value.fact !== 'string' || value.fact === '')
        fail('RC_BAD_CONDITION', '`value.fact` must be a fact name', `${pointer}/value/fact`);
      this.facts.add(value.fact);
      const refSegments = checkedPath(value.path, `${pointer}/value/path`);
      const refParams = checkedParams(value.params, `${pointer}/value/params`);
      return refLeaf(info, segments, params, op, value.fact, refSegments, refParams);
    }
    const expected = deepFreeze(structuredClone(value));
    const node =
      op === builtinOperators.get(op.name) && segments === null ? inlineLeaf(info, params, op.name, expected) : null;
    if (node !== null) {
      leafParams.set(node, params);
      return node;
    }
    return constLeaf(info, segments, params, constantTest(op, expected), expected);
  }
}

interface LeafInfo {
  pointer: string;
  fact: string;
  path: string | undefined;
  operator: string;
}

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

function constLeaf(
  info: LeafInfo,
  segments: PathSegments | null,
  params: JsonObject | undefined,
  test: (a: unknown) => boolean,
  expected: unknown,
): Node {
  const node = constLeafNode(info, segments, params, test, expected);
  leafParams.set(node, params);
  return node;
}

function constLeafNode(
  info: LeafInfo,
  segments: PathSegments | null,
  params: JsonObject | undefined,
  test: (a: unknown) => boolean,
  expected: unknown,
): Node {
  const fact = info.fact;
  if (segments === null) {
    return (read, leaves) => {
      const v = read(fact, params);
      if (v === PENDING) return PENDING;
      const r = test(v);
      if (leaves !== null) record(leaves, info, expected, v, r);
      return r;
    };
  }
  return (read, leaves) => {
    let v = read(fact, params);
    if (v === PENDING) return PENDING;
    v = factPathValue(v, segments);
    const r = test(v);
    if (leaves !== null) record(leaves, info, expected, v, r);
    return r;
  };
}

/**
 * The commonest leaves (`equal`, `notEqual`, numeric comparisons with a number) with the test written inline: one
 * call fewer per leaf on the hot path. Same semantics as the operator table (the differential test covers both).
 */
function inlineLeaf(info: LeafInfo, params: JsonObject | undefined, name: string, b: unknown): Node | null {
  const fact = info.fact;
  const slow = constantTest(builtinOperators.get(name) as OperatorDefinition, b);
  const finish = (v: unknown, r: boolean, leaves: LeafResult[] | null): boolean => {
    if (leaves !== null) record(leaves, info, b, v, r);
    return r;
  };
  switch (name) {
    case 'equal':
      return (read, leaves) => {
        const v = read(fact, params);
        if (v === PENDING) return PENDING;
        return leaves === null ? v === b : finish(v, v === b, leaves);
      };
    case 'notEqual':
      return (read, leaves) => {
        const v = read(fact, params);
        if (v === PENDING) return PENDING;
        return leaves === null ? v !== b : finish(v, v !== b, leaves);
      };
  }
  if (Array.isArray(b) && (name === 'in' || name === 'notIn' || name === 'containsNone' || name === 'containsAny')) {
    // Short id lists (channels, roles): a loop over the list inline, no call; long ones keep the operator's Set.
    if (b.length > 8) return null;
    for (const x of b) if (typeof x === 'number' && x !== x) return null;
    const list: readonly unknown[] = b;
    const n = list.length;
    const member = (x: unknown): boolean => {
      for (let i = 0; i < n; i++) if (list[i] === x) return true;
      return false;
    };
    let test: (v: unknown) => boolean;
    if (name === 'in') test = member;
    else if (name === 'notIn') test = (v) => !member(v);
    else {
      const wantAny = name === 'containsAny';
      test = (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (member(v[i])) return wantAny;
        return !wantAny;
      };
    }
    return (read, leaves) => {
      const v = read(fact, params);
      if (v === PENDING) return PENDING;
      const r = test(v);
      return leaves === null ? r : finish(v, r, leaves);
    };
  }
  if (typeof b !== 'number') return null;
  switch (name) {
    case 'greaterThan':
      return (read, leaves) => {
        const v = read(fact, params);
        if (v === PENDING) return PENDING;
        const r = typeof v === 'number' ? v > b : slow(v);
        return leaves === null ? r : finish(v, r, leaves);
      };
    case 'greaterThanInclusive':
      return (read, leaves) => {
        const v = read(fact, params);
        if (v === PENDING) return PENDING;
        const r = typeof v === 'number' ? v >= b : slow(v);
        return leaves === null ? r : finish(v, r, leaves);
      };
    case 'lessThan':
      return (read, leaves) => {
        const v = read(fact, params);
        if (v === PENDING) return PENDING;
        const r = typeof v === 'number' ? v < b : slow(v);
        return leaves === null ? r : finish(v, r, leaves);
      };
    case 'lessThanInclusive':
      return (read, leaves) => {
        const v = read(fact, params);
        if (v === PENDING) return PENDING;
        const r = typeof v === 'number' ? v <= b : slow(v);
        return leaves === null ? r : finish(v, r, leaves);
      };
  }
  return null;
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

/**
 * Inside an `any`, several `matches` leaves on the same fact (same path, params and flags) become one RE2 alternation:
 * one pass over the text instead of one per pattern (a bad-word list written as many patterns). Leaf recording uses
 * the separate leaves, so traces still show each pattern.
 */
function combineRegexes(conditions: readonly unknown[], nodes: Node[]): Node[] {
  const groups = new Map<string, number[]>();
  conditions.forEach((c, i) => {
    if (!isObject(c) || c.operator !== 'matches' || typeof c.fact !== 'string' || isFactRef(c.value)) return;
    const spec = regexSpec(c.value);
    if (spec === null) return;
    const key = JSON.stringify([c.fact, c.path ?? '', c.params ?? null, [...spec.flags].sort().join('')]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const out = nodes.slice();
  const drop = new Set<number>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const first = conditions[members[0] as number] as Record<string, unknown>;
    const specs = members.map((i) => regexSpec((conditions[i] as Record<string, unknown>).value) as RegexSpec);
    let re: Re2;
    try {
      re = compileRegex({
        pattern: specs.map((s) => `(?:${s.pattern})`).join('|'),
        flags: (specs[0] as RegexSpec).flags,
      });
    } catch {
      continue; // e.g. the same named group in two patterns: keep them apart
    }
    const separate = any(members.map((i) => nodes[i] as Node));
    const fact = first.fact as string;
    const segments = typeof first.path === 'string' && first.path !== '' ? splitPath(first.path) : null;
    const params = nodeParams(nodes[members[0] as number] as Node);
    const combined: Node = (read, leaves) => {
      if (leaves !== null) return separate(read, leaves);
      let v = read(fact, params);
      if (v === PENDING) return PENDING;
      if (segments !== null) v = factPathValue(v, segments);
      return typeof v === 'string' && re.test(utf8(v));
    };
    out[members[0] as number] = combined;
    for (const i of members.slice(1)) drop.add(i);
  }
  return out.filter((_, i) => !drop.has(i));
}

/** Leaf closures keep their frozen `params` here, so a combined node hands the reader the very same object. */
const leafParams = new WeakMap<Node, JsonObject | undefined>();
function nodeParams(node: Node): JsonObject | undefined {
  return leafParams.get(node);
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
 * looked up, constant values pre-processed (Sets, regexes, word lists), paths split. Throws a `RulecordError`
 * (`RC_BAD_CONDITION`, `RC_UNKNOWN_OPERATOR`, `RC_BAD_PATH`, `RC_CONDITION_TOO_DEEP`) on a malformed condition;
 * call `checkCondition` first to get every problem with its pointer.
 *
 * @example
 * const c = compileCondition({ all: [{ fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 }] });
 * c.evaluate((name) => ({ 'message.capsRatio': 0.9 })[name], null); // true
 */
export function compileCondition(condition: Condition, options: CompileOptions = {}): CompiledCondition {
  const compiler = new Compiler(options.operators ?? builtinOperators);
  const root = compiler.node(condition, options.pointer ?? '', 0);
  return Object.freeze({ evaluate: root, facts: compiler.facts });
}
