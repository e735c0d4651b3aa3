import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Problem } from '../errors/error.js';
import { MAX_CONDITION_DEPTH, booleanKey, isFactRef } from './compiler.js';
import { builtinOperators, resolveOperator, type OperatorDefinition, type OperatorTable } from './operators.js';
import { pathProblem } from './path.js';

/** Keys a leaf may carry besides its own (json-rules-engine's `name` and `priority`). */
const LEAF_KEYS = new Set(['fact', 'operator', 'value', 'path', 'params', 'name', 'priority']);
const BOOLEAN_KEYS = new Set(['name', 'priority']);
const REF_KEYS = new Set(['fact', 'path', 'params']);
/** More leaves than this in one rule is refused: it is a mistake (or an attack on load time), not a rule. */
export const MAX_CONDITION_LEAVES = 2_000;

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new WeakMap<OperatorDefinition, ValidateFunction | null>();
function valueValidator(op: OperatorDefinition): ValidateFunction | null {
  let v = validators.get(op);
  if (v === undefined) {
    v = op.value === undefined ? null : ajv.compile(op.value);
    validators.set(op, v);
  }
  return v;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** Up to three known operators close to `name` (case-insensitive match first, then edit distance, then prefix). */
export function suggestOperators(name: string, operators: OperatorTable = builtinOperators): string[] {
  const lower = name.toLowerCase();
  const scored = [...operators.keys()].map((candidate) => {
    const c = candidate.toLowerCase();
    let score = levenshtein(lower, c);
    if (c === lower) score = -2;
    else if (c.startsWith(lower) || lower.startsWith(c)) score = Math.min(score, 1);
    return { candidate, score };
  });
  const limit = Math.max(2, Math.floor(name.length / 3));
  return scored
    .filter((s) => s.score <= limit)
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, 3)
    .map((s) => s.candidate);
}

/**
 * The error of the form the value is written in. For `anyOf` (a string, or `{ pattern, flags }`) ajv reports every
 * branch: a `type` error from the branches the value is not, the real mistake from the one it is. The deepest error
 * wins, then any error that is not about the type; a value of no accepted type keeps the first (`must be string`).
 */
