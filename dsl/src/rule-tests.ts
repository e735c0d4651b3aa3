import { readFileSync } from 'node:fs';
import { dirname, join, isAbsolute, resolve } from 'node:path';
import {
  RulecordError,
  checkSimInput,
  simulate,
  type Registry,
  type SimAction,
  type SimStep,
  type Tier,
  type Trace,
  type SimInput,
} from '@rulecord/engine';
import type { SourceProblem } from './errors.js';
import { fileProblem, loadRuleFile } from './files.js';
import { SourceFile } from './yaml/source.js';
import { checkRuleFile, formatProblemText } from './check.js';

/** An expected action: its name, or an object that also pins the rule and (a subset of) the parameters. */
export type ExpectedAction = string | { action: string; rule?: string; params?: unknown; mode?: 'enforce' | 'shadow' };

export interface RuleTestCaseResult {
  name: string;
  passed: boolean;
  expected: ExpectedAction[];
  /** Actions the rules performed (or would have, in shadow mode), in order. */
  actual: SimAction[];
  /** Traces of the runs whose rule matched the event (every outcome but `filtered`). */
  traces: Trace[];
  /** A malformed case or step, placed in the test file. */
  problem?: SourceProblem;
  /** Where the case is written in the test file (its `name`), 1-based. */
  line: number;
  column: number;
}

