import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatOfPath, loadSource, printDocument, type RuleFileFormat } from '@rulecord/dsl';
import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';
import { describeRemoteError, liveDocument, remoteOf } from './plan.js';

export default defineCommand({
  name: 'pull',
  summary: 'Write the live rule set of a guild to a file (edits made in the studio become a git diff)',
  usage: `rulecord pull --guild ID [-o FILE] [--format yaml|json|dsl] [--url URL] [--token TOKEN]

  -o, --out       the file to write (default: standard output); its name sets the format
  --format        yaml (default), json or dsl
  --url, --token  the server and a guild API token; default RULECORD_URL and RULECORD_TOKEN

Pulling into an existing YAML file keeps its comments and key order where the values did not change.`,
  async run(args, ctx) {
    const normalized = args.map((a) => (a === '-o' ? '--out' : a));
    const { flags, positionals } = parseArgs(normalized, {
      guild: 'string',
      out: 'string',
      format: 'string',
      url: 'string',
      token: 'string',
    });
    if (!flags.guild) throw new UsageError('--guild ID is required');
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] as string}"`);
    const format = (flags.format ?? (flags.out ? formatOfPath(flags.out) : undefined) ?? 'yaml') as RuleFileFormat;
    if (!['yaml', 'json', 'dsl'].includes(format))
      throw new UsageError(`--format must be yaml, json or dsl, not "${format}"`);
    const remote = remoteOf(flags, ctx);
    try {
      const live = await liveDocument(remote, flags.guild);
      if (live.document === null) {
        ctx.stderr.write(`rulecord pull: guild ${flags.guild} has no rule set yet\n`);
        return EXIT_FAILURE;
      }
      let text = printDocument(live.document, format);
      const target = flags.out ? resolve(ctx.cwd, flags.out) : undefined;
      if (target && format === 'yaml' && existsSync(target)) {
        // Edit the file in place so its comments survive: replace only the values that changed.
        const source = loadSource(readFileSync(target, 'utf8'), { file: flags.out as string });
        if (source.problems.length === 0) {
          syncInto(source, source.value, live.document, '');
          text = source.toString();
        }
      }
      if (target) {
        writeFileSync(target, text);
        ctx.stdout.write(`Wrote version ${live.version} of guild ${flags.guild} to ${flags.out as string}.\n`);
      } else ctx.stdout.write(text);
      return EXIT_OK;
    } catch (error) {
      const message = describeRemoteError(error);
      if (message === undefined) throw error;
      ctx.stderr.write(message);
      return EXIT_FAILURE;
    }
  },
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Makes the YAML document hold `next`, touching only what differs from `current` (comments elsewhere stay). */
function syncInto(source: ReturnType<typeof loadSource>, current: unknown, next: unknown, pointer: string): void {
  if (isObj(current) && isObj(next)) {
    for (const key of Object.keys(current)) if (!Object.hasOwn(next, key)) source.delete(`${pointer}/${escape(key)}`);
    for (const [key, value] of Object.entries(next)) {
      const p = `${pointer}/${escape(key)}`;
      if (Object.hasOwn(current, key)) syncInto(source, current[key], value, p);
      else source.set(p, value);
    }
    return;
  }
  if (Array.isArray(current) && Array.isArray(next) && current.length === next.length) {
    next.forEach((value, i) => syncInto(source, current[i], value, `${pointer}/${i}`));
    return;
  }
  if (JSON.stringify(current) !== JSON.stringify(next)) source.set(pointer, next);
}

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
