import { createRequire } from 'node:module';

/**
 * Tenant regular expressions. They run on RE2 (linear time, no backtracking), never on V8's engine, and are checked
 * for catastrophic backtracking with `recheck` at save time anyway: the same pattern may be previewed in a browser
 * (the studio) where only V8's engine exists.
 */

const require = createRequire(import.meta.url);

/** The subset of the `re2` package we use (its typings are CommonJS `export =`). */
export interface Re2 {
  /** On a Buffer, RE2 reads the UTF-8 bytes as they are (see `utf8`). */
  test(input: string | Buffer): boolean;
  readonly source: string;
  readonly flags: string;
}
type Re2Constructor = new (pattern: string, flags?: string) => Re2;

/**
 * The text as UTF-8 for RE2, converted once per text: the leaves of one event read the same message, and node-re2
 * converts a string argument on every call (about twice the cost of `Buffer.from`, then matching on the Buffer).
 * `test` answers the same on both.
 *
 * Texts up to `POOLED_CHARS` are written into one reused buffer and handed over as a view of exactly their byte length
 * (one view per length, made once): no allocation per text, where `Buffer.from` made a buffer object each time. The
 * bytes are only valid until the next different text: `utf8` is for a `test` made at once, never for keeping.
 */
const POOLED_CHARS = 1_365; // × 3 bytes at most per UTF-16 unit: always fits the pool
const pool = Buffer.allocUnsafe(POOLED_CHARS * 3);
/**
 * Node's `utf8Write` (what `write(text, 0, 'utf8')` calls after normalising its arguments, a tenth of the conversion's
 * time on a short message): writes `text` at the start of the pool and answers the byte count.
 */
const writeUtf8 = (text: string): number =>
  (pool as Buffer & { utf8Write(text: string, offset: number): number }).utf8Write(text, 0);
const views: Buffer[] = [];
let lastText = '';
let lastUtf8: Buffer = pool.subarray(0, 0);
export function utf8(text: string): Buffer {
  if (text !== lastText) {
    if (text.length <= POOLED_CHARS) {
      const n = writeUtf8(text);
      lastUtf8 = views[n] ??= pool.subarray(0, n);
    } else lastUtf8 = Buffer.from(text, 'utf8');
    lastText = text;
  }
  return lastUtf8;
}

let re2Class: Re2Constructor | undefined;
function RE2(): Re2Constructor {
  re2Class ??= require('re2') as Re2Constructor;
  return re2Class;
}

/** Flags a tenant may use: case-insensitive, multi-line, dot-all, unicode. `g` and `y` are stateful and refused. */
export const REGEX_FLAGS = 'imsu';

export interface RegexSpec {
  pattern: string;
  flags: string;
}

/** `value` of `matches`: a pattern string, or `{ pattern, flags }`. `null` when it has neither shape. */
export function regexSpec(value: unknown): RegexSpec | null {
  if (typeof value === 'string') return { pattern: value, flags: '' };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v.pattern !== 'string') return null;
    if (v.flags !== undefined && typeof v.flags !== 'string') return null;
    return { pattern: v.pattern, flags: (v.flags as string | undefined) ?? '' };
  }
  return null;
}

const compiled = new Map<string, Re2 | Error>();
const MAX_CACHED = 5_000;

/** Compiles on RE2, cached by pattern and flags. Throws when the pattern is not valid for RE2. */
export function compileRegex(spec: RegexSpec): Re2 {
  const key = `${spec.flags}/${spec.pattern}`;
  let entry = compiled.get(key);
  if (entry === undefined) {
    try {
      for (const f of spec.flags)
        if (!REGEX_FLAGS.includes(f)) throw new Error(`flag \`${f}\` is not allowed (use ${REGEX_FLAGS})`);
      if (new Set(spec.flags).size !== spec.flags.length) throw new Error('a flag is repeated');
      // RE2 always matches on code points (UTF-8 inside); `u` only changes how indexes are reported, which `test`
      // never does, so it is not forced (it costs ~15% per call).
      entry = new (RE2())(spec.pattern, spec.flags);
    } catch (error) {
      entry = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

/** Why a pattern is not usable, or `null`. */
export function regexProblem(spec: RegexSpec): string | null {
  try {
    compileRegex(spec);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * `safe`; `polynomial` (with its degree) or `exponential` backtracking on a backtracking engine; or `unknown` when
 * recheck gave up within its time box or cannot parse the pattern (RE2-only syntax).
 */
export type RegexSafety =
  | { status: 'safe' | 'unknown' }
  | { status: 'vulnerable'; complexity: 'exponential' }
  | { status: 'vulnerable'; complexity: 'polynomial'; degree: number };

interface RecheckModule {
  checkSync(
    source: string,
    flags: string,
    params?: { timeout?: number | null },
  ): { status: 'safe' | 'vulnerable' | 'unknown'; complexity?: { type: string; degree?: number } };
}
let recheck: RecheckModule | undefined;
const safety = new Map<string, RegexSafety>();

/**
 * Whether a pattern can backtrack catastrophically on a backtracking engine (`recheck`, time-boxed). RE2 runs every
 * pattern in linear time; this matters where a pattern may also run on V8 (the studio's preview). The first call
 * starts recheck's worker (~150 ms); results are cached.
 */
export function regexSafety(spec: RegexSpec, timeoutMs = 1_000): RegexSafety {
  const key = `${spec.flags}/${spec.pattern}`;
  const cached = safety.get(key);
  if (cached !== undefined) return cached;
  let result: RegexSafety;
  try {
    recheck ??= require('recheck') as RecheckModule;
    const flags = [...spec.flags].filter((f) => 'ims'.includes(f)).join('');
    const d = recheck.checkSync(spec.pattern, flags, { timeout: timeoutMs });
    if (d.status !== 'vulnerable') result = { status: d.status };
    else if (d.complexity?.type === 'polynomial')
      result = { status: 'vulnerable', complexity: 'polynomial', degree: d.complexity.degree ?? 2 };
    else result = { status: 'vulnerable', complexity: 'exponential' };
  } catch {
    result = { status: 'unknown' };
  }
  if (safety.size >= MAX_CACHED) safety.clear();
  safety.set(key, result);
  return result;
}
