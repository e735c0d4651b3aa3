// `ModuleDefinition.check`: a module's own semantic check of the rule set, called by validateRuleSet once the module's
// settings are valid; its problems come out like every other (code, message, JSON pointer into the document, fix).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ENGINE_ERROR_CODES,
  createRegistry,
  defineModule,
  defineTemplate,
  getAtPointer,
  validateRuleSet,
  type JsonObject,
  type ModuleCheckContext,
  type ModuleDefinition,
  type ModuleProblem,
  type Problem,
} from '@rulecord/engine';
import { testModules } from './fixtures/modules.js';
import { doc, rule } from './helpers.js';

interface Alarm {
  id: string;
  at: string;
}

/** `HH:MM` is all a schema pattern can say; that `25:00` is no time of day is the module's to say. */
function alarmProblems({ settings, pointer }: ModuleCheckContext): ModuleProblem[] {
  const alarms = settings.alarms as unknown as Alarm[];
  const problems: ModuleProblem[] = [];
  alarms.forEach((alarm, i) => {
    const [hours, minutes] = alarm.at.split(':').map(Number);
    if ((hours ?? 0) > 23 || (minutes ?? 0) > 59) {
      problems.push({
        code: 'RC_ALARM_TIME',
        message: `Alarm \`${alarm.id}\`: \`${alarm.at}\` is no time of day.`,
        pointer: `${pointer}/alarms/${i}/at`,
        fix: 'Write a time from `00:00` to `23:59`.',
        severity: 'error',
      });
    }
    if (alarm.at === '00:00') {
      problems.push({
        code: 'RC_ALARM_MIDNIGHT',
        message: `Alarm \`${alarm.id}\` rings at midnight.`,
        pointer: `${pointer}/alarms/${i}/at`,
        fix: 'Nobody is awake: pick another time.',
        severity: 'warning',
      });
    }
  });
  if (settings.volume === 11) {
    problems.push({
      code: 'RC_ALARM_VOLUME',
      message: 'The volume goes to 11 only in films.',
      pointer: `${pointer}/volume`,
      fix: 'Set `volume` to 10 or less.',
      severity: 'error',
    });
  }
  return problems;
}

function alarmsModule(check: ModuleDefinition['check'] = alarmProblems): ModuleDefinition {
  return defineModule({
    id: 'alarms',
    version: '1.0.0',
    name: 'Alarms',
    description: 'Alarms at a time of day.',
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        alarms: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            required: ['id', 'at'],
            additionalProperties: false,
            properties: { id: { type: 'string' }, at: { type: 'string', pattern: '^\\d\\d:\\d\\d$' } },
          },
        },
        volume: { type: 'integer', minimum: 0, maximum: 11, default: 11 },
      },
    },
    templates: [
      defineTemplate({
        id: 'wake-up',
        version: 1,
        name: 'Wake up',
        description: 'An alarm and a rule.',
        inputs: { type: 'object', properties: {} },
        rules: [{ id: 'react', on: 'message.create', then: [{ 'message.react': { emoji: '⏰' } }] }],
        modules: { alarms: { alarms: [{ id: 'late', at: '24:30' }], volume: 5 } },
      }),
    ],
    check,
  });
}

const validate = (document: unknown, module: ModuleDefinition = alarmsModule(), tier: 'free' | 'premium' = 'free') =>
  validateRuleSet(document, createRegistry([...testModules, module]), { tier });
const summary = (problems: readonly Problem[]): string[] =>
  problems.map((p) => `${p.severity} ${p.code} @ ${p.pointer}`);
const quiet = { volume: 3 };

