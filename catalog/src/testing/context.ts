/**
 * Hand-built run contexts for the catalog's unit tests: a real `InMemoryStateStore` on a settable clock, the engine's
 * `RecordingDiscord` over a world, and captured `emit`s.
 */
import { InMemoryStateStore, RecordingDiscord, VirtualClock } from '@rulecord/engine';
import type {
  ActionContext,
  FactContext,
  JsonObject,
  RecordedCall,
  RuleEvent,
  StateStore,
  WorldSpec,
} from '@rulecord/engine';

export const GUILD = 'g1';

export interface TestContext {
  ctx: ActionContext;
  discord: RecordingDiscord;
  /** The Discord calls that changed something (reads left out), in order. */
  actions(): RecordedCall[];
  emitted: { type: string; payload: JsonObject }[];
  clock: VirtualClock;
  state: StateStore;
}

/** A context for one event. `settings` are per module id, used as given (the module fills its own defaults). */
export function makeContext(options: {
  type: string;
  payload: JsonObject;
  at?: number;
  settings?: Record<string, JsonObject>;
  /** The simulated guild; listing `members` closes it (unknown users are not members). */
  world?: WorldSpec;
  state?: StateStore;
  rule?: string;
}): TestContext {
  const at = options.at ?? 1_732_000_000_000;
  const clock = new VirtualClock(at);
  const state = options.state ?? new InMemoryStateStore({ clock });
  const discord = new RecordingDiscord(options.world ?? {}, clock);
  const emitted: { type: string; payload: JsonObject }[] = [];
  const event: RuleEvent = {
    id: `e-${at}-${Math.random()}`,
    guildId: GUILD,
    type: options.type,
    at,
    payload: options.payload,
  };
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  const base: Omit<FactContext, 'fact'> = {
    event,
    guildId: GUILD,
    clock,
    state: state.forGuild(GUILD),
    discord: discord.forGuild(GUILD),
    services: {},
    settings: <T>(id: string) => (options.settings?.[id] ?? {}) as T,
  };
  const ctx: ActionContext = {
    ...base,
    fact: () => Promise.reject(new Error('fact() is not wired in catalog unit tests')),
    rule: { id: options.rule ?? 'test-rule', mode: 'enforce' },
    emit: (type, payload) => emitted.push({ type, payload }),
    schedule: () => Promise.resolve(),
    cancelTimer: () => Promise.resolve(false),
    log,
  };
  return { ctx, discord, actions: () => discord.actions(GUILD), emitted, clock, state };
}

/** A `message.create` payload with sensible defaults. */
export function messagePayload(content: string, extra: JsonObject = {}): JsonObject {
  return {
    messageId: 'm1',
    channelId: 'c1',
    userId: 'u1',
    author: { id: 'u1', username: 'ada', bot: false },
    content,
    ...extra,
  };
}
