import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { documentSchema } from '@rulecord/engine';
import { EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';
import { cliRegistry } from './validate.js';

export default defineCommand({
  name: 'schema',
  summary: 'Print the JSON Schema of rule-set documents (core + every module), for editors',
  usage: `rulecord schema [--output FILE]

  --output  write the schema to FILE instead of standard output

Point your editor at it with a first line in each rule-set file:
  # yaml-language-server: $schema=./rulecord.schema.json`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { output: 'string' });
    if (positionals.length > 0) throw new UsageError('schema takes no arguments');
    const text = `${JSON.stringify(documentSchema(cliRegistry()), null, 2)}\n`;
    if (flags.output) {
      writeFileSync(resolve(ctx.cwd, flags.output), text);
      ctx.stdout.write(`wrote ${flags.output}\n`);
    } else ctx.stdout.write(text);
    return EXIT_OK;
  },
});
