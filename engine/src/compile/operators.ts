import type { JsonSchema } from '../model/module.js';
import { compileRegex, regexProblem, regexSafety, regexSpec, utf8 } from './regex.js';

/**
 * Condition operators. json-rules-engine's ten built-ins keep exactly its semantics (proved by the differential test
 * in `engine/__tests__/compile/differential.test.ts`); ours are type-strict: a fact value of the wrong type makes the
 * leaf false, never an error. No operator throws.
 */
export interface OperatorDefinition {
  name: string;
  description: string;
  /** JSON Schema of a constant `value` (checked at load by `checkCondition`). */
  value?: JsonSchema;
  /** The test: `actual` is the fact value (after `path`), `expected` the condition's `value`. Never throws. */
  evaluate(actual: unknown, expected: unknown): boolean;
  /**
   * Pre-processes a constant `value` once, at load time (Sets for long lists, compiled regexes, lower-cased words).
   * Must agree with `evaluate` for every `actual`.
   */
  compile?(expected: unknown): (actual: unknown) => boolean;
  /** A check of a constant `value` beyond its schema (regex syntax, catastrophic patterns). */
  check?(expected: unknown): OperatorValueProblem | null;
  /**
   * What the test costs beyond reading its fact, relative (default 0: a comparison): text scans say more, so siblings
   * of `all` / `any` evaluate them after cheaper leaves.
   */
  cost?: number;
  /** Where the operator comes from: json-rules-engine's built-ins or ours. */
  origin?: 'json-rules-engine' | 'rulecord';
  /** One example leaf (`value` only), for the docs and the studio. */
  example?: { fact: string; value: unknown; path?: string };
}
export interface OperatorValueProblem {
  code: string;
  message: string;
  fix?: string;
  severity?: 'error' | 'warning';
}

export type OperatorTable = ReadonlyMap<string, OperatorDefinition>;

/* ------------------------------------------------------------------------------------------------------------ */
/* json-rules-engine's built-ins, with its exact semantics (node_modules/json-rules-engine/dist/engine-default-operators.js). */

/** json-rules-engine's `numberValidator`: `Number.parseFloat(x).toString() !== 'NaN'`. */
function jreNumeric(a: unknown): boolean {
  if (typeof a === 'number') return a === a;
  if (typeof a === 'symbol') return false;
  try {
    return !Number.isNaN(Number.parseFloat(a as string));
  } catch {
    return false; // an object without a string form (null prototype): json-rules-engine throws
  }
}

/** `a < b` (and friends) as JavaScript compares, false where JavaScript would throw (objects without a primitive). */
function compare(a: unknown, b: unknown, op: 0 | 1 | 2 | 3): boolean {
  try {
    const x = a as number;
    const y = b as number;
    return op === 0 ? x < y : op === 1 ? x <= y : op === 2 ? x > y : x >= y;
  } catch {
    return false;
  }
}

/**
 * `b.indexOf(a)` as json-rules-engine calls it, on an array (strict equality) or a string (substring of `String(a)`).
 * json-rules-engine throws for any other `b`; we answer `null` and the operator is false.
 */
function indexIn(a: unknown, b: unknown): number | null {
  if (Array.isArray(b)) return b.indexOf(a);
  if (typeof b === 'string') {
    try {
      return b.indexOf(a as string);
    } catch {
      return null; // `a` has no string form (null prototype): json-rules-engine throws
    }
  }
  return null;
}

/** Lists longer than this become a Set (strict equality matches Set semantics once NaN is excluded). */
const SET_THRESHOLD = 8;
function setOf(list: readonly unknown[]): Set<unknown> | null {
  if (list.length <= SET_THRESHOLD) return null;
  for (const item of list) if (typeof item === 'number' && item !== item) return null;
  return new Set(list);
}

const anyJson: JsonSchema = {};
const numberLike: JsonSchema = { type: ['number', 'string'] };
const listOrString: JsonSchema = { type: ['array', 'string'] };