export interface RuleTestFileResult {
  file: string;
  /** The rule-set file the tests run against, as written in `ruleset`. */
  ruleset?: string;
  /** Problems of the test file or of its rule set (then no case ran). */
  problems: SourceProblem[];
  cases: RuleTestCaseResult[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Runs one rule test file (`*.test.yaml`) through the engine's simulator, each case on a fresh simulated guild with a
 * virtual clock.
 *
 * ```yaml
 * ruleset: ./my-server.yaml        # relative to the test file
 * tier: premium                    # optional, default: the `tier` option
 * world: { members: [{ id: u1 }], channels: [{ id: general }] }
 * cases:
 *   - name: shouting is removed
 *     steps:
 *       - event: message.create
 *         with: { author: u1, channel: general, content: "HELLO EVERYONE LOOK AT ME" }
 *       - advance: 1h
 *     expect:
 *       actions: [message.delete, { action: member.warn, params: { reason: Too many capitals } }]
 * ```
 */
export async function runRuleTestFile(
  path: string,
  options: { cwd: string; registry: Registry; tier: Tier; filter?: string },
): Promise<RuleTestFileResult> {
  const abs = isAbsolute(path) ? path : join(options.cwd, path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    return { file: path, problems: [fileProblem(path, `cannot read ${path}`)], cases: [] };
  }
  const source = new SourceFile(text, { file: path });
  if (source.problems.length > 0) return { file: path, problems: source.problems, cases: [] };
  const spec = source.value;
  const bad = (pointer: string, message: string): RuleTestFileResult => ({
    file: path,
    problems: [
      source.place({
        code: 'RC_TEST_FILE',
        message,
        pointer,
        severity: 'error',
        fix: 'Follow the test file format in docs/cli.md (`rulecord test`).',
      }),
    ],
    cases: [],
  });
  if (!isObj(spec)) return bad('', 'a test file is a mapping with `ruleset` and `cases`');
  if (typeof spec.ruleset !== 'string')
    return bad('/ruleset', '`ruleset` must name the rule-set file to test (a path relative to this file)');
  if (!Array.isArray(spec.cases)) return bad('/cases', '`cases` must be a list of test cases');
  if (spec.tier !== undefined && spec.tier !== 'free' && spec.tier !== 'premium')
    return bad('/tier', '`tier` must be `free` or `premium`');
  if (spec.world !== undefined && !isObj(spec.world))
    return bad('/world', '`world` must be a mapping (members, channels, roles, guild)');
  // The shape of `world` and of each case's `world` and `steps` is the engine's (`simInputSchema`), not written here.
  const worldProblems = checkSimInput({ world: spec.world });
  if (worldProblems.length > 0) return { file: path, problems: worldProblems.map((p) => source.place(p)), cases: [] };
  const tier = (spec.tier as Tier | undefined) ?? options.tier;

  const rulesetPath = isAbsolute(spec.ruleset) ? spec.ruleset : join(dirname(path), spec.ruleset);
  const rulesetAbs = resolve(dirname(abs), spec.ruleset);
  let rulesetText: string;
  try {
    rulesetText = readFileSync(rulesetAbs, 'utf8');
  } catch {
    return bad('/ruleset', `cannot read the rule set ${spec.ruleset} (looked at ${rulesetPath})`);
  }
  const ruleFile = loadRuleFile(rulesetText, { file: rulesetPath });
  const checked = checkRuleFile(ruleFile, options.registry, { tier });
  if (!checked.ok)
    return {
      file: path,
      ruleset: spec.ruleset,
      problems: checked.problems.filter((p) => p.severity === 'error'),
      cases: [],
    };

  const cases: RuleTestCaseResult[] = [];
  for (const [index, raw] of spec.cases.entries()) {
    const pointer = `/cases/${index}`;
    const name = isObj(raw) && typeof raw.name === 'string' ? raw.name : `case ${index + 1}`;
    if (options.filter !== undefined && !name.toLowerCase().includes(options.filter.toLowerCase())) continue;
    const written = source.locate(isObj(raw) && typeof raw.name === 'string' ? `${pointer}/name` : pointer).start;
    const add = (result: Omit<RuleTestCaseResult, 'line' | 'column'>): void => {
      cases.push({ ...result, line: written.line, column: written.column });
    };
    const fail = (p: string, message: string): void => {
      add({
        name,
        passed: false,
        expected: [],
        actual: [],
        traces: [],
        problem: source.place({
          code: 'RC_TEST_FILE',
          message,
          pointer: p,
          severity: 'error',
          fix: 'Follow the test file format in docs/cli.md (`rulecord test`).',
        }),
      });
    };
    if (!isObj(raw)) {
      fail(pointer, 'a case is a mapping with `name`, `steps` and `expect`');
      continue;
    }
    if (!Array.isArray(raw.steps)) {
      fail(`${pointer}/steps`, '`steps` must be a list of `{ event, with }` and `{ advance }` steps');
      continue;
    }
    const expect = raw.expect;
    if (!isObj(expect) || !Array.isArray(expect.actions)) {
      fail(
        `${pointer}/expect`,
        '`expect.actions` must list the actions the case should produce, in order (`[]` for none)',
      );
      continue;
    }
    const expected = expect.actions as unknown[];
    const badExpected = expected.findIndex(
      (e) => !(typeof e === 'string' || (isObj(e) && typeof e.action === 'string')),
    );
    if (badExpected >= 0) {
      fail(
        `${pointer}/expect/actions/${badExpected}`,
        'an expected action is an action name, or `{ action, rule?, params? }`',
      );
      continue;
    }
    const [inputProblem] = checkSimInput({ world: raw.world, steps: raw.steps }, { base: pointer });
    if (inputProblem) {
      const problem = source.place(inputProblem);
      add({ name, passed: false, expected: expected as ExpectedAction[], actual: [], traces: [], problem });
      continue;
    }
    const world = mergeWorld(spec.world, raw.world);
    try {
      const result = await simulate({
        // A fresh copy per case: a case must not see anything an earlier one left behind.
        document: structuredClone(ruleFile.value),
        registry: options.registry,
        tier,
        ...(world ? { world: world as NonNullable<SimInput['world']> } : {}),
        steps: raw.steps as SimStep[],
      });
      if (!result.ok) {
        add({
          name,
          passed: false,
          expected: expected as ExpectedAction[],
          actual: [],
          traces: [],
          problem: ruleFile.place(
            result.problems.find((p) => p.severity === 'error') ??
              result.problems[0] ?? {
                code: 'RC_TEST_FILE',
                message: 'the rule set did not load',
                pointer: '',
                severity: 'error',
              },
          ),
        });
        continue;
      }
      const actual = result.actions.filter((a) => a.status !== 'skipped');
      const passed = matches(expected as ExpectedAction[], actual);
      add({
        name,
        passed,
        expected: expected as ExpectedAction[],
        actual,
        traces: result.traces.filter((t) => t.outcome !== 'filtered'),
      });
    } catch (error) {
      if (error instanceof RulecordError) {
        const p = error.pointer?.startsWith('/steps') ? `${pointer}${error.pointer}` : pointer;
        add({
          name,
          passed: false,
          expected: expected as ExpectedAction[],
          actual: [],
          traces: [],
          problem: source.place({
            code: error.code,
            message: error.message,
            pointer: p,
            severity: 'error',
            ...(error.fix ? { fix: error.fix } : {}),
          }),
        });
      } else throw error;
    }
  }
  return { file: path, ruleset: spec.ruleset, problems: [], cases };
}

function mergeWorld(base: unknown, over: unknown): Obj | undefined {
  if (!isObj(over)) return isObj(base) ? base : undefined;
  return { ...(isObj(base) ? base : {}), ...over };
}

/** Whether the actual actions are exactly the expected ones, in order. */
export function matches(expected: readonly ExpectedAction[], actual: readonly SimAction[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((e, i) => {
    const a = actual[i] as SimAction;
    if (typeof e === 'string') return a.action === e;
    if (a.action !== e.action) return false;
    if (e.rule !== undefined && a.rule !== e.rule) return false;
    if (e.mode !== undefined && a.mode !== e.mode) return false;
    return e.params === undefined || isSubset(e.params, a.params);
  });
}

function isSubset(expected: unknown, actual: unknown): boolean {
  if (isObj(expected)) return isObj(actual) && Object.entries(expected).every(([k, v]) => isSubset(v, actual[k]));
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => isSubset(v, actual[i]))
    );
  return Object.is(expected, actual) || (typeof expected === 'number' && expected === actual);
}

/** The human report of test results: per case ✓/✗, and for a failure expected vs actual actions and the traces. */
export function formatRuleTestReport(results: readonly RuleTestFileResult[]): {
  text: string;
  passed: number;
  failed: number;
} {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    lines.push(`${r.file}${r.ruleset ? `  (rule set: ${r.ruleset})` : ''}`);
    for (const p of r.problems) {
      failed++;
      lines.push(indent(formatProblemText(p), '  '));
    }
    for (const c of r.cases) {
      if (c.passed) {
        passed++;
        lines.push(`  ✓ ${c.name}`);
        continue;
      }
      failed++;
      lines.push(`  ✗ ${c.name}`);
      if (c.problem) {
        lines.push(indent(formatProblemText(c.problem), '      '));
        continue;
      }
      lines.push(
        `      expected actions: ${c.expected.length === 0 ? '(none)' : c.expected.map(describeExpected).join(', ')}`,
      );
      lines.push(
        `      actual actions:   ${c.actual.length === 0 ? '(none)' : c.actual.map(describeActual).join(', ')}`,
      );
      if (c.traces.length > 0) lines.push('      traces of the rules that ran:');
      for (const t of c.traces) lines.push(...describeTrace(t).map((l) => `        ${l}`));
    }
  }
  lines.push('');
  lines.push(`${passed} passed, ${failed} failed`);
  return { text: `${lines.join('\n')}\n`, passed, failed };
}

