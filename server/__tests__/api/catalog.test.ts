// The catalog as the studio reads it (every optional field filled in, every item attributed to its module) and the
// premium route's list of what is gated, on a small registry whose contents the test knows exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, defineModule, type Registry } from '@rulecord/engine';
import { describeCatalog } from '../../src/api/routes/catalog/index.js';
import { createHarness, owner, snowflake, type Client, type Harness } from './harness.js';

const bare = defineModule({ id: 'bare', version: '1.0.0', name: 'Bare', description: 'Declares nothing.' });

const vip = defineModule({
  id: 'vip',
  version: '2.0.0',
  name: 'VIP',
  description: 'Premium things.',
  premium: true,
  settings: { type: 'object', properties: { level: { type: 'integer' } } },
  events: [
    { name: 'vip.joined', description: 'A VIP joined.', payload: { type: 'object' } },
    { name: 'vip.left', description: 'A VIP left.', payload: { type: 'object' }, examples: [{ user: '1' }] },
  ],
  facts: [
    { name: 'vip.level', description: 'Level.', schema: { type: 'integer' }, resolve: () => 1 },
    {
      name: 'vip.rank',
      description: 'Rank.',
      schema: { type: 'string' },
      params: { type: 'object' },
      events: ['vip.joined'],
      premium: true,
      cost: 'io',
      examples: ['gold'],
      resolve: () => 'gold',
    },
  ],
  actions: [
    { name: 'vip.greet', description: 'Greets.', params: { type: 'object' }, run: async () => undefined },
    {
      name: 'vip.crown',
      description: 'Crowns.',
      params: { type: 'object' },
      result: { type: 'boolean' },
      events: ['vip.joined'],
      premium: true,
      examples: [{}],
      run: async () => true,
    },
  ],
  templates: [
    { id: 'vip-welcome', version: 1, name: 'Welcome', description: 'Welcomes.', inputs: { type: 'object' }, rules: [] },
    {
      id: 'vip-gala',
      version: 3,
      name: 'Gala',
      description: 'A gala.',
      inputs: { type: 'object' },
      rules: [],
      premium: true,
      modules: { vip: { level: 2 } },
    },
  ],
});

describe('catalog description', () => {
  const registry: Registry = createRegistry([bare, vip]);

  it('fills in every optional field and names the module of every item', () => {
    const c = describeCatalog(registry);
    expect(c.modules).toEqual([
      {
        id: 'bare',
        version: '1.0.0',
        name: 'Bare',
        description: 'Declares nothing.',
        premium: false,
        settings: null,
        facts: [],
        actions: [],
        events: [],
      },
      expect.objectContaining({
        id: 'vip',
        premium: true,
        facts: ['vip.level', 'vip.rank'],
        events: ['vip.joined', 'vip.left'],
      }),
    ]);
    expect(c.events).toEqual([
      { name: 'vip.joined', module: 'vip', description: 'A VIP joined.', payload: { type: 'object' }, examples: [] },
      {
        name: 'vip.left',
        module: 'vip',
        description: 'A VIP left.',
        payload: { type: 'object' },
        examples: [{ user: '1' }],
      },
    ]);
    expect(c.facts[0]).toEqual({
      name: 'vip.level',
      module: 'vip',
      description: 'Level.',
      schema: { type: 'integer' },
      params: null,
      events: null,
      premium: false,
      cost: 'cheap',
      examples: [],
    });
    expect(c.facts[1]).toMatchObject({ params: { type: 'object' }, events: ['vip.joined'], premium: true, cost: 'io' });
    expect(c.actions[0]).toEqual({
      name: 'vip.greet',
      module: 'vip',
      description: 'Greets.',
      params: { type: 'object' },
      result: null,
      events: null,
      premium: false,
      examples: [],
    });
    expect(c.actions[1]).toMatchObject({ result: { type: 'boolean' }, premium: true, examples: [{}] });
    expect(c.templates.map((t) => [t.ref, t.premium, t.modules])).toEqual([
      ['vip-welcome@1', false, {}],
      ['vip-gala@3', true, { vip: { level: 2 } }],
    ]);
  });
});

describe('GET catalog and premium on a known registry', () => {
  let h: Harness;
  let c: Client;
  let g: string;
  beforeAll(async () => {
    h = await createHarness({ deps: { registry: createRegistry([bare, vip]) } });
    g = snowflake();
    c = await h.login(owner(h, [g]));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('GET /api/catalog is the description of the registry', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/catalog', headers: c.read });
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(describeCatalog(createRegistry([bare, vip])))));
    expect(res.headers['cache-control']).toBe('private, max-age=60');
  });

  it('GET premium lists exactly the premium modules, facts, actions and templates', async () => {
    const res = await h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, headers: c.read });
    expect(res.json()).toMatchObject({
      tier: 'free',
      premium: false,
      limits: { rules: 100, templateUses: 20 },
      gated: { modules: ['vip'], facts: ['vip.rank'], actions: ['vip.crown'], templates: ['vip-gala@3'] },
    });
  });
});