const jre: OperatorDefinition[] = [
  {
    name: 'equal',
    description: 'The fact value is strictly equal (`===`) to the value. Objects and arrays are never equal.',
    value: anyJson,
    evaluate: (a, b) => a === b,
    compile: (b) => (a) => a === b,
    example: { fact: 'message.channelType', value: 'text' },
  },
  {
    name: 'notEqual',
    description: 'The fact value is not strictly equal (`!==`) to the value.',
    value: anyJson,
    evaluate: (a, b) => a !== b,
    compile: (b) => (a) => a !== b,
    example: { fact: 'author.id', value: '112233445566778899' },
  },
  {
    name: 'in',
    description:
      'The fact value is one of the values in the list (strict equality). If the value is a string, the fact value (as text) is a substring of it.',
    value: listOrString,
    evaluate: (a, b) => {
      const i = indexIn(a, b);
      return i !== null && i > -1;
    },
    compile: (b) => {
      if (Array.isArray(b)) {
        const set = setOf(b);
        return set ? (a) => set.has(a) : (a) => b.indexOf(a) > -1;
      }
      if (typeof b === 'string') return (a) => (indexIn(a, b) ?? -1) > -1;
      return () => false;
    },
    example: { fact: 'event.channelId', value: ['223344556677889900', '223344556677889911'] },
  },
  {
    name: 'notIn',
    description:
      'The fact value is none of the values in the list (strict equality). If the value is a string, the fact value (as text) is not a substring of it.',
    value: listOrString,
    evaluate: (a, b) => indexIn(a, b) === -1,
    compile: (b) => {
      if (Array.isArray(b)) {
        const set = setOf(b);
        return set ? (a) => !set.has(a) : (a) => b.indexOf(a) === -1;
      }
      if (typeof b === 'string') return (a) => indexIn(a, b) === -1;
      return () => false;
    },
    example: { fact: 'event.channelId', value: ['223344556677889900'] },
  },
  {
    name: 'contains',
    cost: 1,
    description:
      'The fact value is an array that contains the value (strict equality). False when the fact is not an array (use `containsText` for text).',
    value: anyJson,
    evaluate: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
    example: { fact: 'author.roles', value: '334455667788990011' },
  },
  {
    name: 'doesNotContain',
    cost: 1,
    description: 'The fact value is an array that does not contain the value. False when the fact is not an array.',
    value: anyJson,
    evaluate: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
    example: { fact: 'author.roles', value: '334455667788990011' },
  },
  {
    name: 'lessThan',
    description: 'The fact value is numeric (as json-rules-engine: `parseFloat` succeeds) and `<` the value.',
    value: numberLike,
    evaluate: (a, b) => jreNumeric(a) && compare(a, b, 0),
    compile: (b) =>
      typeof b === 'number'
        ? (a) => (typeof a === 'number' ? a < b : jreNumeric(a) && compare(a, b, 0))
        : (a) => jreNumeric(a) && compare(a, b, 0),
    example: { fact: 'author.accountAgeDays', value: 7 },
  },
  {
    name: 'lessThanInclusive',
    description: 'The fact value is numeric and `<=` the value.',
    value: numberLike,
    evaluate: (a, b) => jreNumeric(a) && compare(a, b, 1),
    compile: (b) =>
      typeof b === 'number'
        ? (a) => (typeof a === 'number' ? a <= b : jreNumeric(a) && compare(a, b, 1))
        : (a) => jreNumeric(a) && compare(a, b, 1),
    example: { fact: 'author.accountAgeDays', value: 7 },
  },
  {
    name: 'greaterThan',
    description: 'The fact value is numeric and `>` the value.',
    value: numberLike,
    evaluate: (a, b) => jreNumeric(a) && compare(a, b, 2),
    compile: (b) =>
      typeof b === 'number'
        ? (a) => (typeof a === 'number' ? a > b : jreNumeric(a) && compare(a, b, 2))
        : (a) => jreNumeric(a) && compare(a, b, 2),
    example: { fact: 'message.capsRatio', value: 0.7 },
  },
  {
    name: 'greaterThanInclusive',
    description: 'The fact value is numeric and `>=` the value.',
    value: numberLike,
    evaluate: (a, b) => jreNumeric(a) && compare(a, b, 3),
    compile: (b) =>
      typeof b === 'number'
        ? (a) => (typeof a === 'number' ? a >= b : jreNumeric(a) && compare(a, b, 3))
        : (a) => jreNumeric(a) && compare(a, b, 3),
    example: { fact: 'message.length', value: 10 },
  },
];

