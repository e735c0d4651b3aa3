import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.js';

const root = new URL('../../../', import.meta.url);
const variables = Object.keys(configSchema.properties);

// The schema is the single source; these files are written for people, and this keeps them complete.
describe('configuration documentation', () => {
  it('.env.example names every variable', () => {
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    for (const name of variables) expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('docs/configuration.md documents every variable', () => {
    const doc = readFileSync(new URL('docs/configuration.md', root), 'utf8');
    for (const name of variables) expect(doc, name).toContain(`\`${name}\``);
  });

  it('.env.example names no variable the schema does not know', () => {
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    const named = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(named.filter((n) => !variables.includes(n as string))).toEqual([]);
  });
});
