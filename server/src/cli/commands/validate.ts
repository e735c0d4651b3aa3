import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RulecordError, type Registry, type Tier } from '@rulecord/engine';
import { createCatalogRegistry } from '@rulecord/catalog';
import {
  checkRuleFile,
  collectFiles,
  fileProblem,
  formatProblemGithub,
  formatProblemText,
  loadRuleFile,
  sortProblems,
  type SourceProblem,
} from '@rulecord/dsl';
import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs, type CommandContext } from '../command.js';

/** `--tier free|premium` (default free): what a guild may use decides what validates. */
export function parseTier(value: string | undefined): Tier {
  if (value === undefined) return 'free';
  if (value !== 'free' && value !== 'premium') throw new UsageError(`--tier must be free or premium, not "${value}"`);
  return value;
}

/** The registry the CLI validates against: the engine's core module plus every catalog module. */
export function cliRegistry(): Registry {
  return createCatalogRegistry();
}

/** Reads a file named on the command line (`-` is standard input). */
export function readInput(path: string, ctx: CommandContext): string {
  try {
    if (path === '-') return readFileSync(0, 'utf8');
    return readFileSync(resolve(ctx.cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new RulecordError('RC_FILE_READ', `cannot read ${path === '-' ? 'standard input' : path}: ${why}`, {
      fix: 'Check the path and its permissions.',
    });
  }
}

export interface FileReport {
  file: string;
  ok: boolean;
  problems: SourceProblem[];
}

/** Validates files; every problem is placed at `file:line:col`. */
export function validateFiles(
  paths: readonly string[],
  options: { cwd: string; tier: Tier; registry?: Registry; stdin?: () => string },
): { reports: FileReport[]; problems: SourceProblem[] } {
  const fromStdin = paths.includes('-');
  const named = paths.filter((p) => p !== '-');
  // With only `-`, no folder is searched (an empty list would mean `.`).
  const { files, problems } =
    fromStdin && named.length === 0
      ? { files: [], problems: [] }
      : collectFiles(named, { cwd: options.cwd, kind: 'rules' });
  const registry = options.registry ?? cliRegistry();
  const check = (file: string, text: string): FileReport => {
    const checked = checkRuleFile(loadRuleFile(text, { file }), registry, { tier: options.tier });
    return { file, ok: checked.ok, problems: checked.problems };
  };
  const reports = files.map((file): FileReport => {
    let text: string;
    try {
      text = readFileSync(resolve(options.cwd, file), 'utf8');
    } catch {
      return { file, ok: false, problems: [fileProblem(file, `cannot read ${file}`)] };
    }
    return check(file, text);
  });
  // `-` reads one document from standard input (editors and pre-commit hooks pipe the buffer).
  if (fromStdin) reports.unshift(check('<stdin>', (options.stdin ?? (() => readFileSync(0, 'utf8')))()));
  return { reports, problems };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export default defineCommand({
  name: 'validate',
  summary: 'Check rule-set files (YAML, JSON or DSL) against the schema and every installed module',
  usage: `rulecord validate [paths…] [--format text|json|github] [--tier free|premium]

  paths     files, or folders searched for rule sets (*.yaml, *.yml, *.json with kind: RuleSet, *.rules); default .
            - reads one rule set from standard input (shown as <stdin>)
  --format  text (default): path:line:col: error RC_CODE message, a fix line, then a summary
            json: one JSON object with every file and problem
            github: GitHub Actions annotations (::error file=…,line=…,col=…::…)
  --tier    the guild's tier: premium features are errors in a free guild (default free)

Exit code: 0 every file is valid, 1 a problem was found, 2 the command line is wrong.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { format: 'string', tier: 'string' });
    const format = flags.format ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'github')
      throw new UsageError(`--format must be text, json or github, not "${format}"`);
    const tier = parseTier(flags.tier);
    const { reports, problems: pathProblems } = validateFiles(positionals, { cwd: ctx.cwd, tier });
    const all = sortProblems([...pathProblems, ...reports.flatMap((r) => r.problems)]);
    const errors = all.filter((p) => p.severity === 'error').length;
    const warnings = all.length - errors;
    if (format === 'json') {
      ctx.stdout.write(
        `${JSON.stringify({ ok: errors === 0, errors, warnings, files: reports, problems: pathProblems }, null, 2)}\n`,
      );
    } else if (format === 'github') {
      for (const p of all) ctx.stdout.write(`${formatProblemGithub(p)}\n`);
    } else {
      for (const p of all) ctx.stdout.write(`${formatProblemText(p)}\n`);
      if (reports.length === 0 && pathProblems.length === 0) {
        ctx.stderr.write('rulecord validate: no rule-set files found\n');
      } else {
        const bad = reports.filter((r) => !r.ok).length;
        const summary =
          errors === 0
            ? `${plural(reports.length, 'file')} valid${warnings ? `, ${plural(warnings, 'warning')}` : ''}`
            : `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} in ${bad} of ${plural(reports.length, 'file')}`;
        ctx.stdout.write(`${all.length > 0 ? '\n' : ''}${summary}\n`);
      }
    }
    return errors === 0 && (reports.length > 0 || pathProblems.length > 0) ? EXIT_OK : EXIT_FAILURE;
  },
});
