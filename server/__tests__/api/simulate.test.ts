// POST simulate holds `world` and `steps` to the engine's schema: a bad one is a 400 with every problem at its pointer
// and a fix, and the OpenAPI document shows the engine's shape (not a loose "object").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simStepSchema, simWorldSchema } from '@rulecord/engine';
import { createHarness, doc, ownedGuild, SHOUT_RULE, type Harness } from './harness.js';

describe('POST /api/guilds/:g/simulate', () => {
  let h: Harness;
  let g: string;
  let call: Awaited<ReturnType<typeof ownedGuild>>['call'];
  beforeAll(async () => {
    h = await createHarness({ kind: 'pglite' });
    ({ guildId: g, call } = await ownedGuild(h));
  });
  afterAll(async () => {
    await h?.close();
  });

  const simulate = (payload: object) => call('POST', '/simulate', payload);
  const body = (extra: object) => ({ document: doc(g, [SHOUT_RULE]), ...extra });

  it('answers 400 with every world and step problem, each at its body pointer with a fix; nothing runs', async () => {
    const res = await simulate(
      body({
        world: { members: [{ id: 'u1', accountAge: 3 }] },
        steps: [
          { event: 'message.create', with: { author: 'u1', content: 'HELLO EVERYONE LOOK AT ME' } },
          { advance: 'soon' },
          { wiht: {} },
          { event: 'message.create', advance: '1m' },
        ],
      }),
    );
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('RC_API_VALIDATION');
    expect(error.message).toBe(
      '4 problem(s); first at body /world/members/0/accountAge: Unknown field `world.members[0].accountAge`. Did you mean `accountAgeDays`?',
    );
    expect(error.details.problems).toEqual([
      expect.objectContaining({
        in: 'body',
        pointer: '/world/members/0/accountAge',
        code: 'RC_SIM_WORLD',
        fix: expect.stringContaining('`accountAgeDays`'),
      }),
      {
        in: 'body',
        pointer: '/steps/1/advance',
        code: 'RC_SIM_STEP',
        message:
          'Field `steps[1].advance`: "soon" is not a duration: use the units w, d, h, m, s, ms, largest first, each at most once.',
        fix: 'Write a duration such as `30s`, `10m` or `1h30m`.',
        severity: 'error',
      },
      expect.objectContaining({
        pointer: '/steps/2',
        code: 'RC_SIM_STEP',
        message: 'Step `steps[2]` needs `event` (an event name) or `advance` (a duration).',
      }),
      expect.objectContaining({
        pointer: '/steps/3',
        code: 'RC_SIM_STEP',
        message: 'Step `steps[3]` has both `event` and `advance`; a step is one or the other.',
      }),
    ]);
  });

  it('refuses a step that is not an object and a world that is not one, at their pointers', async () => {
    const res = await simulate(body({ world: ['u1'], steps: ['message.create'] }));
    expect(res.statusCode).toBe(400);
    expect(
      res.json().error.details.problems.map((p: { pointer: string; code: string }) => [p.pointer, p.code]),
    ).toEqual([
      ['/world', 'RC_SIM_WORLD'],
      ['/steps/0', 'RC_SIM_STEP'],
    ]);
  });

  it('keeps the request limits of the route (1 to 200 steps) and reports a step the schema cannot judge', async () => {
    const none = await simulate(body({ steps: [] }));
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details.problems[0]).toMatchObject({ in: 'body', pointer: '/steps' });
    const unknown = await simulate(body({ steps: [{ event: 'no.such', with: {} }] }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.problems).toEqual([
      expect.objectContaining({
        pointer: '/steps/0',
        code: 'RC_SIM_STEP',
        message: 'no installed module emits the event "no.such"',
      }),
    ]);
  });

  it('runs a well-formed world and steps', async () => {
    const res = await simulate(
      body({
        world: { members: [{ id: 'u1', roles: ['member'], accountAgeDays: 400 }], channels: [{ id: 'general' }] },
        steps: [
          { event: 'message.create', with: { author: 'u1', channel: 'general', content: 'HELLO EVERYONE LOOK AT ME' } },
          { advance: '1h' },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().actions.map((a: { action: string }) => a.action)).toEqual(['message.delete']);
  });

  it('shows the engine schema of world and steps in the OpenAPI document', async () => {
    const spec = (await h.inject({ method: 'GET', url: '/api/docs' })).json();
    const op = spec.paths['/api/guilds/{guildId}/simulate'].post;
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.properties.world).toEqual({ $ref: '#/components/schemas/SimWorld' });
    expect(schema.properties.steps).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: { $ref: '#/components/schemas/SimStep' },
    });
    expect(spec.components.schemas.SimWorld).toEqual(JSON.parse(JSON.stringify(simWorldSchema)));
    expect(spec.components.schemas.SimStep).toEqual(JSON.parse(JSON.stringify(simStepSchema)));
    expect(JSON.stringify(spec)).not.toContain('x-rulecord-schema');
  });
});