describe('a module’s check in validateRuleSet', () => {
  test('its problems carry the place in the document and the fix; errors refuse the set, warnings do not', () => {
    const bad = validate(
      doc([rule()], {
        modules: {
          alarms: {
            ...quiet,
            alarms: [
              { id: 'up', at: '07:30' },
              { id: 'typo', at: '25:00' },
            ],
          },
        },
      }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([
      {
        code: 'RC_ALARM_TIME',
        message: 'Alarm `typo`: `25:00` is no time of day.',
        pointer: '/modules/alarms/alarms/1/at',
        fix: 'Write a time from `00:00` to `23:59`.',
        severity: 'error',
      },
    ]);

    const warned = validate(doc([rule()], { modules: { alarms: { ...quiet, alarms: [{ id: 'up', at: '00:00' }] } } }));
    expect(warned.ok).toBe(true);
    expect(summary(warned.problems)).toEqual(['warning RC_ALARM_MIDNIGHT @ /modules/alarms/alarms/0/at']);
  });

  test('sees the guild, the tier, its complete settings, every module’s settings and the rules that validated', () => {
    const seen: ModuleCheckContext[] = [];
    const module = alarmsModule((context) => {
      seen.push(structuredClone(context));
      return [];
    });
    const document = doc(
      [
        rule({ id: 'fine' }),
        rule({ id: 'broken', on: 'message.nope' }),
        { id: 'wake', use: { template: 'wake-up@1' } },
      ],
      { modules: { alarms: { alarms: [{ id: 'up', at: '07:30' }] }, spam: { maxMentions: 9 } } },
    );
    const result = validate(document, module, 'premium');
    expect(summary(result.problems)).toEqual(['error RC_UNKNOWN_EVENT @ /rules/1/on']);
    expect(seen).toHaveLength(1);
    const [context] = seen;
    expect(context?.guild).toBe('112233');
    expect(context?.tier).toBe('premium');
    expect(context?.pointer).toBe('/modules/alarms');
    // The guild's own list replaces the template's; the template's volume stays under the guild's settings.
    expect(context?.settings).toEqual({ alarms: [{ id: 'up', at: '07:30' }], volume: 5 });
    expect(context?.modules.spam).toEqual({ maxMentions: 9, exempt: [] });
    expect(context?.rules.map((r) => [r.id, r.pointer])).toEqual([
      ['fine', '/rules/0'],
      ['wake.react', '/rules/2'],
    ]);
  });

  test('runs with the schema’s defaults when the document does not mention the module', () => {
    const result = validate(doc([rule()]));
    // `volume` defaults to 11, which the check refuses: the document has no such place, so the problem is at the
    // nearest one it has (here the whole document).
    expect(summary(result.problems)).toEqual(['error RC_ALARM_VOLUME @ ']);
    const under = validate(doc([rule()], { modules: { alarms: {} } }));
    expect(summary(under.problems)).toEqual(['error RC_ALARM_VOLUME @ /modules/alarms']);
  });

  test('a value that a template brings is reported at the template use, naming the place in its settings', () => {
    const result = validate(doc([rule(), { id: 'wake', use: { template: 'wake-up@1' } }]));
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: 'RC_ALARM_TIME',
        pointer: '/rules/1/use',
        message:
          'In the `alarms` settings of template `wake-up@1` (at /alarms/0/at): Alarm `late`: `24:30` is no time of day.',
      }),
    ]);
    // The guild's own value wins, and is reported where the guild wrote it.
    const own = validate(
      doc([{ id: 'wake', use: { template: 'wake-up@1' } }], {
        modules: { alarms: { alarms: [{ id: 'mine', at: '99:99' }] } },
      }),
    );
    expect(summary(own.problems)).toEqual(['error RC_ALARM_TIME @ /modules/alarms/alarms/0/at']);
  });

  test('is not called when the settings fail their schema (the schema’s problem is the one reported)', () => {
    let calls = 0;
    const module = alarmsModule(() => {
      calls++;
      return [];
    });
    const result = validate(doc([rule()], { modules: { alarms: { alarms: [{ id: 'x', at: '7h' }] } } }), module);
    expect(summary(result.problems)).toEqual(['error RC_BAD_SETTINGS @ /modules/alarms/alarms/0/at']);
    expect(calls).toBe(0);
  });

  test('a module without a settings schema is checked with its settings as written, or {}', () => {
    const got: JsonObject[] = [];
    const plain = defineModule({
      id: 'plain',
      version: '1.0.0',
      name: 'Plain',
      description: 'No schema.',
      check: ({ settings }) => {
        got.push(settings);
        return [];
      },
    });
    validate(doc([rule()]), plain);
    validate(doc([rule()], { modules: { plain: { any: 'thing' } } }), plain);
    expect(got).toEqual([{}, { any: 'thing' }]);
  });

  test('a check that throws or answers something else is RC_MODULE_CHECK_FAILED, a bug of the module', () => {
    const broken: [string, ModuleDefinition['check']][] = [
      [
        'throws',
        () => {
          throw new Error('boom');
        },
      ],
      ['returns no list', () => undefined as unknown as ModuleProblem[]],
      [
        'a problem without a fix',
        ({ pointer }) => [{ code: 'RC_X', message: 'x', pointer, severity: 'error' }] as ModuleProblem[],
      ],
      ['a bad pointer', () => [{ code: 'RC_X', message: 'x', pointer: 'modules', fix: 'y', severity: 'error' }]],
      ['a bad code', ({ pointer }) => [{ code: 'oops', message: 'x', pointer, fix: 'y', severity: 'error' }]],
    ];
    expect(ENGINE_ERROR_CODES.find((c) => c.code === 'RC_MODULE_CHECK_FAILED')?.kind).toBe('bug');
    for (const [name, check] of broken) {
      const result = validate(doc([rule()], { modules: { alarms: quiet } }), alarmsModule(check));
      expect(result.ok, name).toBe(false);
      expect(summary(result.problems), name).toEqual(['error RC_MODULE_CHECK_FAILED @ /modules/alarms']);
      expect(result.problems[0]?.message, name).toMatch(/^The check of module `alarms` failed \(.+\)/);
      expect(result.problems[0]?.fix, name).toContain('`alarms`');
    }
  });

  test('property: whatever pointers a check returns, every problem lands on a place the document has', () => {
    const token = fc.constantFrom('modules', 'alarms', 'rules', '0', '1', 'at', 'volume', 'use', 'nowhere', '~', 'a/b');
    const pointer = fc
      .array(token, { maxLength: 6 })
      .map((t) => t.map((x) => `/${x.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''));
    let pointers: string[] = [];
    const registry = createRegistry([
      ...testModules,
      alarmsModule(() =>
        pointers.map((p) => ({ code: 'RC_ALARM_ANY', message: 'm', pointer: p, fix: 'f', severity: 'warning' })),
      ),
    ]);
    fc.assert(
      fc.property(fc.array(pointer, { maxLength: 4 }), fc.boolean(), fc.boolean(), (returned, withOwn, withUse) => {
        pointers = returned;
        const document = doc(
          [rule(), ...(withUse ? [{ id: 'wake', use: { template: 'wake-up@1' } }] : [])],
          withOwn ? { modules: { alarms: { ...quiet, alarms: [{ id: 'up', at: '07:30' }] } } } : {},
        );
        const result = validateRuleSet(document, registry, { tier: 'free' });
        const fromCheck = result.problems.filter((p) => p.code === 'RC_ALARM_ANY');
        expect(fromCheck).toHaveLength(pointers.length);
        for (const p of fromCheck) {
          expect(getAtPointer(document, p.pointer), p.pointer).not.toBeUndefined();
          expect(p.fix).toBe('f');
        }
      }),
      { numRuns: 200 },
    );
  });
});
