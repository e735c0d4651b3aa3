import {
  collectFiles,
  formatProblemGithub,
  formatProblemText,
  formatRuleTestReport,
  runRuleTestFile,
  sourceProblem,
  type RuleTestFileResult,
} from '@rulecord/dsl';
import type { Registry, Tier } from '@rulecord/engine';
import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';
import { cliRegistry, parseTier } from './validate.js';

/** Runs every rule test file under `paths`; what `rulecord test` and the examples test call. */
export async function runRuleTests(
  paths: readonly string[],
  options: { cwd: string; tier?: Tier; filter?: string; registry?: Registry },
): Promise<{ results: RuleTestFileResult[]; report: string; passed: number; failed: number; ok: boolean }> {
  const { files, problems } = collectFiles(paths, { cwd: options.cwd, kind: 'tests' });
  const registry = options.registry ?? cliRegistry();
  const results: RuleTestFileResult[] = [];
  for (const file of files) {
    results.push(
      await runRuleTestFile(file, {
        cwd: options.cwd,
        registry,
        tier: options.tier ?? 'free',
        ...(options.filter !== undefined ? { filter: options.filter } : {}),
      }),
    );
  }
  const { text, passed, failed } = formatRuleTestReport(results);
  const head = problems.map((p) => `${formatProblemText(p)}\n`).join('');
  const none = files.length === 0 && problems.length === 0 ? 'no rule test files (*.test.yaml) found\n' : '';
  const total = failed + problems.length;
  return {
    results,
    report: head + none + text,
    passed,
    failed: total,
    ok: total === 0 && files.length > 0 && passed + failed > 0,
  };
}

/** The results as data, for other tools: per file and case, pass/fail, expected and actual actions, problems. */
function jsonReport(outcome: { results: RuleTestFileResult[]; passed: number; failed: number; ok: boolean }): object {
  return {
    ok: outcome.ok,
    passed: outcome.passed,
    failed: outcome.failed,
    files: outcome.results.map((r) => ({
      file: r.file,
      ruleset: r.ruleset,
      problems: r.problems,
      cases: r.cases.map((c) => ({
        name: c.name,
        passed: c.passed,
        line: c.line,
        column: c.column,
        expected: c.expected,
        actual: c.actual.map((a) => ({
          action: a.action,
          rule: a.rule,
          status: a.status,
          mode: a.mode,
          params: a.params,
        })),
        ...(c.problem ? { problem: c.problem } : {}),
      })),
    })),
  };
}

/** A GitHub annotation on each failing case (at its `name` in the test file) and each file problem. */
function githubAnnotations(results: readonly RuleTestFileResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const p of r.problems) out.push(formatProblemGithub(p));
    for (const c of r.cases) {
      if (c.passed) continue;
      if (c.problem) {
        out.push(formatProblemGithub(c.problem));
        continue;
      }
      const expected = c.expected.map((e) => (typeof e === 'string' ? e : e.action)).join(', ') || '(none)';
      const actual = c.actual.map((a) => a.action).join(', ') || '(none)';
      out.push(
        formatProblemGithub(
          sourceProblem('RC_TEST_FAILED', `${c.name}: expected ${expected}; got ${actual}`, {
            file: r.file,
            line: c.line,
            column: c.column,
          }),
        ),
      );
    }
  }
  return out;
}

export default defineCommand({
  name: 'test',
  summary: 'Run rule tests (*.test.yaml) in a simulated guild with a virtual clock',
  usage: `rulecord test [paths…] [--filter NAME] [--tier free|premium] [--format text|json|github]

  paths     test files, or folders searched for *.test.yaml; default .
  --filter  run only the cases whose name contains NAME
  --tier    the tier the rule sets run with, unless a test file sets \`tier\` (default free)
  --format  text (default); json (every case as data); github (text, plus an annotation on each failing case)

Prints ✓/✗ per case; for a failure the expected and actual actions and the traces of the rules that ran.
Exit code: 0 all passed, 1 a case failed (or nothing ran), 2 the command line is wrong.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { filter: 'string', tier: 'string', format: 'string' });
    const format = flags.format ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'github')
      throw new UsageError(`--format must be text, json or github, not "${format}"`);
    const outcome = await runRuleTests(positionals, {
      cwd: ctx.cwd,
      tier: parseTier(flags.tier),
      ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
    });
    if (format === 'json') ctx.stdout.write(`${JSON.stringify(jsonReport(outcome), null, 2)}\n`);
    else if (format === 'github') {
      ctx.stdout.write(outcome.report);
      for (const line of githubAnnotations(outcome.results)) ctx.stdout.write(`${line}\n`);
    } else ctx.stdout.write(outcome.report);
    return outcome.ok ? EXIT_OK : EXIT_FAILURE;
  },
});
