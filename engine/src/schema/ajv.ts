import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { errorCodeInfo } from '../errors/codes.js';
import type { Problem } from '../errors/error.js';
import { parseDuration } from '../model/duration.js';
import { getAtPointer, joinPointer, parsePointer } from '../model/pointer.js';
import { didYouMean } from './suggest.js';

// ajv-formats is CommonJS: under NodeNext its default import is the plugin function itself.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

// Schema `pattern`s run on RE2: linear time whatever the input, so a tenant's 100 kB string cannot stall validation
// on a pattern that backtracks (V8 takes seconds on `\{\{[\s\S]*?\}\}` against 100k `{`).
const require = createRequire(import.meta.url);
const RE2 = require('re2') as new (pattern: string, flags?: string) => { test(input: string): boolean };
const re2Engine = Object.assign((pattern: string, flags: string) => new RE2(pattern, flags), {
  code: 'require("re2")',
});

/**
 * A new ajv instance as the engine uses it: every error (one run finds every mistake), errors carrying their
 * schema (to explain them), formats, `pattern` on RE2 (so patterns use RE2's syntax: no lookaround, no
 * backreferences), `strict: false` (module schemas carry annotations such as `x-rulecord-selector`).
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, code: { regExp: re2Engine }, ...options });
  addFormats(ajv);
  return ajv;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** `a string or a whole number` for a schema `type`. */
export function typeNames(type: unknown): string {
  const list = (Array.isArray(type) ? type : [type]).map((t) => TYPE_NAMES[String(t)] ?? String(t));
  return list.length <= 1 ? (list[0] ?? 'something else') : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

/** How a value reads in a message: `the number 5`, `"hello"`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return value.length > 40
      ? `the text ${JSON.stringify(`${value.slice(0, 37)}...`)}`
      : `the text ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

/** Readable field path from pointer tokens: `escalation[0].action`. */
export function fieldPath(tokens: readonly string[]): string {
  let out = '';
  for (const token of tokens) out += /^\d+$/.test(token) ? `[${token}]` : out === '' ? token : `.${token}`;
  return out;
}

const list = (values: readonly unknown[]): string =>
  values.map((v) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``).join(', ');

export interface TranslateOptions {
  /** Pointer of the validated value in the document. */
  base: string;
  /** The code of problems. */
  code: string;
  /** The code of a value that is not a duration (default `code`: a bad duration parameter is a bad parameter). */
  durationCode?: string;
  /** `parameter` → "Unknown parameter `chanel` of `message.send`". */
  noun: string;
  /** `of \`message.send\`` (may be `''`). */
  owner: string;
  /** How the whole value is named: "The parameters of `message.send`". */
  root: string;
  /** Code for a field: e.g. `RC_BAD_RULE_ID` for `/id` of a rule. */
  codeFor?: (instancePath: string, error: ErrorObject) => string | undefined;
}

function isDurationSchema(schema: unknown): boolean {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    (schema as Record<string, unknown>)['x-rulecord-selector'] === 'duration'
  );
}

/** Drops ajv's cascade: `if` wrappers, and for `anyOf`/`oneOf` keeps only the branch that fits best. */
function prune(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const e of errors) if (e.keyword === 'if') dropped.add(e);
  const compounds = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of compounds) {
    if (c.keyword === 'oneOf' && c.params && (c.params as { passingSchemas?: unknown }).passingSchemas != null)
      continue;
    const prefix = `${c.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      if (e === c || dropped.has(e) || !e.schemaPath.startsWith(prefix) || !e.instancePath.startsWith(c.instancePath))
        continue;
      const index = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      const group = branches.get(index) ?? [];
      group.push(e);
      branches.set(index, group);
    }
    if (branches.size === 0) continue;
    // A branch whose own root type did not fit is a wrong guess; among the others, the fewest errors wins.
    const fitting = [...branches.entries()].filter(
      ([, errs]) =>
        !errs.some(
          (e) =>
            e.instancePath === c.instancePath &&
            (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum'),
        ),
    );
    const all = [...branches.values()].flat();
    if (fitting.length === 0) {
      for (const e of all) dropped.add(e);
      continue; // keep `c`: "must be X or Y"
    }
    fitting.sort((a, b) => a[1].length - b[1].length);
    const keep = new Set(fitting[0]?.[1] ?? []);
    for (const e of all) if (!keep.has(e)) dropped.add(e);
    dropped.add(c);
  }
  return errors.filter((e) => !dropped.has(e));
}

function branchDescription(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'another form';
  let s = schema as Record<string, unknown>;
  // A placeholder-tolerant wrapper (`if placeholder then true else <schema>`): describe the schema.
  if (s.then === true && typeof s.else === 'object' && s.else !== null) s = s.else as Record<string, unknown>;
  if (Array.isArray(s.enum)) return `one of ${list(s.enum)}`;
  if ('const' in s) return list([s.const]);
  if (s.type !== undefined) return typeNames(s.type);
  if (typeof s.$ref === 'string') return `a \`${s.$ref.split('/').at(-1) ?? s.$ref}\``;
  return 'another form';
}