/* ------------------------------------------------------------------------------------------------------------ */
/* Ours. Type-strict: a fact value of the wrong type makes the leaf false. */

const stringOrStrings: JsonSchema = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const strings: JsonSchema = { type: 'array', items: { type: 'string' } };
const nonNegativeInteger: JsonSchema = { type: 'integer', minimum: 0 };

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
function stringList(value: unknown): string[] {
  return asList(value).filter((v): v is string => typeof v === 'string');
}

/** Characters as admins count them: code points, so an emoji counts once. */
function charCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
/** Length of a string (code points), an array, or an object's keys; `null` for anything else. */
function lengthOf(value: unknown): number | null {
  if (typeof value === 'string') return charCount(value);
  if (Array.isArray(value)) return value.length;
  return null;
}

/** `actual` is an array holding at least one item of `set`. */
function hasAnyOf(actual: unknown, set: ReadonlySet<unknown>): boolean {
  if (!Array.isArray(actual)) return false;
  for (let i = 0; i < actual.length; i++) if (set.has(actual[i])) return true;
  return false;
}
/** `actual` is an array holding every item of `list`. */
function hasAllOf(actual: unknown, list: readonly unknown[]): boolean {
  if (!Array.isArray(actual)) return false;
  for (let i = 0; i < list.length; i++) if (!actual.includes(list[i])) return false;
  return true;
}

/**
 * `s.toLowerCase()`, remembering the last answer: the same message text is lower-cased once per event however many
 * case-insensitive leaves read it.
 */
