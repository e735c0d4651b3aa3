import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSimInput,
  createAjv,
  getAtPointer,
  joinPointer,
  parsePointer,
  simInputSchema,
  simStepSchema,
  simWorldSchema,
} from '../../src/index.js';

describe('the simulation input schema', () => {
  it('is plain data: no $ref or $id, so the API can embed its pieces in OpenAPI components as they are', () => {
    for (const schema of [simWorldSchema, simStepSchema, simInputSchema]) {
      expect(JSON.stringify(schema)).not.toMatch(/"\$(ref|id)"/);
      expect(() => createAjv().compile(schema)).not.toThrow();
    }
  });

  it('accepts what rule tests and the docs write', () => {
    expect(
      checkSimInput({
        world: {
          guild: { name: 'Test', ownerId: 'u1', memberCount: 3 },
          members: [
            { id: 'u1', roles: ['member'], accountAgeDays: 400 },
            { id: 'b1', username: 'bot', bot: true, joinedAt: 0, communicationDisabledUntil: null },
          ],
          channels: [{ id: 'general' }, { id: 'voice', type: 'voice', parentId: 'cat' }],
          roles: [{ id: 'member', position: 1, color: 0xff0000 }],
        },
        steps: [
          { event: 'message.create', with: { author: 'u1', channel: 'general', content: 'HELLO' } },
          { event: 'message.create', id: 'dup' },
          { advance: '1h30m' },
          { advance: 500 },
        ],
      }),
    ).toEqual([]);
    expect(checkSimInput({})).toEqual([]);
  });

  it.each([
    [
      { steps: [{ advance: 'soon' }] },
      'RC_SIM_STEP',
      '/steps/0/advance',
      'Field `steps[0].advance`: "soon" is not a duration',
    ],
    [{ steps: [{ event: 'message.create', whith: {} }] }, 'RC_SIM_STEP', '/steps/0/whith', 'Did you mean `with`?'],
    [{ steps: [{ event: 'Message' }] }, 'RC_SIM_STEP', '/steps/0/event', 'has the wrong form'],
    [{ steps: [{ event: 'a.b', advance: '1h' }] }, 'RC_SIM_STEP', '/steps/0', 'has both `event` and `advance`'],
    [{ steps: 'x' }, 'RC_SIM_STEP', '/steps', 'Field `steps` must be a list'],
    [{ world: [1] }, 'RC_SIM_WORLD', '/world', 'Field `world` must be an object, not a list.'],
    [{ world: { member: [] } }, 'RC_SIM_WORLD', '/world/member', 'Did you mean `members`?'],
    [
      { world: { members: [{ roles: [] }] } },
      'RC_SIM_WORLD',
      '/world/members/0',
      'Missing field `world.members[0].id`.',
    ],
    [
      { world: { channels: [{ id: 'c', type: 'txt' }] } },
      'RC_SIM_WORLD',
      '/world/channels/0/type',
      'Did you mean `text`?',
    ],
    [{ world: { roles: [{ id: 'r', color: -1 }] } }, 'RC_SIM_WORLD', '/world/roles/0/color', 'color` must be >= 0'],
  ])('%j → %s at %s', (input, code, pointer, message) => {
    const problems = checkSimInput(input);
    expect(problems).toEqual([
      expect.objectContaining({ code, pointer, severity: 'error', message: expect.stringContaining(message) }),
    ]);
    expect(problems[0]?.fix).toMatch(/\S{5}/);
  });

  it('prefixes pointers with base (a rule test case)', () => {
    expect(checkSimInput({ steps: [{}] }, { base: '/cases/2' })).toEqual([
      expect.objectContaining({ pointer: '/cases/2/steps/0' }),
    ]);
  });

  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.[a-zA-Z][a-zA-Z0-9]{0,8}$/);
  const duration = fc.oneof(
    fc.nat(),
    fc
      .tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom('w', 'd', 'h', 'm', 's', 'ms'))
      .map(([n, u]) => `${n}${u}`),
  );
  const step = fc.oneof(
    fc.record(
      { event: name, with: fc.dictionary(fc.string(), fc.jsonValue()), id: fc.string({ minLength: 1 }) },
      { requiredKeys: ['event'] },
    ),
    fc.record({ advance: duration }),
  );
  const ids = fc.array(fc.string({ minLength: 1 }), { maxLength: 3 });

  it('accepts every well-formed input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 5 }),
        fc.array(fc.record({ id: fc.string({ minLength: 1 }), roles: ids }), { maxLength: 3 }),
        (steps, members) => {
          expect(checkSimInput({ world: { members }, steps })).toEqual([]);
        },
      ),
    );
  });

  it('places every problem at a value of the input, or at a key missing from an object (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(step, fc.jsonValue()), { maxLength: 4 }), fc.jsonValue(), (steps, world) => {
        const input = { steps, world };
        for (const p of checkSimInput(input)) {
          expect(p.pointer.startsWith('/steps') || p.pointer.startsWith('/world'), p.pointer).toBe(true);
          const parent = joinPointer('', ...parsePointer(p.pointer).slice(0, -1));
          expect(getAtPointer(input, p.pointer) !== undefined || getAtPointer(input, parent) !== undefined).toBe(true);
          expect(['RC_SIM_STEP', 'RC_SIM_WORLD']).toContain(p.code);
          expect(p.fix).toBeDefined();
        }
      }),
    );
  });
});