function meantError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  const real = (errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const depth = (e: ErrorObject): number => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
  return (
    [...real].sort((a, b) => depth(b) - depth(a) || Number(a.keyword === 'type') - Number(b.keyword === 'type'))[0] ??
    errors?.[0]
  );
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Every problem in a condition (json-rules-engine format), each with its JSON pointer: a malformed node, an unknown
 * operator (`RC_UNKNOWN_OPERATOR`, with suggestions), a value of the wrong shape for its operator
 * (`RC_BAD_OPERATOR_VALUE`), an invalid or catastrophic regex (`RC_INVALID_REGEX`, `RC_UNSAFE_REGEX`), a JSONPath or
 * malformed path (`RC_BAD_PATH`), nesting too deep (`RC_CONDITION_TOO_DEEP`). Fact names are not checked here: the
 * schema layer knows the registry. An empty list means `compileCondition` will accept it.
 *
 * @example
 * checkCondition({ all: [{ fact: 'message.length', operator: 'greaterThen', value: 10 }] }, '/rules/0/if');
 * // [{ code: 'RC_UNKNOWN_OPERATOR', pointer: '/rules/0/if/all/0/operator', message: 'Unknown operator `greaterThen`. Did you mean `greaterThan`?', … }]
 */
export function checkCondition(
  condition: unknown,
  pointer: string,
  options: { operators?: OperatorTable } = {},
): Problem[] {
  const operators = options.operators ?? builtinOperators;
  const problems: Problem[] = [];
  let leaves = 0;
  const error = (code: string, message: string, at: string, fix?: string): void => {
    problems.push(
      fix === undefined
        ? { code, message, pointer: at, severity: 'error' }
        : { code, message, pointer: at, fix, severity: 'error' },
    );
  };

  const checkPath = (path: unknown, at: string): void => {
    if (path === undefined) return;
    if (typeof path !== 'string') {
      error(
        'RC_BAD_PATH',
        `\`path\` must be a dotted path string, not ${typeName(path)}`,
        at,
        'Write e.g. `path: author.roles.0`.',
      );
      return;
    }
    if (path === '') return;
    const problem = pathProblem(path);
    if (problem !== null)
      error('RC_BAD_PATH', `Invalid path \`${path}\`: ${problem}`, at, 'Write a dotted path such as `author.roles.0`.');
  };
  const checkParams = (params: unknown, at: string): void => {
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      error('RC_BAD_CONDITION', `\`params\` must be an object, not ${typeName(params)}`, at);
    }
  };
  const unknownKeys = (node: Record<string, unknown>, allowed: Set<string>, at: string, what: string): void => {
    for (const key of Object.keys(node)) {
      if (!allowed.has(key)) {
        error(
          'RC_BAD_CONDITION',
          `Unknown key \`${key}\` in ${what}`,
          `${at}/${escapePointer(key)}`,
          `Allowed keys: ${[...allowed].join(', ')}.`,
        );
      }
    }
  };

  const visit = (node: unknown, at: string, depth: number): void => {
    if (depth > MAX_CONDITION_DEPTH) {
      error(
        'RC_CONDITION_TOO_DEEP',
        `Conditions are nested more than ${MAX_CONDITION_DEPTH} levels deep`,
        at,
        'Flatten the nesting: `all` inside `all` can be merged.',
      );
      return;
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      error(
        'RC_BAD_CONDITION',
        `A condition must be an object with \`all\`, \`any\`, \`not\` or \`fact\`, not ${typeName(node)}`,
        at,
      );
      return;
    }
    const n = node as Record<string, unknown>;
    const key = booleanKey(n);
    if (key !== undefined) {
      const present = ['all', 'any', 'not'].filter((k) => Object.prototype.hasOwnProperty.call(n, k));
      if (present.length > 1) {
        error(
          'RC_BAD_CONDITION',
          `A condition has both ${present.map((k) => `\`${k}\``).join(' and ')}: only \`${key}\` would be used`,
          at,
          'Nest them: `all: [{ any: [...] }, ...]`.',
        );
      }
      unknownKeys(n, new Set([...BOOLEAN_KEYS, key, ...present]), at, `an \`${key}\` condition`);
      if (key === 'not') {
        if (Array.isArray(n.not)) {
          error(
            'RC_BAD_CONDITION',
            '`not` takes one condition, not a list',
            `${at}/not`,
            'Wrap the list: `not: { any: [...] }`.',
          );
          return;
        }
        visit(n.not, `${at}/not`, depth + 1);
        return;
      }
      const list = n[key];
      if (!Array.isArray(list)) {
        error('RC_BAD_CONDITION', `\`${key}\` must be a list of conditions, not ${typeName(list)}`, `${at}/${key}`);
        return;
      }
      list.forEach((child, i) => visit(child, `${at}/${key}/${i}`, depth + 1));
      return;
    }

    leaves++;
    if (leaves === MAX_CONDITION_LEAVES + 1) {
      error(
        'RC_CONDITION_TOO_LARGE',
        `More than ${MAX_CONDITION_LEAVES} conditions in one rule`,
        at,
        'Split the rule, or move long lists into one `in` / `containsAnyWord` value.',
      );
    }
    if (!Object.prototype.hasOwnProperty.call(n, 'fact')) {
      error(
        'RC_BAD_CONDITION',
        'A condition needs `fact` (with `operator` and `value`) or one of `all`, `any`, `not`',
        at,
      );
      return;
    }
    unknownKeys(n, LEAF_KEYS, at, 'a condition');
    if (typeof n.fact !== 'string' || n.fact === '')
      error('RC_BAD_CONDITION', '`fact` must be a fact name', `${at}/fact`);
    checkPath(n.path, `${at}/path`);
    checkParams(n.params, `${at}/params`);

    let op: OperatorDefinition | undefined;
    if (!Object.prototype.hasOwnProperty.call(n, 'operator')) {
      error('RC_BAD_CONDITION', 'The condition needs an `operator`', at);
    } else if (typeof n.operator !== 'string') {
      error('RC_BAD_CONDITION', `\`operator\` must be an operator name, not ${typeName(n.operator)}`, `${at}/operator`);
    } else {
      op = resolveOperator(n.operator, operators);
      if (op === undefined) {
        const suggestions = suggestOperators(n.operator, operators);
        const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '';
        error(
          'RC_UNKNOWN_OPERATOR',
          `Unknown operator \`${n.operator}\`.${hint}`,
          `${at}/operator`,
          'See docs/operators.md for every operator.',
        );
      }
    }

    if (!Object.prototype.hasOwnProperty.call(n, 'value')) {
      error(
        'RC_BAD_CONDITION',
        'The condition needs a `value`',
        at,
        op?.name === 'exists' ? 'Write `value: true`.' : undefined,
      );
      return;
    }
    const value = n.value;
    if (isFactRef(value)) {
      const ref = value as Record<string, unknown>;
      unknownKeys(ref, REF_KEYS, `${at}/value`, 'a fact reference');
      if (typeof ref.fact !== 'string' || ref.fact === '')
        error('RC_BAD_CONDITION', '`value.fact` must be a fact name', `${at}/value/fact`);
      checkPath(ref.path, `${at}/value/path`);
      checkParams(ref.params, `${at}/value/params`);
      return;
    }
    if (op === undefined) return;
    const validate = valueValidator(op);
    if (validate !== null && !validate(value)) {
      const detail = meantError(validate.errors);
      const where = detail && detail.instancePath !== '' ? ` (at ${detail.instancePath})` : '';
      error(
        'RC_BAD_OPERATOR_VALUE',
        `\`${op.name}\` cannot take ${typeName(value)} as its value${where}: ${detail?.message ?? 'wrong shape'}`,
        `${at}/value${detail?.instancePath ?? ''}`,
        `\`${op.name}\`: ${op.description}`,
      );
      return;
    }
    const extra = op.check?.(value) ?? null;
    if (extra !== null) {
      const p: Problem = {
        code: extra.code,
        message: extra.message,
        pointer: `${at}/value`,
        severity: extra.severity ?? 'error',
      };
      if (extra.fix !== undefined) p.fix = extra.fix;
      problems.push(p);
    }
  };

  visit(condition, pointer, 0);
  return problems;
}
