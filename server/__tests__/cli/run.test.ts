import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RulecordError } from '@rulecord/engine';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, defineCommand, parseArgs } from '../../src/cli/command.js';
import type { CommandEntry } from '../../src/cli/command.js';
import { commands } from '../../src/cli/commands/index.js';
import { loadCommand } from '../../src/cli/run.js';
import { runCommand } from './capture.js';

const run = (argv: string[], entries?: readonly CommandEntry[]) =>
  runCommand(argv, entries ? { commands: entries } : {});

const fake: CommandEntry[] = [
  {
    name: 'ok',
    load: async () => ({
      default: defineCommand({ name: 'ok', summary: 'Succeeds', usage: 'rulecord ok', run: async () => EXIT_OK }),
    }),
  },
  {
    name: 'boom',
    load: async () => ({
      default: defineCommand({
        name: 'boom',
        summary: 'Fails',
        usage: 'rulecord boom',
        run: async () => {
          throw new RulecordError('RC_TEST_BOOM', 'the thing broke', { fix: 'mend it' });
        },
      }),
    }),
  },
  {
    name: 'picky',
    load: async () => ({
      default: defineCommand({
        name: 'picky',
        summary: 'Wants --n',
        usage: 'rulecord picky --n <count>',
        run: async (args) => {
          parseArgs(args, { n: 'string' });
          throw new UsageError('say --n');
        },
      }),
    }),
  },
  {
    name: 'liar',
    load: async () => ({ default: defineCommand({ name: 'other', summary: '', usage: '', run: async () => 0 }) }),
  },
];

describe('the registered commands', () => {
  it('each loads, under the name it is registered with, once', async () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of commands) {
      const command = await loadCommand(commands, entry.name);
      expect(command?.name).toBe(entry.name);
      expect(command?.summary, entry.name).toMatch(/\S/);
      expect(command?.usage, entry.name).toContain(`rulecord ${entry.name}`);
    }
    expect(names).toEqual(expect.arrayContaining(['start', 'api', 'bot', 'worker', 'migrate', 'help']));
  });

  it('help lists every command with its summary', async () => {
    const { code, stdout } = await run(['help']);
    expect(code).toBe(EXIT_OK);
    for (const entry of commands) expect(stdout).toMatch(new RegExp(`^  ${entry.name} +\\S`, 'm'));
    expect((await run([])).stdout).toBe(stdout);
  });

  it('help <command> and <command> --help show its usage', async () => {
    const a = await run(['help', 'migrate']);
    const b = await run(['migrate', '--help']);
    expect(a.code).toBe(EXIT_OK);
    expect(a.stdout).toContain('Usage: rulecord migrate up|down|status');
    expect(b.stdout).toBe(a.stdout);
    expect((await run(['help', 'nope'])).code).toBe(EXIT_USAGE);
  });

  it('--version prints the version', async () => {
    expect((await run(['--version'])).stdout).toMatch(/^rulecord \d+\.\d+\.\d+\n$/);
  });

  it('a wrong command line exits 2 with the usage', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.stderr).toBe('rulecord: unknown command "frobnicate". Run `rulecord help` for the list.\n');
    const migrate = await run(['migrate', 'sideways']);
    expect(migrate.code).toBe(EXIT_USAGE);
    expect(migrate.stderr).toContain('rulecord migrate: unknown action "sideways"');
    expect(migrate.stderr).toContain('Usage: rulecord migrate');
    expect((await run(['migrate', 'status', '--all'])).code).toBe(EXIT_USAGE);
    expect((await run(['start', 'extra'])).code).toBe(EXIT_USAGE);
  });
});

describe('runCli', () => {
  it('returns the command’s exit code', async () => {
    expect((await run(['ok'], fake)).code).toBe(EXIT_OK);
  });

  it('prints a failure as message, fix and code, exit 1, without a stack trace', async () => {
    const { code, stderr } = await run(['boom'], fake);
    expect(code).toBe(EXIT_FAILURE);
    expect(stderr).toBe('rulecord boom: the thing broke\n  fix: mend it [RC_TEST_BOOM]\n');
  });

  it('exits 2 for a usage error raised by a command or by parseArgs', async () => {
    expect((await run(['picky'], fake)).stderr).toBe('rulecord picky: say --n\nUsage: rulecord picky --n <count>\n');
    const unknownFlag = await run(['picky', '--m', '1'], fake);
    expect(unknownFlag.code).toBe(EXIT_USAGE);
    expect(unknownFlag.stderr).toContain('unknown option --m');
  });

  it('refuses a command file whose name differs from its registration', async () => {
    const { code, stderr } = await run(['liar'], fake);
    expect(code).toBe(EXIT_FAILURE);
    expect(stderr).toContain('registers "liar" but its file exports a command named "other"');
  });
});

describe('parseArgs', () => {
  it('reads --flag value, --flag=value, booleans and positionals in order', () => {
    expect(
      parseArgs(['a', '--out', 'x.yaml', '--check', 'b', '--format=json', '--', '--c'], {
        out: 'string',
        check: 'boolean',
        format: 'string',
      }),
    ).toEqual({
      flags: { out: 'x.yaml', check: true, format: 'json' },
      positionals: ['a', 'b', '--c'],
    });
  });

  it('refuses a string flag without value and a boolean with one', () => {
    expect(() => parseArgs(['--out'], { out: 'string' })).toThrow(UsageError);
    expect(() => parseArgs(['--out', '--check'], { out: 'string', check: 'boolean' })).toThrow(/needs a value/);
    expect(() => parseArgs(['--check=yes'], { check: 'boolean' })).toThrow(/takes no value/);
  });

  it('keeps every non-flag argument as a positional, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !s.startsWith('--'))), (args) => {
        expect(parseArgs(args, {}).positionals).toEqual(args);
      }),
    );
  });

  it('round-trips any string value given as --key value or --key=value', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.startsWith('--')),
        (value) => {
          expect(parseArgs(['--key', value], { key: 'string' }).flags.key).toBe(value);
          expect(parseArgs([`--key=${value}`], { key: 'string' }).flags.key).toBe(value);
        },
      ),
    );
  });
});