/**
 * Turns ajv errors into problems a rule author can act on: one per real mistake, each at the JSON pointer of the
 * offending value, with "did you mean" for unknown keys and enum values.
 */
export function translateAjvErrors(
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
  options: TranslateOptions,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of prune(errors ?? [])) {
    const tokens = parsePointer(error.instancePath);
    const value = getAtPointer(data, error.instancePath);
    const label = (t: readonly string[]): string =>
      t.length === 0
        ? options.root
        : `${capital(options.noun)} \`${fieldPath(t)}\`${options.owner ? ` ${options.owner}` : ''}`;
    let pointer = joinPointer(options.base, ...tokens);
    let code = options.codeFor?.(error.instancePath, error) ?? options.code;
    let message: string;
    let fix: string | undefined;
    const params = error.params as Record<string, unknown>;
    const parent = error.parentSchema as Record<string, unknown> | undefined;

    if (isDurationSchema(parent) && ['type', 'pattern', 'minLength', 'minimum', 'maximum'].includes(error.keyword)) {
      code = options.durationCode ?? code;
      let why = 'not a duration';
      try {
        parseDuration(value as string | number);
      } catch (e) {
        why = e instanceof Error ? e.message : why;
      }
      message = `${label(tokens)}: ${why}.`;
    } else {
      switch (error.keyword) {
        case 'required': {
          const missing = String(params.missingProperty);
          message =
            tokens.length === 0 && options.noun === 'parameter'
              ? `Missing parameter \`${missing}\` ${options.owner}.`.replace(' .', '.')
              : `Missing ${options.noun} \`${fieldPath([...tokens, missing])}\`${options.owner ? ` ${options.owner}` : ''}.`;
          fix = `Add \`${missing}\`.`;
          break;
        }
        case 'additionalProperties': {
          const extra = String(params.additionalProperty);
          pointer = joinPointer(pointer, extra);
          const known =
            parent && typeof parent.properties === 'object' && parent.properties !== null
              ? Object.keys(parent.properties)
              : [];
          message = `Unknown ${options.noun} \`${fieldPath([...tokens, extra])}\`${options.owner ? ` ${options.owner}` : ''}.${didYouMean(extra, known)}`;
          fix = known.length > 0 ? `Allowed here: ${list(known)}.` : 'Remove it.';
          break;
        }
        case 'type':
          message = `${label(tokens)} must be ${typeNames(params.type)}, not ${describeValue(value)}.`;
          break;
        case 'enum': {
          const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
          const strings = allowed.filter((a): a is string => typeof a === 'string');
          message = `${label(tokens)} must be one of ${list(allowed)}, not ${describeValue(value)}.${typeof value === 'string' ? didYouMean(value, strings) : ''}`;
          break;
        }
        case 'const':
          message = `${label(tokens)} must be ${list([params.allowedValue])}, not ${describeValue(value)}.`;
          break;
        case 'anyOf':
        case 'oneOf': {
          const branches = Array.isArray(error.schema) ? error.schema : [];
          const multiple = error.keyword === 'oneOf' && params.passingSchemas != null;
          message = multiple
            ? `${label(tokens)} fits more than one of the allowed forms; make it unambiguous.`
            : `${label(tokens)} must be ${[...new Set(branches.map(branchDescription))].join(' or ')}, not ${describeValue(value)}.`;
          break;
        }
        case 'pattern': {
          const hint =
            typeof parent?.description === 'string'
              ? parent.description
              : `it must match \`${String(params.pattern)}\`.`;
          message = `${label(tokens)} has the wrong form (${describeValue(value)}): ${hint}`;
          break;
        }
        case 'uniqueItems':
          message = `${label(tokens)} lists the same item twice (items ${String(params.j)} and ${String(params.i)}).`;
          break;
        default:
          message = `${label(tokens)} ${error.message ?? 'is invalid'}.`;
      }
    }
    const key = `${code}\u0000${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem: Problem = { code, message, pointer, severity: 'error' };
    const finalFix = fix ?? errorCodeInfo(code)?.fix;
    if (finalFix !== undefined) problem.fix = finalFix;
    problems.push(problem);
  }
  return problems;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
