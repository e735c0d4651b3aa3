import {
  Engine,
  InMemoryStateStore,
  InMemoryTimerStore,
  InProcessScheduler,
  RulecordError,
  RecordingDiscord,
  VirtualClock,
  coreModule,
  defineAction,
  defineEvent,
  defineFact,
  defineModule,
} from '../../src/index.js';
import type {
  EngineOptions,
  JsonObject,
  ModuleDefinition,
  Rule,
  RuleEvent,
  RunSummary,
  WorldSpec,
} from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';

/** Counters the test module's providers and actions bump, so tests can see what ran. */
export interface Probe {
  factCalls: Record<string, number>;
  actions: { name: string; params: JsonObject }[];
  flakyFailures: number;
}

export function testModule(probe: Probe): ModuleDefinition {
  const bump = (name: string): void => {
    probe.factCalls[name] = (probe.factCalls[name] ?? 0) + 1;
  };
  const content = (payload: JsonObject): string => (typeof payload.content === 'string' ? payload.content : '');
  return defineModule({
    id: 'test',
    version: '1.0.0',
    name: 'Test',
    description: 'Facts and actions for runtime tests.',
    areas: ['message', 'member', 'custom'],
    settings: { type: 'object', properties: { greeting: { type: 'string', default: 'hello' } } },
    facts: [
      defineFact({
        name: 'message.length',
        description: 'length',
        schema: { type: 'integer' },
        resolve: (ctx) => (bump('message.length'), content(ctx.event.payload).length),
      }),
      defineFact({
        name: 'message.capsRatio',
        description: 'caps ratio',
        schema: { type: 'number' },
        resolve: (ctx) => {
          bump('message.capsRatio');
          const letters = content(ctx.event.payload).replace(/[^a-z]/gi, '');
          return letters.length === 0 ? 0 : letters.replace(/[^A-Z]/g, '').length / letters.length;
        },
      }),
      defineFact({
        name: 'member.accountAge',
        description: 'async io fact',
        schema: { type: 'number' },
        cost: 'io',
        resolve: async (ctx) => {
          bump('member.accountAge');
          await new Promise((r) => setTimeout(r, 1));
          const m = await ctx.discord.member(String(ctx.event.payload.userId));
          return m?.createdAt === undefined ? 0 : Math.floor((ctx.clock.now() - m.createdAt) / 86_400_000);
        },
      }),
      defineFact({
        name: 'test.io',
        description: 'an io fact with params',
        schema: { type: 'number' },
        params: { type: 'object', properties: { n: { type: 'number' } } },
        cost: 'io',
        resolve: async (_ctx, params) => (bump('test.io'), Number(params?.n ?? 0)),
      }),
      defineFact({
        name: 'test.broken',
        description: 'throws',
        schema: { type: 'number' },
        resolve: () => {
          throw new Error('provider exploded');
        },
      }),
      defineFact({
        name: 'test.greeting',
        description: 'reads settings',
        schema: { type: 'string' },
        resolve: (ctx) => ctx.settings<{ greeting: string }>('test').greeting,
      }),
    ],
    actions: [
      defineAction({
        name: 'message.delete',
        description: 'deletes the message',
        params: { type: 'object', properties: { reason: { type: 'string' } }, additionalProperties: false },
        async run(params, ctx) {
          probe.actions.push({ name: 'message.delete', params });
          await ctx.discord.deleteMessage(
            String(ctx.event.payload.channelId),
            String(ctx.event.payload.messageId),
            params.reason as string | undefined,
          );
        },
      }),
      defineAction({
        name: 'member.warn',
        description: 'warns',
        params: {
          type: 'object',
          required: ['user'],
          properties: {
            user: { type: 'string', minLength: 1 },
            reason: { type: 'string' },
            count: { type: 'integer' },
          },
          additionalProperties: false,
        },
        result: { type: 'object', properties: { caseId: { type: 'string' } } },
        run(params) {
          probe.actions.push({ name: 'member.warn', params });
          return Promise.resolve({ caseId: `case-${probe.actions.length}` });
        },
      }),
      defineAction({
        name: 'custom.flaky',
        description: 'fails transiently `failures` times',
        params: { type: 'object', properties: { failures: { type: 'integer' }, bug: { type: 'boolean' } } },
        run(params) {
          probe.actions.push({ name: 'custom.flaky', params });
          if (params.bug === true) return Promise.reject(new Error('null pointer'));
          if (probe.flakyFailures < Number(params.failures ?? 0)) {
            probe.flakyFailures++;
            return Promise.reject(new RulecordError('RC_TEST_TRANSIENT', 'try again', { kind: 'transient' }));
          }
          return Promise.resolve({ ok: true });
        },
      }),
      defineAction({
        name: 'custom.sync',
        description:
          'answers directly (no promise) with { n }, or throws (`fail`: "transient" up to `failures` times, "bug")',
        params: {
          type: 'object',
          properties: { n: { type: 'integer' }, fail: { enum: ['transient', 'bug'] }, failures: { type: 'integer' } },
        },
        result: { type: 'object', properties: { n: { type: 'integer' } } },
        run(params) {
          probe.actions.push({ name: 'custom.sync', params });
          if (params.fail === 'bug') throw new Error('sync bug');
          if (params.fail === 'transient' && probe.flakyFailures < Number(params.failures ?? 0)) {
            probe.flakyFailures++;
            throw new RulecordError('RC_TEST_TRANSIENT', 'try again', { kind: 'transient' });
          }
          return { n: Number(params.n ?? 0) };
        },
      }),
      defineAction({
        name: 'custom.hang',
        description: 'never settles',
        params: { type: 'object' },
        run: () => new Promise(() => {}),
      }),
      defineAction({
        name: 'custom.schedule',
        description: 'schedules an event',
        params: {
          type: 'object',
          required: ['id', 'in'],
          properties: { id: { type: 'string' }, in: { type: 'integer' } },
        },
        async run(params, ctx) {
          probe.actions.push({ name: 'custom.schedule', params });
          await ctx.schedule({
            id: String(params.id),
            at: ctx.clock.now() + Number(params.in),
            event: { type: 'custom.reminder', payload: { userId: String(ctx.event.payload.userId ?? '') } },
          });
        },
      }),
    ],
    events: [
      defineEvent({ name: 'message.create', description: 'message', payload: { type: 'object' } }),
      defineEvent({ name: 'member.join', description: 'join', payload: { type: 'object' } }),
      defineEvent({ name: 'custom.ping', description: 'ping', payload: { type: 'object' } }),
      defineEvent({ name: 'custom.reminder', description: 'reminder', payload: { type: 'object' } }),
    ],
  });
}

