import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { collectFiles, formatProblemText, formatRuleFile, sourceProblem } from '@rulecord/dsl';
import { EXIT_FAILURE, EXIT_OK, defineCommand, parseArgs } from '../command.js';

export default defineCommand({
  name: 'fmt',
  summary: 'Put rule-set and rule-test files in canonical layout (comments kept, nothing added)',
  usage: `rulecord fmt [paths…] [--check]

  paths    files, or folders searched for rule sets and *.test.yaml files; default .
  --check  change nothing; list the files that are not formatted and exit 1 if there is one

YAML keeps its comments, key order and quoting; only indentation and spacing change. JSON gets two-space
indents. DSL files (*.rules) are printed again. No default value is ever added. Formatting twice changes nothing.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { check: 'boolean' });
    const { files, problems } = collectFiles(positionals, { cwd: ctx.cwd, kind: 'any' });
    let failed = problems.length > 0;
    for (const p of problems) ctx.stderr.write(`${formatProblemText(p)}\n`);
    let changed = 0;
    for (const file of files) {
      const abs = resolve(ctx.cwd, file);
      const text = readFileSync(abs, 'utf8');
      const result = formatRuleFile(text, { file });
      if (result.problems.length > 0) {
        failed = true;
        for (const p of result.problems) ctx.stderr.write(`${formatProblemText(p)}\n`);
        continue;
      }
      if (result.skipped) ctx.stderr.write(`${file}: left as it is: ${result.skipped}\n`);
      if (!result.changed) continue;
      changed++;
      if (flags.check) {
        ctx.stdout.write(
          `${formatProblemText(sourceProblem('RC_FMT_UNFORMATTED', 'not in canonical layout', { file, line: 1, column: 1 }))}\n`,
        );
      } else {
        writeFileSync(abs, result.output);
        ctx.stdout.write(`formatted ${file}\n`);
      }
    }
    if (flags.check && changed > 0) {
      ctx.stdout.write(`\n${changed} of ${files.length} files would be reformatted; run \`rulecord fmt\`\n`);
      return EXIT_FAILURE;
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
});
