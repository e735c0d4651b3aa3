// The runtime examples of docs/rules.md are rule tests: each `<!-- runtime-example: NAME -->` block is run through the
// simulator and must produce what its `expect` says. The tables of variables and shorthands are checked against code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  EVENT_SHORTHANDS,
  VARIABLE_FILTERS,
  VARIABLE_ROOTS,
  coreModule,
  defineAction,
  defineEvent,
  defineFact,
  defineModule,
  simulate,
} from '../../src/index.js';
import type { JsonObject, Rule, SimStep } from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';

const markdown = readFileSync(
  process.env.RULECORD_RULES_MD ?? join(import.meta.dirname, '../../../docs/rules.md'),
  'utf8',
);
const runtimePart = markdown.slice(markdown.indexOf('# How rules run'));

const text = (ctx: { event: { payload: JsonObject } }): string => String(ctx.event.payload.content ?? '');
const send = (
  name: string,
  call: (p: JsonObject, ctx: Parameters<NonNullable<Parameters<typeof defineAction>[0]['run']>>[1]) => Promise<unknown>,
) =>
  defineAction({
    name,
    description: name,
    params: { type: 'object' },
    run: async (p, ctx) => void (await call(p, ctx)),
  });

/** Stand-ins for the catalog's actions and facts the examples use (the engine cannot import the catalog). */
const docsModule = defineModule({
  id: 'docs',
  version: '1.0.0',
  name: 'Docs',
  description: 'Facts, actions and events the runtime examples of docs/rules.md use.',
  areas: ['message', 'member', 'role', 'command'],
  facts: [
    defineFact({
      name: 'message.length',
      description: 'length',
      schema: { type: 'integer' },
      resolve: (ctx) => text(ctx).length,
    }),
    defineFact({
      name: 'message.capsRatio',
      description: 'caps',
      schema: { type: 'number' },
      resolve: (ctx) => {
        const letters = text(ctx).replace(/[^a-z]/gi, '');
        return letters.length === 0 ? 0 : letters.replace(/[^A-Z]/g, '').length / letters.length;
      },
    }),
  ],
  actions: [
    send('message.delete', (_p, ctx) =>
      ctx.discord.deleteMessage(String(ctx.event.payload.channelId), String(ctx.event.payload.messageId)),
    ),
    send('message.send', (p, ctx) => ctx.discord.sendMessage(String(p.channel), { content: String(p.content) })),
    defineAction({
      name: 'member.warn',
      description: 'warn',
      params: {
        type: 'object',
        required: ['user'],
        properties: { user: { type: 'string' }, reason: { type: 'string' } },
        additionalProperties: false,
      },
      run: () => Promise.resolve({ caseId: 'case-1' }),
    }),
    send('member.timeout', (p, ctx) => ctx.discord.timeout(String(p.user), 3_600_000, String(p.reason))),
    send('role.add', (p, ctx) => ctx.discord.addRole(String(p.user), String(p.role))),
  ],
  events: [
    defineEvent({ name: 'message.create', description: 'message', payload: { type: 'object' } }),
    defineEvent({ name: 'member.join', description: 'join', payload: { type: 'object' } }),
    defineEvent({ name: 'command.run', description: 'command', payload: { type: 'object' } }),
  ],
});
const registry = createRegistry([coreModule, docsModule]);
const world = {
  members: [{ id: 'u1', username: 'ada' }, { id: 'u2' }, { id: 'newbie', accountAgeDays: 1 }],
  channels: [{ id: 'general' }, { id: 'staff' }],
};

interface Example {
  rules: Rule[];
  steps: SimStep[];
  expect: {
    outcomes?: string[];
    actions?: string[];
    wouldRun?: string[];
    params?: JsonObject[];
    steps?: number[];
    calls?: number;
  };
}

function examples(): [string, Example][] {
  const found: [string, Example][] = [];
  for (const m of runtimePart.matchAll(/<!-- runtime-example: ([a-z0-9-]+) -->\n```yaml\n([\s\S]*?)```/g))
    found.push([m[1]!, parse(m[2]!) as Example]);
  return found;
}

describe('docs/rules.md runtime examples', () => {
  it('has runtime examples', () => {
    expect(examples().length).toBeGreaterThanOrEqual(8);
  });

  for (const [name, ex] of examples()) {
    it(`example ${name} behaves as documented`, async () => {
      const result = await simulate({
        registry,
        world,
        document: { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '112233445566778899', rules: ex.rules },
        steps: ex.steps,
      });
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const performed = result.actions.filter((a) => a.mode === 'enforce' && a.status === 'ok');
      if (ex.expect.outcomes) expect(result.traces.map((t) => t.outcome)).toEqual(ex.expect.outcomes);
      if (ex.expect.actions) expect(performed.map((a) => a.action)).toEqual(ex.expect.actions);
      if (ex.expect.wouldRun)
        expect(result.actions.filter((a) => a.status === 'would-run').map((a) => a.action)).toEqual(ex.expect.wouldRun);
      if (ex.expect.params) expect(performed.map((a) => a.params)).toMatchObject(ex.expect.params);
      if (ex.expect.steps) expect(performed.map((a) => a.step)).toEqual(ex.expect.steps);
      if (ex.expect.calls !== undefined) expect(result.calls.length).toBe(ex.expect.calls);
    });
  }

  it('documents every variable root and filter', () => {
    const section = runtimePart.slice(
      runtimePart.indexOf('## Variables: every root and filter'),
      runtimePart.indexOf('## Actions: errors and retries'),
    );
    for (const root of VARIABLE_ROOTS) expect(section, root).toContain(`\`${root}\``);
    for (const filter of VARIABLE_FILTERS) expect(section, filter).toContain(`\`${filter}`);
  });

  it('documents every event shorthand of the simulator', () => {
    const section = runtimePart.slice(runtimePart.indexOf('## Simulating events'));
    for (const type of Object.keys(EVENT_SHORTHANDS)) expect(section, type).toContain(`\`${type}\``);
  });
});