export const GUILD = 'g1';

export function ruleSet(rules: Rule[], guild = GUILD, modules?: Record<string, JsonObject>): unknown {
  return { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild, ...(modules ? { modules } : {}), rules };
}

let seq = 0;
export function message(content: string, extra: JsonObject = {}, guildId = GUILD): RuleEvent {
  seq++;
  return {
    id: `m${seq}`,
    guildId,
    type: 'message.create',
    at: 0,
    payload: {
      messageId: `msg${seq}`,
      channelId: 'general',
      userId: 'u1',
      author: { id: 'u1', username: 'ada', bot: false },
      member: { roles: ['member'] },
      content,
      ...extra,
    },
  };
}

export interface Harness {
  engine: Engine;
  probe: Probe;
  clock: VirtualClock;
  state: InMemoryStateStore;
  scheduler: InProcessScheduler;
  discord: RecordingDiscord;
}

export async function harness(
  options: Partial<EngineOptions> & { world?: WorldSpec; modules?: ModuleDefinition[] } = {},
): Promise<Harness> {
  const probe: Probe = { factCalls: {}, actions: [], flakyFailures: 0 };
  const clock = new VirtualClock(1_700_000_000_000);
  const state = new InMemoryStateStore({ clock });
  const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
  const discord = new RecordingDiscord(
    options.world ?? {
      members: [{ id: 'u1', username: 'ada', displayName: 'Ada', createdAt: 1_700_000_000_000 - 400 * 86_400_000 }],
      guild: { name: 'Test Guild', memberCount: 42 },
    },
    clock,
  );
  const registry = createRegistry([coreModule, testModule(probe), ...(options.modules ?? [])]);
  const engine = new Engine({ registry, state, scheduler, discord, clock, sleep: () => Promise.resolve(), ...options });
  await scheduler.start((timer) => engine.handleTimer(timer));
  return { engine, probe, clock, state, scheduler, discord };
}

export function load(h: Harness, rules: Rule[], modules?: Record<string, JsonObject>): void {
  const result = h.engine.load(ruleSet(rules, GUILD, modules), { tier: 'premium' });
  if (!result.ok) throw new Error(`load failed: ${JSON.stringify(result.problems, null, 2)}`);
}

/**
 * Dispatches and returns EVERY run of the event, quiet ones (`filtered`, `condition-false`) included, as `onRun`
 * listeners see them (`dispatch` itself lists only runs that passed their condition or failed).
 */
export async function dispatchAll(engine: Engine, event: RuleEvent): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  const stop = engine.onRun((r) => runs.push(r));
  try {
    await engine.dispatch(event);
  } finally {
    stop();
  }
  return runs;
}
