import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createCatalogRegistry } from '@rulecord/catalog';
import { checkRuleFile, formatRuleFile, loadRuleFile, parseDsl, printDsl, toYaml } from '@rulecord/dsl';

// Every example rule set validates, is formatted, formats idempotently, round-trips YAML ⇄ DSL, and its tests pass
// through the real `rulecord test` (this is how `npm test` runs `rulecord test examples/`).
const examples = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(examples, '..');
const ruleSets = readdirSync(examples, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .flatMap((d) =>
    readdirSync(join(examples, d.name))
      .filter((f) => /\.(ya?ml|json|rules)$/.test(f) && !f.includes('.test.'))
      .map((f) => join(d.name, f)),
  );
const registry = createCatalogRegistry();

describe('examples', () => {
  it('has the three example servers, each with a rule test beside it', () => {
    expect(ruleSets.length).toBeGreaterThanOrEqual(3);
    for (const dir of ['gaming-community', 'study-server', 'streamer-server']) {
      expect(readdirSync(join(examples, dir)).some((f) => f.endsWith('.test.yaml'))).toBe(true);
    }
  });

  describe.each(ruleSets)('%s', (path) => {
    const text = readFileSync(join(examples, path), 'utf8');
    const file = loadRuleFile(text, { file: path });

    it('validates with no problem at all', () => {
      expect(checkRuleFile(file, registry, { tier: 'free' }).problems).toEqual([]);
    });

    it('is in canonical layout, and formatting twice changes nothing', () => {
      const once = formatRuleFile(text, { file: path });
      expect(once.changed).toBe(false);
      expect(formatRuleFile(once.output, { file: path }).output).toBe(once.output);
    });

    it('round-trips YAML → DSL → YAML', () => {
      const dsl = printDsl(file.value);
      const back = parseDsl(dsl, { file: `${path}.rules` });
      expect(back.problems).toEqual([]);
      expect(back.document).toEqual(file.value);
      expect(parseYaml(toYaml(back.document))).toEqual(file.value);
      expect(printDsl(back.document)).toBe(dsl);
    });
  });

  it('passes its rule tests through `rulecord test examples/`', () => {
    const run = spawnSync(process.execPath, ['server/bin/rulecord.mjs', 'test', 'examples/'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\n(\d+) passed, 0 failed\n$/);
    expect(run.stdout).not.toContain('✗');
    expect(run.status).toBe(0);
  }, 120_000);
});
