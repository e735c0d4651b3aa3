import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { runCommand } from './capture.js';

describe('rulecord schema', () => {
  it('prints the full JSON Schema, with every catalog module', async () => {
    const { code, stdout } = await runCommand(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as Record<string, unknown>;
    expect(typeof schema.$id).toBe('string');
    expect(stdout).toContain('member.timeout');
    expect(stdout).toContain('logChannel');
    expect(stdout).toContain('message.capsRatio');
    // Editors validate with it: it compiles, accepts an example and refuses an unknown action.
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    const doc = parseYaml(
      readFileSync(join(import.meta.dirname, '../../../examples/study-server/guild.yaml'), 'utf8'),
    ) as { rules: { then: unknown[] }[] };
    expect(validate(doc)).toBe(true);
    (doc.rules[0] as { then: unknown[] }).then.push({ 'message.explode': {} });
    expect(validate(doc)).toBe(false);
  });
});