let lastIn = '';
let lastLower = '';
function lower(s: string): string {
  if (s !== lastIn) {
    lastIn = s;
    lastLower = s.toLowerCase();
  }
  return lastLower;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A whole-word, case-insensitive matcher for a word list (words or phrases). Built from escaped literals only, so it
 * is a safe V8 RegExp (no tenant regex syntax reaches it). Word characters are Unicode letters, digits and `_`.
 */
function wordMatcher(words: readonly string[]): RegExp | null {
  const cleaned = [...new Set(words.map((w) => w.trim().toLowerCase()).filter((w) => w !== ''))];
  if (cleaned.length === 0) return null;
  // Longest first, so a phrase wins over its first word.
  cleaned.sort((x, y) => y.length - x.length);
  const body = cleaned.map((w) => escapeRegExp(w).replace(/\s+/g, '\\s+')).join('|');
  // Consuming the character before the word is about twice as fast on V8 as a look-behind, with the same answers.
  return new RegExp(`(?:^|[^\\p{L}\\p{N}_])(?:${body})(?![\\p{L}\\p{N}_])`, 'iu');
}
const wordMatchers = new WeakMap<object, RegExp | null>();
function cachedWordMatcher(expected: unknown): RegExp | null {
  const list = stringList(expected);
  if (typeof expected !== 'object' || expected === null) return wordMatcher(list);
  let m = wordMatchers.get(expected);
  if (m === undefined) {
    m = wordMatcher(list);
    wordMatchers.set(expected, m);
  }
  return m;
}

function testRegex(actual: unknown, expected: unknown): boolean {
  if (typeof actual !== 'string') return false;
  const spec = regexSpec(expected);
  if (spec === null) return false;
  try {
    return compileRegex(spec).test(utf8(actual));
  } catch {
    return false;
  }
}

const ours: OperatorDefinition[] = [
  {
    name: 'exists',
    description: '`value: true`: the fact value is neither undefined nor null; `value: false`: it is.',
    value: { type: 'boolean' },
    evaluate: (a, b) => (a !== undefined && a !== null) === b,
    compile: (b) =>
      b === true
        ? (a) => a !== undefined && a !== null
        : b === false
          ? (a) => a === undefined || a === null
          : () => false,
    example: { fact: 'message.reference', value: true },
  },
  {
    name: 'isEmpty',
    description:
      '`value: true`: the fact value is empty (missing, null, `""`, `[]` or `{}`); `value: false`: it is not.',
    value: { type: 'boolean' },
    evaluate: (a, b) => {
      let empty: boolean;
      if (a === undefined || a === null) empty = true;
      else if (typeof a === 'string' || Array.isArray(a)) empty = a.length === 0;
      else if (typeof a === 'object') empty = Object.keys(a).length === 0;
      else empty = false;
      return empty === b;
    },
    example: { fact: 'message.attachments', value: false },
  },
  {
    name: 'between',
    description: 'The fact value is a number within `[min, max]`, both inclusive.',
    value: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    evaluate: (a, b) => Array.isArray(b) && typeof a === 'number' && compare(a, b[0], 3) && compare(a, b[1], 1),
    compile: (b) => {
      if (!Array.isArray(b) || typeof b[0] !== 'number' || typeof b[1] !== 'number')
        return (a) => Array.isArray(b) && typeof a === 'number' && compare(a, b[0], 3) && compare(a, b[1], 1);
      const lo = b[0];
      const hi = b[1];
      return (a) => typeof a === 'number' && a >= lo && a <= hi;
    },
    check: (b) =>
      Array.isArray(b) && typeof b[0] === 'number' && typeof b[1] === 'number' && b[0] > b[1]
        ? {
            code: 'RC_BAD_OPERATOR_VALUE',
            message: `\`between\` range [${b[0]}, ${b[1]}] is empty: min is greater than max`,
            fix: 'Write the smaller bound first.',
          }
        : null,
    example: { fact: 'author.accountAgeDays', value: [0, 7] },
  },
  {
    name: 'equalIgnoreCase',
    cost: 1,
    description: 'The fact value is text equal to the value (or to one of the values) ignoring case.',
    value: stringOrStrings,
    evaluate: (a, b) => typeof a === 'string' && stringList(b).some((s) => s.toLowerCase() === a.toLowerCase()),
    compile: (b) => {
      const set = new Set(stringList(b).map((s) => s.toLowerCase()));
      return (a) => typeof a === 'string' && set.has(lower(a));
    },
    example: { fact: 'message.content', value: ['!rules', '!help'] },
  },
  {
    name: 'startsWith',
    cost: 1,
    description: 'The fact value is text that starts with the value (or one of the values), case-sensitive.',
    value: stringOrStrings,
    evaluate: (a, b) => typeof a === 'string' && stringList(b).some((s) => a.startsWith(s)),
    compile: (b) => {
      const list = stringList(b);
      return (a) => {
        if (typeof a !== 'string') return false;
        for (let i = 0; i < list.length; i++) if (a.startsWith(list[i] as string)) return true;
        return false;
      };
    },
    example: { fact: 'message.content', value: '!' },
  },
  {
    name: 'endsWith',
    cost: 1,
    description: 'The fact value is text that ends with the value (or one of the values), case-sensitive.',
    value: stringOrStrings,
    evaluate: (a, b) => typeof a === 'string' && stringList(b).some((s) => a.endsWith(s)),
    compile: (b) => {
      const list = stringList(b);
      return (a) => {
        if (typeof a !== 'string') return false;
        for (let i = 0; i < list.length; i++) if (a.endsWith(list[i] as string)) return true;
        return false;
      };
    },
    example: { fact: 'author.username', value: ['.exe', '.bat'] },
  },
  {
    name: 'containsText',
    cost: 3,
    description: 'The fact value is text that contains the value (or one of the values) anywhere, ignoring case.',
    value: stringOrStrings,
    evaluate: (a, b) => typeof a === 'string' && stringList(b).some((s) => a.toLowerCase().includes(s.toLowerCase())),
    compile: (b) => {
      const needles = stringList(b).map((s) => s.toLowerCase());
      return (a) => {
        if (typeof a !== 'string') return false;
        const hay = lower(a);
        for (let i = 0; i < needles.length; i++) if (hay.includes(needles[i] as string)) return true;
        return false;
      };
    },
    example: { fact: 'message.content', value: ['discord.gg/', 'discord.com/invite'] },
  },
  {
    name: 'containsAnyWord',
    cost: 4,
    description:
      'The fact value is text that contains one of the listed words or phrases as a whole word, ignoring case (`ass` does not match `class`). Made for bad-word lists.',
    value: strings,
    evaluate: (a, b) => {
      if (typeof a !== 'string') return false;
      const m = cachedWordMatcher(b);
      return m !== null && m.test(a);
    },
    compile: (b) => {
      const m = wordMatcher(stringList(b));
      return m === null ? () => false : (a) => typeof a === 'string' && m.test(a);
    },
    example: { fact: 'message.content', value: ['free nitro', 'scam'] },
  },
  {
    name: 'matches',
    cost: 4,
    description:
      'The fact value is text matched by the regular expression (RE2 syntax: linear time, no look-around or back-references). Value: the pattern, or `{ pattern, flags }` with flags from `imsu`.',
    value: {
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          properties: { pattern: { type: 'string' }, flags: { type: 'string', pattern: '^[imsu]*$' } },
          required: ['pattern'],
          additionalProperties: false,
        },
      ],
    },
    evaluate: testRegex,
    compile: (b) => {
      const spec = regexSpec(b);
      if (spec === null) return () => false;
      let re;
      try {
        re = compileRegex(spec);
      } catch {
        return () => false;
      }
      return (a) => typeof a === 'string' && re.test(utf8(a));
    },
    check: (b) => {
      const spec = regexSpec(b);
      if (spec === null) return null;
      const invalid = regexProblem(spec);
      if (invalid !== null) {
        return {
          code: 'RC_INVALID_REGEX',
          message: `The regular expression /${spec.pattern}/${spec.flags} is not valid RE2: ${invalid}`,
          fix: 'RE2 has no look-around and no back-references; flags may be i, m, s, u. Test the pattern at https://regex101.com with the "Golang" flavour.',
        };
      }
      // Exponential backtracking is refused; high-degree polynomial is a warning (RE2 runs both in linear time, but the
      // studio previews patterns on V8). Quadratic is what almost any unanchored `x+` is on V8: not reported.
      const safety = regexSafety(spec);
      if (safety.status === 'vulnerable' && (safety.complexity === 'exponential' || safety.degree >= 3)) {
        const exponential = safety.complexity === 'exponential';
        return {
          code: 'RC_UNSAFE_REGEX',
          message: `The regular expression /${spec.pattern}/${spec.flags} can backtrack ${exponential ? 'catastrophically (exponential time)' : `in polynomial time (degree ${safety.degree})`} on a backtracking engine (ReDoS)`,
          fix: 'Remove nested or overlapping repetition such as `(a+)+`, `(a|a)*` or `\\w*\\w*`; match the simplest form instead.',
          severity: exponential ? 'error' : 'warning',
        };
      }
      return null;
    },
    example: { fact: 'message.content', value: { pattern: '(?:https?://)?discord\\.gg/\\w+', flags: 'i' } },
  },
  {
    name: 'containsAny',
    description: 'The fact value is an array that contains at least one of the values (strict equality).',
    value: { type: 'array' },
    evaluate: (a, b) => Array.isArray(a) && Array.isArray(b) && a.some((x) => b.includes(x)),
    compile: (b) => {
      if (!Array.isArray(b)) return () => false;
      const set = new Set(b);
      return (a) => hasAnyOf(a, set);
    },
    example: { fact: 'message.mentionedRoles', value: ['334455667788990011', '334455667788990022'] },
  },
  {
    name: 'containsAll',
    description: 'The fact value is an array that contains every one of the values (strict equality).',
    value: { type: 'array' },
    evaluate: (a, b) => Array.isArray(a) && Array.isArray(b) && b.every((x) => a.includes(x)),
    compile: (b) => (Array.isArray(b) ? (a) => hasAllOf(a, b) : () => false),
    example: { fact: 'author.roles', value: ['334455667788990011', '334455667788990022'] },
  },
  {
    name: 'containsNone',
    description:
      'The fact value is an array that contains none of the values (strict equality). False when the fact is not an array.',
    value: { type: 'array' },
    evaluate: (a, b) => Array.isArray(a) && Array.isArray(b) && !a.some((x) => b.includes(x)),
    compile: (b) => {
      if (!Array.isArray(b)) return () => false;
      const set = new Set(b);
      return (a) => Array.isArray(a) && !hasAnyOf(a, set);
    },
    example: { fact: 'author.roles', value: ['334455667788990011'] },
  },
  {
    name: 'hasRole',
    description:
      'The fact value (a list of role ids, e.g. `author.roles`) contains the role, or one of the roles when the value is a list.',
    value: stringOrStrings,
    evaluate: (a, b) => Array.isArray(a) && stringList(b).some((r) => a.includes(r)),
    compile: (b) => {
      const roles = stringList(b);
      if (roles.length === 1) {
        const role = roles[0];
        return (a) => Array.isArray(a) && a.includes(role);
      }
      const set = new Set(roles);
      return (a) => hasAnyOf(a, set);
    },
    example: { fact: 'author.roles', value: ['334455667788990011', '334455667788990022'] },
  },
  {
    name: 'hasAllRoles',
    description: 'The fact value (a list of role ids) contains every one of the roles.',
    value: stringOrStrings,
    evaluate: (a, b) => Array.isArray(a) && stringList(b).every((r) => a.includes(r)),
    compile: (b) => {
      const roles = stringList(b);
      return (a) => hasAllOf(a, roles);
    },
    example: { fact: 'author.roles', value: ['334455667788990011', '334455667788990022'] },
  },
  {
    name: 'lengthEqual',
    description: 'The fact value is text (counted in characters) or an array of exactly this length.',
    value: nonNegativeInteger,
    evaluate: (a, b) => lengthOf(a) === b,
    example: { fact: 'message.attachments', value: 0 },
  },
  {
    name: 'lengthGreaterThan',
    description: 'The fact value is text (counted in characters) or an array longer than this.',
    value: nonNegativeInteger,
    evaluate: (a, b) => {
      const n = lengthOf(a);
      return n !== null && compare(n, b, 2);
    },
    example: { fact: 'message.content', value: 1500 },
  },
  {
    name: 'lengthLessThan',
    description: 'The fact value is text (counted in characters) or an array shorter than this.',
    value: nonNegativeInteger,
    evaluate: (a, b) => {
      const n = lengthOf(a);
      return n !== null && compare(n, b, 0);
    },
    example: { fact: 'message.content', value: 3 },
  },
];

