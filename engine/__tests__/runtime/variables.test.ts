import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNRESOLVED, compileVariables, renderVariableString, renderVariables } from '../../src/index.js';
import type { Problem, VariableScope } from '../../src/index.js';
import { safeGet } from '../../src/runtime/path.js';

const data: Record<string, unknown> = {
  user: { id: 'u1', name: 'ada', tags: ['a', 'b'] },
  event: { content: 'Hello', count: 3, nested: { list: [1, 2, 3] }, empty: '' },
  facts: { 'xp.level': 7 },
};
const scope: VariableScope = (root, path) => {
  if (root === 'now') return 1000;
  if (root === 'facts') return safeGet(data.facts, [path.join('.')]);
  if (root === 'guild' && path[0] === 'name') return Promise.resolve('Guild');
  if (root === 'channel') return UNRESOLVED;
  return safeGet(data[root], path);
};
const render = (text: string) => renderVariableString(text, scope);

describe('variables', () => {
  it('renders paths and filters', async () => {
    expect(await render('hi {{ user.name }}!')).toBe('hi ada!');
    expect(await render('{{ event.content | upper }} {{ event.content | lower }}')).toBe('HELLO hello');
    expect(await render('{{ event.missing | default: "none" }}/{{ event.empty | default: \'x\' }}')).toBe('none/x');
    expect(
      await render(
        '{{ user.tags | join: "+" }} {{ user.tags | length }} {{ user.tags | first }}{{ user.tags | last }}',
      ),
    ).toBe('a+b 2 ab');
    expect(await render('{{ event.content | truncate: 4 }}')).toBe('Hel…');
    expect(await render('{{ user.id | mention }} {{ guild.name }} at {{ now }}')).toBe('<@u1> Guild at 1000');
    expect(await render('{{ event.nested }}')).toEqual({ list: [1, 2, 3] });
    expect(await render('n={{ event.nested.list }}')).toBe('n=[1,2,3]');
  });

  it('a value that is exactly one placeholder keeps its type', async () => {
    expect(await render('{{ event.count }}')).toBe(3);
    expect(await render('  {{ facts.xp.level }} ')).toBe(7);
    expect(await render('{{ event.count }} ')).toBe(3);
    expect(await render('{{ event.count }}x')).toBe('3x');
  });

  it('drops a key whose single placeholder renders nothing; leaves unresolved placeholders as written', async () => {
    const problems: Problem[] = [];
    const compiled = compileVariables(
      { a: '{{ event.none }}', b: ['{{ event.count }}', '{{ event.none }}'], c: 'in {{ channel.name }}' },
      '/p',
      problems,
    );
    expect(problems).toEqual([]);
    const unresolved: string[] = [];
    expect(await renderVariables(compiled, scope, unresolved)).toEqual({ b: [3], c: 'in {{ channel.name }}' });
    expect(unresolved).toEqual(['{{ channel.name }}']);
  });

  it('reports malformed placeholders with their pointer', () => {
    const cases = [
      '{{ }}',
      '{{ user.__proto__ }}',
      '{{ process.env }}',
      '{{ user.name | shout }}',
      '{{ user.name | truncate }}',
      '{{ a b }}',
      'x }} y {{ user.id',
      '{{ user.constructor.name }}',
    ];
    for (const text of cases) {
      const problems: Problem[] = [];
      compileVariables({ field: text }, '/rules/0/then/0/x', problems);
      expect(problems, text).toHaveLength(1);
      expect(problems[0]?.code).toBe('RC_BAD_PLACEHOLDER');
      expect(problems[0]?.pointer).toBe('/rules/0/then/0/x/field');
    }
  });

  it('static params are not rendered at all', () => {
    const problems: Problem[] = [];
    const compiled = compileVariables({ a: 'plain', b: 1 }, '', problems);
    expect(compiled.dynamic).toBe(false);
  });

  it('property: no path reaches the prototype chain or a function', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'valueOf',
        'hasOwnProperty',
        'length',
        'then',
        'call',
      ),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.anything(), (path, value) => {
        const got = safeGet({ value, list: [1, 2], text: 'abc', fn: () => 1 }, path);
        expect(typeof got).not.toBe('function');
        if (got !== null && typeof got === 'object') {
          expect(got === Object.prototype || got === Array.prototype || got === Function.prototype).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any text without placeholders renders to itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((s) => !s.includes('{{') && !s.includes('}}')),
        async (s) => {
          expect(await render(s)).toBe(s);
        },
      ),
    );
  });
});
