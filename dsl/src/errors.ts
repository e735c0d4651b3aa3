import type { ErrorKind, Problem } from '@rulecord/engine';

/** One entry of the closed list of codes this package (and the `rulecord` CLI's file commands) emits. */
export interface DslErrorCodeInfo {
  readonly code: `RC_${string}`;
  readonly kind: ErrorKind;
  /** What went wrong, in one sentence. */
  readonly summary: string;
  /** How to fix it, in general terms. */
  readonly fix: string;
}

/**
 * Every `RC_…` code of `@rulecord/dsl` and of the CLI's file commands. `docs/errors.md` is checked against this list
 * by a test; append new codes, never rename one.
 */
export const DSL_ERROR_CODES = [
  // ── Reading files ───────────────────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_YAML_SYNTAX',
    kind: 'user',
    summary:
      'The file is not valid YAML (or JSON): bad indentation, an unclosed quote or bracket, a tab used for indentation…',
    fix: 'Correct the YAML at the reported line and column; indent with spaces and close every quote and bracket.',
  },
  {
    code: 'RC_YAML_DUPLICATE_KEY',
    kind: 'user',
    summary: 'A mapping holds the same key twice, so one of the two values would silently be lost.',
    fix: 'Remove or rename one of the two keys.',
  },
  {
    code: 'RC_YAML_MULTIPLE_DOCUMENTS',
    kind: 'user',
    summary: 'The file holds more than one YAML document (`---`), but a rule-set file holds exactly one rule set.',
    fix: 'Put each rule set in its own file.',
  },
  {
    code: 'RC_FILE_READ',
    kind: 'user',
    summary: 'A file or folder named on the command line cannot be read (missing, or not allowed).',
    fix: 'Check the path and its permissions.',
  },
  {
    code: 'RC_FILE_FORMAT',
    kind: 'user',
    summary: 'The kind of file cannot be told from its name.',
    fix: 'Name rule-set files `*.yaml`, `*.yml`, `*.json` or `*.rules` (the DSL).',
  },
  // ── The DSL ─────────────────────────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_DSL_BAD_CHARACTER',
    kind: 'user',
    summary: 'The DSL text holds a character that starts no word, number, string or symbol (often an unclosed string).',
    fix: 'Remove the character, or close the string with `"` on the same line.',
  },
  {
    code: 'RC_DSL_SYNTAX',
    kind: 'user',
    summary: 'The DSL text does not fit the grammar at this place (a misspelt keyword, a missing value or bracket).',
    fix: 'Follow the hint; docs/dsl.md shows every clause with an example.',
  },
  {
    code: 'RC_DSL_DUPLICATE_CLAUSE',
    kind: 'user',
    summary: 'A rule (or the rule set) states the same clause twice, e.g. two `mode` lines.',
    fix: 'Keep one of the two clauses.',
  },
  {
    code: 'RC_DSL_BAD_CLAUSE',
    kind: 'user',
    summary: 'A clause is well formed but says something the rule document cannot hold (e.g. `where colour in [...]`).',
    fix: 'Use one of the forms the message lists; docs/dsl.md shows every clause.',
  },
  {
    code: 'RC_DSL_UNPRINTABLE',
    kind: 'user',
    summary:
      'The document cannot be written in the DSL because it is not a rule document (e.g. a rule without an id, a step with two actions).',
    fix: 'Validate the document (`rulecord validate`) and fix the problems it reports, then convert again.',
  },
  // ── The CLI ─────────────────────────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_CLI_USAGE',
    kind: 'user',
    summary: 'The command line is wrong: an unknown flag, a missing argument, or a bad flag value.',
    fix: 'Run `rulecord help <command>` for the command’s usage.',
  },
  {
    code: 'RC_CLI_UNREACHABLE',
    kind: 'transient',
    summary: '`plan`, `apply` or `pull` cannot reach the server at RULECORD_URL (refused, DNS, TLS, timeout).',
    fix: 'Check RULECORD_URL (or --url) and that the server is running; then try again.',
  },
  {
    code: 'RC_PLAN_STALE',
    kind: 'user',
    summary:
      '`rulecord apply` refused a plan because the live rule set changed after the plan was made (someone applied or edited in the studio).',
    fix: 'Run `rulecord plan` again, review the new diff, and apply that plan.',
  },
  {
    code: 'RC_FMT_UNFORMATTED',
    kind: 'user',
    summary: '`rulecord fmt --check` found a file that is not in canonical layout.',
    fix: 'Run `rulecord fmt <file>` and commit the result.',
  },
  {
    code: 'RC_TEST_FILE',
    kind: 'user',
    summary:
      'A rule test file (`*.test.yaml`) is malformed: no `ruleset`, no `cases`, a step that is neither an event nor an `advance`…',
    fix: 'Follow the test file format in docs/cli.md (`rulecord test`).',
  },
  {
    code: 'RC_TEST_FAILED',
    kind: 'user',
    summary: 'A rule test case did not produce the expected actions.',
    fix: 'Read the expected vs actual actions and the traces printed under the case; fix the rule or the expectation.',
  },
] as const satisfies readonly DslErrorCodeInfo[];

export type DslErrorCode = (typeof DSL_ERROR_CODES)[number]['code'];

/** A problem placed in a file: the JSON pointer of the engine's `Problem` plus the 1-based line and column. */
export interface SourceProblem extends Problem {
  /** Path of the file as given to the loader (`<stdin>` for standard input). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** Builds a `SourceProblem` with code-typed arguments. */
export function sourceProblem(
  code: DslErrorCode,
  message: string,
  where: { file: string; line: number; column: number; endLine?: number; endColumn?: number; pointer?: string },
  fix?: string,
): SourceProblem {
  const problem: SourceProblem = {
    code,
    message,
    pointer: where.pointer ?? '',
    severity: 'error',
    file: where.file,
    line: where.line,
    column: where.column,
  };
  if (where.endLine !== undefined) problem.endLine = where.endLine;
  if (where.endColumn !== undefined) problem.endColumn = where.endColumn;
  const f = fix ?? DSL_ERROR_CODES.find((c) => c.code === code)?.fix;
  if (f !== undefined) problem.fix = f;
  return problem;
}
