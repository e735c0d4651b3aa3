import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { Sink } from './capture.js';

// The examples of docs/cli.md and docs/gitops.md run here: `<!-- file: NAME -->` blocks are written to a fresh folder,
// `<!-- run -->` console blocks are run in it, and the output must be exactly what the page shows.
const root = join(import.meta.dirname, '..', '..', '..');

type Step =
  | { kind: 'file'; name: string; body: string }
  | { kind: 'run'; exit: number; commands: { argv: string[]; output: string }[] };

function stepsOf(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const m of markdown.matchAll(/<!-- (file: (\S+)|run(?: exit=(\d))?) -->\n```\w+\n([\s\S]*?)```/g)) {
    const body = m[4] as string;
    if (m[2]) {
      steps.push({ kind: 'file', name: m[2], body });
      continue;
    }
    const commands: { argv: string[]; output: string }[] = [];
    for (const line of body.split('\n')) {
      if (line.startsWith('$ rulecord '))
        commands.push({ argv: splitArgs(line.slice('$ rulecord '.length)), output: '' });
      else if (commands.length > 0) (commands[commands.length - 1] as { output: string }).output += `${line}\n`;
    }
    for (const c of commands) c.output = c.output.replace(/\n+$/, '');
    steps.push({ kind: 'run', exit: Number(m[3] ?? 0), commands });
  }
  return steps;
}

function splitArgs(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe.each(['cli.md', 'gitops.md'])('docs/%s examples', (page) => {
  const steps = stepsOf(readFileSync(join(root, 'docs', page), 'utf8'));

  it('has runnable examples', () => {
    expect(steps.some((s) => s.kind === 'run')).toBe(true);
  });

  it('prints exactly what the page shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rulecord-docs-'));
    try {
      for (const step of steps) {
        if (step.kind === 'file') {
          mkdirSync(dirname(join(dir, step.name)), { recursive: true });
          writeFileSync(join(dir, step.name), step.body);
          continue;
        }
        for (const [i, c] of step.commands.entries()) {
          const out = new Sink();
          const code = await runCli(c.argv, { stdout: out as never, stderr: out as never, cwd: dir, env: {} });
          expect(out.text, `rulecord ${c.argv.join(' ')}`).toBe(c.output === '' ? '' : `${c.output}\n`);
          if (i === step.commands.length - 1) expect(code, `exit code of rulecord ${c.argv.join(' ')}`).toBe(step.exit);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
