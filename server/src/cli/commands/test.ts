import {
  collectFiles,
  formatProblemText,
  formatRuleTestReport,
  runRuleTestFile,
  type RuleTestFileResult,
} from '@rulecord/dsl';
import type { Registry, Tier } from '@rulecord/engine';
import { EXIT_FAILURE, EXIT_OK, defineCommand, parseArgs } from '../command.js';
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

export default defineCommand({
  name: 'test',
  summary: 'Run rule tests (*.test.yaml) in a simulated guild with a virtual clock',
  usage: `rulecord test [paths…] [--filter NAME] [--tier free|premium]

  paths     test files, or folders searched for *.test.yaml; default .
  --filter  run only the cases whose name contains NAME
  --tier    the tier the rule sets run with, unless a test file sets \`tier\` (default free)

Prints ✓/✗ per case; for a failure the expected and actual actions and the traces of the rules that ran.
Exit code: 0 all passed, 1 a case failed (or nothing ran), 2 the command line is wrong.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { filter: 'string', tier: 'string' });
    const outcome = await runRuleTests(positionals, {
      cwd: ctx.cwd,
      tier: parseTier(flags.tier),
      ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
    });
    ctx.stdout.write(outcome.report);
    return outcome.ok ? EXIT_OK : EXIT_FAILURE;
  },
});
