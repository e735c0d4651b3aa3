import { formatOfPath, formatProblemText, loadRuleFile, printDocument, type RuleFileFormat } from '@rulecord/dsl';
import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';
import { readInput } from './validate.js';

const FORMATS: readonly RuleFileFormat[] = ['dsl', 'yaml', 'json'];

function format(value: string | undefined, flag: string): RuleFileFormat | undefined {
  if (value === undefined) return undefined;
  if (!(FORMATS as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be dsl, yaml or json, not "${value}"`);
  return value as RuleFileFormat;
}

export default defineCommand({
  name: 'compile',
  summary: 'Convert a rule set between YAML, JSON and the DSL',
  usage: `rulecord compile FILE --to dsl|yaml|json [--from dsl|yaml|json]

  FILE    the rule set to convert; - reads standard input
  --to    the form to write to standard output
  --from  the form of the input, when the file name does not say it (default: told from the name or the text)

YAML → DSL → YAML gives back the same document. Comments are not carried between forms.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { to: 'string', from: 'string' });
    const to = format(flags.to, '--to');
    if (!to) throw new UsageError('--to is required');
    if (positionals.length !== 1) throw new UsageError('give exactly one FILE (or - for standard input)');
    const path = positionals[0] as string;
    const from = format(flags.from, '--from') ?? (path === '-' ? undefined : formatOfPath(path));
    const text = readInput(path, ctx);
    const file = loadRuleFile(text, { file: path === '-' ? '<stdin>' : path, ...(from ? { format: from } : {}) });
    if (file.problems.length > 0) {
      for (const p of file.problems) ctx.stderr.write(`${formatProblemText(p)}\n`);
      return EXIT_FAILURE;
    }
    ctx.stdout.write(printDocument(file.value, to));
    return EXIT_OK;
  },
});
