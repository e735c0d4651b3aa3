import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The foundation's error codes (configuration, database, Redis, HTTP shell) form one closed list, documented for
// operators in docs/deployment.md; this keeps the two in step.
const src = fileURLToPath(new URL('../../src/', import.meta.url));
const folders = ['config', 'db', 'http', 'process', 'logging', 'cli'];
const own = (file: string) =>
  !file.includes('/cli/commands/') || /\/(start|api|bot|worker|migrate|help)\.ts$/.test(file);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('foundation error codes', () => {
  const codes = new Set(
    folders
      .flatMap((f) => files(join(src, f)))
      .filter((f) => own(f) && !f.endsWith('timer-store.ts') && !f.includes('/migrations/'))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(RC_[A-Z_]+)'/g)].map((m) => m[1]!)),
  );
  const doc = readFileSync(new URL('../../../docs/deployment.md', import.meta.url), 'utf8');

  it('are each documented in docs/deployment.md', () => {
    expect(codes.size).toBeGreaterThan(10);
    for (const code of codes) expect(doc, code).toContain(`\`${code}\``);
  });

  it('are all documented codes still used', () => {
    const section = doc.slice(doc.indexOf('## When a process will not start'));
    const documented = [...section.matchAll(/`(RC_[A-Z_]+)`/g)].map((m) => m[1]!);
    expect(documented.filter((c) => !codes.has(c))).toEqual([]);
  });
});
