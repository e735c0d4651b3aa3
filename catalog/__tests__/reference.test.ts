import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durationSchema, type ModuleDefinition } from '@rulecord/engine';
import { modules } from '../src/index.js';
import { referenceDrift } from '../src/reference/drift.js';
import { renderIndex, renderModule, renderReference, typeOf } from '../src/reference/render.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/reference');

describe('docs/reference', () => {
  const files = renderReference(modules);

  it('is up to date with the catalog (run `npm run docs:reference` after changing a module)', () => {
    expect(referenceDrift(DIR, files, { readdirSync, readFileSync })).toEqual([]);
  });

  it('reports missing, changed and stale pages', () => {
    const fake = new Map([
      ['README.md', 'x'],
      ['spam.md', 'old'],
      ['gone.md', 'y'],
    ]);
    const fs = {
      readdirSync: () => [...fake.keys()],
      readFileSync: (p: string) => fake.get(p.split('/').pop() ?? '') ?? '',
    };
    const drift = referenceDrift(
      '/nowhere',
      new Map([
        ['README.md', 'x'],
        ['spam.md', 'new'],
        ['member.md', 'z'],
      ]),
      fs,
    );
    expect(drift).toEqual([
      'changed: docs/reference/spam.md',
      'missing: docs/reference/member.md',
      'stale: docs/reference/gone.md',
    ]);
  });

  it('has a page per module, and every index link points at an anchor of its page', () => {
    expect([...files.keys()].sort()).toEqual(['README.md', ...modules.map((m) => `${m.id}.md`)].sort());
    const index = files.get('README.md') ?? '';
    const links = [...index.matchAll(/\]\(([a-z-]+\.md)#([a-z0-9-]+)\)/g)];
    expect(links.length).toBe(
      modules.reduce(
        (n, m) =>
          n + (m.events?.length ?? 0) + (m.facts?.length ?? 0) + (m.actions?.length ?? 0) + (m.templates?.length ?? 0),
        0,
      ),
    );
    for (const [, page, anchor] of links)
      expect(files.get(page ?? '') ?? '', `${page}#${anchor}`).toContain(`<a id="${anchor}"></a>`);
  });

  it('describes every action param and fact of a module on its page', () => {
    for (const m of modules) {
      const page = files.get(`${m.id}.md`) ?? '';
      for (const a of m.actions ?? []) {
        for (const param of Object.keys((a.params['properties'] ?? {}) as object))
          expect(page, `${a.name}.${param}`).toContain(`| \`${param}\` |`);
      }
      for (const f of m.facts ?? []) expect(page).toContain(`### \`${f.name}\``);
    }
  });

  it('names schema types the way a rule author reads them', () => {
    expect(typeOf(durationSchema)).toBe('duration');
    expect(typeOf({ type: 'string', 'x-rulecord-selector': 'channel' })).toBe('channel id');
    expect(typeOf({ type: 'array', items: { type: 'string', 'x-rulecord-selector': 'role' } })).toBe('role id[]');
    expect(typeOf({ type: 'integer', minimum: 1, maximum: 100 })).toBe('integer 1–100');
    expect(typeOf({ type: ['string', 'null'] })).toBe('string \\| null');
    expect(typeOf({ enum: ['timeout', 'ban'] })).toBe('"timeout" \\| "ban"');
  });

  it('names untyped, constant, alternative and bounded schemas', () => {
    expect(typeOf(undefined)).toBe('any');
    expect(typeOf({ description: 'anything' })).toBe('any');
    expect(typeOf({ const: 'ban' })).toBe('"ban"');
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'integer', minimum: 1 }] })).toBe('string or integer ≥ 1');
    expect(typeOf({ type: 'integer', minimum: 0 })).toBe('integer');
    expect(typeOf({ type: 'number', maximum: 1 })).toBe('number ≤ 1');
    expect(typeOf({ type: 'array', items: { type: 'string' }, maxItems: 5 })).toBe('string[] (at most 5)');
    expect(typeOf({ type: 'array', items: durationSchema })).toBe('duration[]');
  });
});

describe('a module page and the index', () => {
  const bare: ModuleDefinition = { id: 'bare', version: '1.0.0', name: 'Bare', description: 'Nothing in it.' };
  const rich: ModuleDefinition = {
    id: 'rich',
    version: '2.0.0',
    name: 'Rich',
    description: 'Everything in it.',
    premium: true,
    facts: [
      {
        name: 'rich.flag',
        description: 'A flag. Set by hand.',
        schema: { type: 'boolean' },
        premium: true,
        resolve: () => true,
      },
      {
        name: 'rich.tags',
        description: 'Tags.',
        schema: { type: 'array', items: { type: 'string' } },
        examples: [[]],
        resolve: () => [],
      },
    ],
    actions: [
      {
        name: 'rich.roll',
        description: 'Rolls a die.',
        params: { type: 'object', properties: {} },
        result: { type: 'integer', minimum: 1, maximum: 6 },
        premium: true,
        run: () => Promise.resolve(4),
      },
    ],
  };

  it('writes what a module without settings, areas or items is, and nothing more', () => {
    const page = renderModule(bare);
    expect(page).toContain('# `bare` — Bare');
    expect(page).toContain('Version 1.0.0.\n');
    expect(page).not.toMatch(/## (Settings|Events|Facts|Actions|Templates)/);
    expect(page).not.toContain('Premium');
  });

  it('marks premium modules, facts and actions, and shows a scalar result by its type', () => {
    const page = renderModule(rich);
    expect(page).toContain('Version 2.0.0. **Premium.**');
    expect(page.match(/- \*\*Premium\*\* only/g)).toHaveLength(2);
    expect(page).toContain('- **Result** (`as:` a name to read it later as `{{ steps.<name>.… }}`): integer 1–6');
    expect(page).toContain('**Params**\n\n_None._');
    // A fact without an example is tested for `true`; an empty example list for a placeholder item.
    expect(page).toContain('{ fact: rich.flag, operator: equal, value: true }');
    expect(page).toContain('{ fact: rich.tags, operator: contains, value: "x" }');
  });

  it('lists only the kinds of names some module has, with counts per module', () => {
    const index = renderIndex([bare, rich]);
    expect(index).toContain('| [`bare` — Bare](bare.md) | 0 | 0 | 0 | 0 |');
    expect(index).toContain('| [`rich` — Rich](rich.md) | 0 | 2 | 1 | 0 |');
    expect(index).toContain('| [`rich.flag`](rich.md#fact-rich-flag) | A flag |');
    expect(index).not.toContain('## Events');
    expect(index).not.toContain('## Templates');
  });
});
