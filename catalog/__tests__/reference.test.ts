import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durationSchema } from '@rulecord/engine';
import { modules } from '../src/index.js';
import { referenceDrift } from '../src/reference/drift.js';
import { renderReference, typeOf } from '../src/reference/render.js';

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
});
