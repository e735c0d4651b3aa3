import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';
import { testModule, type Probe } from '../runtime/fixtures.js';

const probe: Probe = { factCalls: {}, actions: [], flakyFailures: 0 };
const registry = createRegistry([testModule(probe)]);
const doc = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: 'sim-guild', rules: [] };
const run = (steps: unknown[]) => simulate({ registry, document: doc, steps: steps as never });

describe('simulate: malformed steps', () => {
  it('a step that is not an object is an RC_SIM_STEP user error at its pointer', async () => {
    await expect(run([null])).rejects.toMatchObject({
      code: 'RC_SIM_STEP',
      kind: 'user',
      pointer: '/steps/0',
      message: 'a step must be an object',
    });
    await expect(run([{ advance: '1m' }, 'message.create'])).rejects.toMatchObject({ pointer: '/steps/1' });
  });

  it('a step with neither `event` nor `advance`, or a non-text event, says which keys it needs', async () => {
    for (const step of [{}, { event: 3 }, { with: { author: 'u1' } }]) {
      await expect(run([step])).rejects.toMatchObject({
        code: 'RC_SIM_STEP',
        message: 'a step needs `event` (an event name) or `advance` (a duration)',
      });
    }
  });

  it('`with` must be an object, not a list or text', async () => {
    for (const w of [['u1'], 'u1']) {
      await expect(run([{ event: 'message.create', with: w }])).rejects.toMatchObject({
        code: 'RC_SIM_STEP',
        pointer: '/steps/0',
        message: '`with` must be an object',
      });
    }
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