function describeExpected(e: ExpectedAction): string {
  if (typeof e === 'string') return e;
  return `${e.action}${e.rule ? ` (rule ${e.rule})` : ''}${e.mode ? ` [${e.mode}]` : ''}${e.params !== undefined ? ` ${JSON.stringify(e.params)}` : ''}`;
}

function describeActual(a: SimAction): string {
  const flags = [a.status !== 'ok' ? a.status : '', a.mode === 'shadow' ? 'shadow' : ''].filter(Boolean);
  return `${a.action} (rule ${a.rule}${flags.length ? `, ${flags.join(', ')}` : ''})`;
}

function describeTrace(t: Trace): string[] {
  const out = [
    `rule ${t.rule.id} on ${t.trigger.type}: ${t.outcome}${t.segment > 0 ? ` (resumed, segment ${t.segment})` : ''}`,
  ];
  for (const w of t.where.checks.filter((c) => !c.result))
    out.push(`  where ${w.filter}: expected ${JSON.stringify(w.expected)}, got ${JSON.stringify(w.actual)}`);
  for (const leaf of t.condition?.leaves ?? []) {
    out.push(
      `  ${leaf.result ? '✓' : '✗'} ${leaf.fact}${leaf.path ? ` at ${leaf.path}` : ''} ${leaf.operator} ${JSON.stringify(leaf.expected)} (was ${JSON.stringify(leaf.actual)})`,
    );
  }
  for (const l of t.limits) out.push(`  limit ${l.kind} ${l.key}${l.decision ? ` → ${l.decision}` : ''}`);
  for (const a of t.actions) out.push(`  → ${a.action} ${a.status}${a.error ? `: ${a.error.message}` : ''}`);
  if (t.error) out.push(`  error ${t.error.code}: ${t.error.message}`);
  return out;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