for (const op of jre) op.origin = 'json-rules-engine';
for (const op of ours) op.origin = 'rulecord';

/** json-rules-engine's built-in operator names. */
export const jreOperatorNames: readonly string[] = jre.map((o) => o.name);

/**
 * Every operator the engine knows, keyed by name: json-rules-engine's built-ins followed by ours.
 *
 * @example
 * builtinOperators.get('greaterThan')?.evaluate(0.8, 0.7); // true
 */
export const builtinOperators: OperatorTable = new Map([...jre, ...ours].map((o) => [o.name, Object.freeze(o)]));

/** Makes an operator table from the built-ins plus extra operators (an extra with a built-in's name replaces it). */
export function operatorTable(extra: readonly OperatorDefinition[] = []): OperatorTable {
  const table = new Map(builtinOperators);
  for (const op of extra) table.set(op.name, op);
  return table;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* json-rules-engine's operator decorators: `not:equal`, `someFact:greaterThan`, `everyValue:in`, `swap:contains`… */

type Test = (actual: unknown, expected: unknown) => boolean;
type Compiled = (actual: unknown) => boolean;
interface Decorator {
  description: string;
  evaluate(next: Test): Test;
  /** With a constant value, when the inner operator can be compiled against it. */
  compile?(inner: OperatorDefinition, expected: unknown): Compiled | null;
}

/**
 * json-rules-engine 7's decorators, same semantics. Where json-rules-engine would throw (`someValue`/`everyValue`
 * with a value that is not a list) the operator is false.
 */
export const operatorDecorators: ReadonlyMap<string, Decorator> = new Map<string, Decorator>([
  [
    'not',
    {
      description: 'negates the operator',
      evaluate: (next) => (a, b) => !next(a, b),
      compile: (inner, b) => {
        const t = constantTest(inner, b);
        return (a) => !t(a);
      },
    },
  ],
  [
    'someFact',
    {
      description: 'the fact value is a list and the operator holds for at least one of its items',
      evaluate: (next) => (a, b) => Array.isArray(a) && a.some((x) => next(x, b)),
      compile: (inner, b) => {
        const t = constantTest(inner, b);
        return (a) => Array.isArray(a) && a.some(t);
      },
    },
  ],
  [
    'everyFact',
    {
      description: 'the fact value is a list and the operator holds for every one of its items',
      evaluate: (next) => (a, b) => Array.isArray(a) && a.every((x) => next(x, b)),
      compile: (inner, b) => {
        const t = constantTest(inner, b);
        return (a) => Array.isArray(a) && a.every(t);
      },
    },
  ],
  [
    'someValue',
    {
      description: 'the value is a list and the operator holds for at least one of its items',
      evaluate: (next) => (a, b) => Array.isArray(b) && b.some((y) => next(a, y)),
    },
  ],
  [
    'everyValue',
    {
      description: 'the value is a list and the operator holds for every one of its items',
      evaluate: (next) => (a, b) => Array.isArray(b) && b.every((y) => next(a, y)),
    },
  ],
  ['swap', { description: 'swaps the fact value and the value', evaluate: (next) => (a, b) => next(b, a) }],
]);

const resolved = new WeakMap<OperatorTable, Map<string, OperatorDefinition | null>>();

/**
 * Finds an operator by name, applying json-rules-engine's `decorator:` prefixes (`not:in`, `someFact:startsWith`,
 * `everyValue:lessThan`, `swap:contains`). `undefined` when the name is unknown.
 */
export function resolveOperator(
  name: string,
  operators: OperatorTable = builtinOperators,
): OperatorDefinition | undefined {
  const direct = operators.get(name);
  if (direct !== undefined) return direct;
  let cache = resolved.get(operators);
  if (cache === undefined) {
    cache = new Map();
    resolved.set(operators, cache);
  }
  let op = cache.get(name);
  if (op === undefined) {
    op = decorate(name, operators);
    cache.set(name, op);
  }
  return op ?? undefined;
}

function decorate(name: string, operators: OperatorTable): OperatorDefinition | null {
  const colon = name.indexOf(':');
  if (colon <= 0) return null;
  const decorator = operatorDecorators.get(name.slice(0, colon));
  if (decorator === undefined) return null;
  const inner = resolveOperator(name.slice(colon + 1), operators);
  if (inner === undefined) return null;
  const evaluate = decorator.evaluate(inner.evaluate);
  const def: OperatorDefinition = {
    name,
    description: `\`${inner.name}\`, where ${decorator.description}.`,
    evaluate,
    origin: inner.origin ?? 'rulecord',
  };
  // Decorators change what `value` is (a list for someValue/everyValue, the other side for swap): only `not`,
  // `someFact` and `everyFact` keep the inner operator's value shape.
  if (
    inner.value !== undefined &&
    (decorator === operatorDecorators.get('not') ||
      decorator === operatorDecorators.get('someFact') ||
      decorator === operatorDecorators.get('everyFact'))
  ) {
    def.value = inner.value;
    if (inner.check) def.check = inner.check;
  }
  const compileWith = decorator.compile;
  if (compileWith) def.compile = (b) => compileWith(inner, b) ?? ((a) => evaluate(a, b));
  return Object.freeze(def);
}

/** The test used for a leaf whose `value` is a constant: `compile` if the operator has it, else `evaluate`. */
export function constantTest(op: OperatorDefinition, expected: unknown): (actual: unknown) => boolean {
  if (op.compile) return op.compile(expected);
  const evaluate = op.evaluate;
  return (actual) => evaluate(actual, expected);
}
