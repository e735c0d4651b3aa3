import { describe, expect, it } from 'vitest';
import { RulecordError, simulate } from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';
import { testModule, type Probe } from '../runtime/fixtures.js';

const probe: Probe = { factCalls: {}, actions: [], flakyFailures: 0 };
const registry = createRegistry([testModule(probe)]);
const doc = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: 'sim-guild', rules: [] };
const run = (steps: unknown[]) => simulate({ registry, document: doc, steps: steps as never });

describe('simulate: malformed steps', () => {
  it('a step that is not an object is an RC_SIM_STEP user error at its pointer, before any step runs', async () => {
    await expect(run([null])).rejects.toMatchObject({
      code: 'RC_SIM_STEP',
      kind: 'user',
      pointer: '/steps/0',
      message: 'Field `steps[0]` must be an object, not null.',
      fix: expect.stringContaining('`{ advance: 1h }`'),
    });
    await expect(run([{ advance: '1m' }, 'message.create'])).rejects.toMatchObject({
      pointer: '/steps/1',
      message: 'Field `steps[1]` must be an object, not the text "message.create".',
    });
  });

  it('a step with neither `event` nor `advance` says which keys it needs; a non-text event is pointed at', async () => {
    for (const step of [{}, { with: { author: 'u1' } }]) {
      await expect(run([step])).rejects.toMatchObject({
        code: 'RC_SIM_STEP',
        pointer: '/steps/0',
        message: 'Step `steps[0]` needs `event` (an event name) or `advance` (a duration).',
        fix: 'Write `{ event: message.create, with: { author: u1, content: hi } }` or `{ advance: 1h }`.',
      });
    }
    await expect(run([{ event: 3 }])).rejects.toMatchObject({
      code: 'RC_SIM_STEP',
      pointer: '/steps/0/event',
      message: 'Field `steps[0].event` must be a string, not the number 3.',
    });
  });

  it('`with` must be an object, not a list or text', async () => {
    for (const [w, what] of [
      [['u1'], 'a list'],
      ['u1', 'the text "u1"'],
    ] as const) {
      await expect(run([{ event: 'message.create', with: w }])).rejects.toMatchObject({
        code: 'RC_SIM_STEP',
        pointer: '/steps/0/with',
        message: `Field \`steps[0].with\` must be an object, not ${what}.`,
        fix: 'Write `with: { author: u1, content: hi }`.',
      });
    }
  });

  it('`steps` that is not a list is refused at /steps', async () => {
    await expect(simulate({ registry, document: doc, steps: undefined as never })).rejects.toMatchObject({
      code: 'RC_SIM_STEP',
      kind: 'user',
      pointer: '/steps',
      message: '`steps` must be a list of steps',
    });
  });

  it('a malformed world is RC_SIM_WORLD at its pointer, and every problem rides along in details', async () => {
    const error = await simulate({
      registry,
      document: doc,
      world: { members: [{ id: 'u1', accountAge: 3 }], channels: 'general' } as never,
      steps: [{}] as never,
    }).catch((e: unknown) => e as RulecordError);
    expect(error).toBeInstanceOf(RulecordError);
    expect(error).toMatchObject({
      code: 'RC_SIM_WORLD',
      kind: 'user',
      pointer: '/world/members/0/accountAge',
      message: 'Unknown field `world.members[0].accountAge`. Did you mean `accountAgeDays`?',
    });
    const problems = (error as RulecordError).details?.problems as { code: string; pointer: string }[];
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['RC_SIM_WORLD', '/world/members/0/accountAge'],
      ['RC_SIM_WORLD', '/world/channels'],
      ['RC_SIM_STEP', '/steps/0'],
    ]);
  });

  it('a step without `with` builds the event from world defaults', async () => {
    const result = await simulate({
      registry,
      world: { members: [{ id: 'u1' }], channels: [{ id: 'lobby' }] },
      document: {
        ...doc,
        rules: [
          { id: 'r', on: 'message.create', then: [{ 'member.warn': { user: '{{ user }}', reason: '{{ channel }}' } }] },
        ],
      },
      steps: [{ event: 'member.join' }, { event: 'message.create' }],
    });
    expect(result.ok).toBe(true);
    expect(result.actions.map((a) => [a.step, a.params])).toEqual([[1, { user: 'u1', reason: 'lobby' }]]);
  });
});
