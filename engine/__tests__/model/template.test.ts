import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defineTemplate, instantiateTemplate, substituteInputs, type Json, type JsonObject } from '@rulecord/engine';
import { spam } from '../schema/fixtures/modules.js';

const antiSpam2 = spam.templates.find((t) => t.version === 2)!;

describe('instantiateTemplate', () => {
  test('substitutes inputs, applies defaults, names rules `<useId>.<rule id>` and keeps their origin', () => {
    const { rules, problems } = instantiateTemplate(antiSpam2, { logChannel: '42', max: 8 }, 'spam', '/rules/3');
    expect(problems).toEqual([]);
    expect(rules).toHaveLength(1);
    const [flood] = rules;
    expect(flood?.id).toBe('spam.flood');
    expect(flood?.pointer).toBe('/rules/3');
    expect(flood?.template).toEqual({ id: 'anti-spam', version: 2, useId: 'spam' });
    // A string that is exactly one placeholder keeps the input's type; inside text it is written out.
    expect(flood?.if).toEqual({
      all: [{ fact: 'spam.recentMessages', params: { window: '10s' }, operator: 'greaterThan', value: 8 }],
    });
    expect(flood?.description).toBe('More than 8 messages in 10s');
    // Run-time placeholders are left alone.
    expect(flood?.then[1]).toEqual({ 'member.timeout': { user: '{{ author.id }}', duration: '10m' } });
    expect(flood?.limits).toEqual({ cooldown: { per: 'user', window: '10m' } });
  });

  test('does not modify the template or the inputs (templates are referenced, not copied)', () => {
    const before = structuredClone(antiSpam2.rules);
    const inputs = { logChannel: '42' };
    const { rules } = instantiateTemplate(antiSpam2, inputs, 'a', '/rules/0');
    (rules[0]?.then[0] as Record<string, unknown>)['message.delete'] = { reason: 'changed' };
    expect(antiSpam2.rules).toEqual(before);
    expect(inputs).toEqual({ logChannel: '42' });
  });

  test('invalid inputs give RC_BAD_TEMPLATE_INPUTS at the input, and no rules', () => {
    const { rules, problems } = instantiateTemplate(antiSpam2, { logChannel: 5, window: 'soon' }, 'spam', '/rules/1');
    expect(rules).toEqual([]);
    expect(problems.map((p) => `${p.code} @ ${p.pointer}`)).toEqual([
      'RC_BAD_TEMPLATE_INPUTS @ /rules/1/use/inputs/window',
      'RC_BAD_TEMPLATE_INPUTS @ /rules/1/use/inputs/logChannel',
    ]);
  });

  test('an input the rules use but nobody gave is reported', () => {
    const t = defineTemplate({
      id: 'greet',
      version: 1,
      name: 'Greet',
      description: 'Greets.',
      inputs: { type: 'object', properties: { channel: { type: 'string' } } },
      rules: [
        {
          id: 'hello',
          on: 'member.join',
          then: [{ 'message.send': { channel: '{{ inputs.channel }}', content: 'hi' } }],
        },
      ],
    });
    const { rules, problems } = instantiateTemplate(t, {}, 'g', '/rules/0');
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'RC_BAD_TEMPLATE_INPUTS',
        pointer: '/rules/0/use/inputs',
        message: expect.stringContaining('{{ inputs.channel }}'),
      }),
    ]);
  });
});

describe('substituteInputs', () => {
  test('dotted paths into inputs, surrounding whitespace, objects written as JSON inside text', () => {
    const inputs: JsonObject = { a: { b: [1, 2] }, n: 3 };
    expect(substituteInputs(' {{ inputs.a.b }} ', inputs)).toEqual([1, 2]);
    expect(substituteInputs('{{inputs.a.b.1}}', inputs)).toBe(2);
    expect(substituteInputs('x={{ inputs.a }}', inputs)).toBe('x={"b":[1,2]}');
    expect(substituteInputs('{{ inputs.n }} and {{ author.id }}', inputs)).toBe('3 and {{ author.id }}');
    expect(substituteInputs({ k: ['{{ inputs.n }}'] }, inputs)).toEqual({ k: [3] });
  });

  const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,7}$/);
  const noBraces = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('{{') && !JSON.stringify(v).includes('}}'));
  const text = fc.string({ maxLength: 8 }).filter((s) => !s.includes('{') && !s.includes('}'));

  test('property: no placeholder of a provided input is left, and an exact placeholder keeps the input’s value', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, noBraces, { minKeys: 1, maxKeys: 5 }),
        fc.array(fc.tuple(text, fc.nat(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        (inputs, parts) => {
          const names = Object.keys(inputs);
          const placeholder = (i: number, spaced: boolean): string =>
            spaced ? `{{ inputs.${names[i % names.length]} }}` : `{{inputs.${names[i % names.length]}}}`;
          const mixed = parts.map(([t, i, spaced]) => `${t}${placeholder(i, spaced)}`).join('');
          const exact = placeholder(parts[0]![1], parts[0]![2]);
          const tree = { text: mixed, list: [exact, { deep: mixed }] };
          const out = substituteInputs(tree, inputs as JsonObject) as { text: Json; list: [Json, { deep: Json }] };
          for (const name of names) {
            expect(JSON.stringify(out)).not.toMatch(new RegExp(`\\{\\{\\s*inputs\\.${name}\\s*\\}\\}`));
          }
          expect(out.list[0]).toEqual(inputs[names[parts[0]![1] % names.length]!]);
        },
      ),
    );
  });
});
