import { describe, expect, it } from 'vitest';
import { UNRESOLVED, compileVariables, renderVariableString, renderVariables } from '../../src/index.js';
import type { Problem, VariableScope } from '../../src/index.js';
import { safeGet } from '../../src/runtime/path.js';

const data: Record<string, unknown> = {
  user: { id: 'u1', name: 'ada', tags: ['a', 'b'], empty: [] },
  event: {
    content: 'Hello',
    price: 3.14159,
    numeric: '2.5',
    word: 'abc',
    nothing: null,
    obj: { a: 1, b: 2 },
    flag: true,
    zero: 0,
    big: 12n,
  },
};
const scope: VariableScope = (root, path) => safeGet(data[root], path);
const render = (text: string) => renderVariableString(text, scope);

describe('variable filters at their edges', () => {
  it('length counts strings, lists and object keys, and is 0 for anything else', async () => {
    expect(await render('{{ event.content | length }}')).toBe(5);
    expect(await render('{{ user.empty | length }}')).toBe(0);
    expect(await render('{{ event.obj | length }}')).toBe(2);
    expect(await render('{{ event.price | length }}')).toBe(0);
    expect(await render('{{ event.nothing | length }}')).toBe(0);
  });

  it('round rounds numbers and numeric text to 0–10 digits and leaves non-numbers alone', async () => {
    expect(await render('{{ event.price | round }}')).toBe(3);
    expect(await render('{{ event.price | round: 2 }}')).toBe(3.14);
    expect(await render('{{ event.price | round: 99 }}')).toBe(3.14159);
    expect(await render('{{ event.price | round: -3 }}')).toBe(3);
    expect(await render('{{ event.numeric | round }}')).toBe(3);
    expect(await render('{{ event.word | round }}')).toBe('abc');
    expect(await render('{{ event.price | round: "2" }}')).toBe(3);
  });

  it('truncate keeps short text, and a non-positive or non-number length empties to the ellipsis', async () => {
    expect(await render('{{ event.content | truncate: 5 }}')).toBe('Hello');
    expect(await render('{{ event.content | truncate: 100 }}')).toBe('Hello');
    expect(await render('{{ event.content | truncate: 0 }}')).toBe('…');
    expect(await render('{{ event.content | truncate: "3" }}')).toBe('…');
    expect(await render('{{ event.content | truncate: 1 }}')).toBe('…');
  });

  it('join uses ", " by default and renders a non-list as text; first/last pass a non-list through', async () => {
    expect(await render('{{ user.tags | join }}')).toBe('a, b');
    expect(await render('{{ user.tags | join: 1 }}')).toBe('a, b');
    expect(await render('{{ event.content | join }}')).toBe('Hello');
    expect(await render('{{ event.content | first }}')).toBe('Hello');
    expect(await render('{{ event.content | last }}')).toBe('Hello');
  });

  it('json, default and mention treat missing, null and empty values', async () => {
    expect(await render('{{ event.missing | json }}')).toBe('null');
    expect(await render('{{ event.obj | json }}')).toBe('{"a":1,"b":2}');
    expect(await render('{{ event.content | default: "x" }}')).toBe('Hello');
    expect(await render('{{ event.nothing | default: 7 }}')).toBe(7);
    expect(await render('{{ event.zero | default: 7 }}')).toBe(0);
    expect(await render('{{ event.missing | mention }}')).toBe('');
    expect(await render('[{{ event.missing | mention }}]')).toBe('[]');
  });

  it('text around a placeholder renders null as empty, booleans and bigints as text', async () => {
    expect(await render('a{{ event.nothing }}b')).toBe('ab');
    expect(await render('is {{ event.flag }}')).toBe('is true');
    expect(await render('n={{ event.big }}')).toBe('n=12');
  });

  it('filter arguments accept single quotes with escapes, booleans and null', async () => {
    expect(await render("{{ event.missing | default: 'it\\'s' }}")).toBe("it's");
    expect(await render('{{ event.missing | default: true }}')).toBe(true);
    expect(await render('{{ event.missing | default: false }}')).toBe(false);
    expect(await render('{{ event.missing | default: "a|b" }}')).toBe('a|b');
    expect(await render('{{ event.missing | default: "say \\"hi\\"" }}')).toBe('say "hi"');
  });

  it('rejects bad filter arguments and arities with a message naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['{{ event.content | default: nope }}', /cannot read the filter argument "nope"/],
      ['{{ event.content | default: "a" "b" }}', /expected "," between filter arguments/],
      ['{{ event.content | default: "a", "b" }}', /filter "default" takes 1 argument/],
      ['{{ event.content | round: 1, 2 }}', /filter "round" takes 0–1 argument/],
      ['{{ event.content | upper: 1 }}', /filter "upper" takes 0 argument/],
      ['{{ event.content | 9x }}', /cannot read the filter "9x"/],
    ];
    for (const [text, message] of cases) {
      const problems: Problem[] = [];
      compileVariables(text, '/x', problems);
      expect(problems, text).toHaveLength(1);
      expect(problems[0]?.message, text).toMatch(message);
      expect(problems[0]?.pointer).toBe('/x');
      await expect(render(text)).rejects.toThrow(message);
    }
  });

  it('renders lists and objects whose later entries wait on a lookup, dropping entries that render nothing', async () => {
    const asyncScope: VariableScope = (root, path) => {
      if (root === 'guild') return Promise.resolve(path[0] === 'name' ? 'G' : undefined);
      if (root === 'channel') return UNRESOLVED;
      return safeGet(data[root], path);
    };
    const problems: Problem[] = [];
    const compiled = compileVariables(
      {
        list: ['{{ event.missing }}', '{{ guild.name }}', '{{ guild.none }}', '{{ user.name }}', '{{ event.gone }}'],
        first: ['{{ guild.none }}', 'x'],
        obj: { a: '{{ guild.none }}', b: '{{ guild.name }}', c: '{{ event.gone }}', d: 'in {{ channel.name }}' },
        text: '{{ guild.name }}/{{ user.name }}/{{ channel.id }}',
        late: '{{ user.name }} {{ guild.name }}',
      },
      '',
      problems,
    );
    expect(problems).toEqual([]);
    const unresolved: string[] = [];
    expect(await renderVariables(compiled, asyncScope, unresolved)).toEqual({
      list: ['G', 'ada'],
      first: ['x'],
      obj: { b: 'G', d: 'in {{ channel.name }}' },
      text: 'G/ada/{{ channel.id }}',
      late: 'ada G',
    });
    expect(unresolved).toEqual(['{{ channel.name }}', '{{ channel.id }}']);
  });

  it('an object whose first key waits on a lookup that renders nothing drops that key', async () => {
    const problems: Problem[] = [];
    const compiled = compileVariables({ a: '{{ guild.none }}', b: 'static', c: '{{ user.id }}' }, '', problems);
    const asyncScope: VariableScope = (root, path) =>
      root === 'guild' ? Promise.resolve(undefined) : safeGet(data[root], path);
    expect(await renderVariables(compiled, asyncScope)).toEqual({ b: 'static', c: 'u1' });
  });
});
