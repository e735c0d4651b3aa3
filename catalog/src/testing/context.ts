/**
 * Hand-built run contexts for the catalog's unit tests: a real `InMemoryStateStore` on a fixed clock, a recorder for
 * Discord calls over a tiny world, and captured `emit`s. (The engine's `RecordingDiscord` replaces the recorder here
 * once it lands; the shape of `calls` is the port's `RecordedCall`.)
 */
import { InMemoryStateStore } from '@rulecord/engine';
import type {
  ActionContext,
  Clock,
  FactContext,
  GuildDiscord,
  JsonObject,
  MemberInfo,
  RecordedCall,
  RuleEvent,
  StateStore,
} from '@rulecord/engine';

export const GUILD = 'g1';

export interface TestWorld {
  members?: MemberInfo[];
  /** Users whose DMs are closed (`sendDirect` returns null). */
  dmClosed?: string[];
}

export interface TestContext {
  ctx: ActionContext;
  calls: RecordedCall[];
  emitted: { type: string; payload: JsonObject }[];
  clock: { now(): number; set(ms: number): void };
  state: StateStore;
}

class MutableClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

function recorder(world: TestWorld, calls: RecordedCall[], clock: Clock): GuildDiscord {
  let next = 1;
  const results: Partial<Record<RecordedCall['method'], (...args: unknown[]) => unknown>> = {
    guild: () => ({ id: GUILD, name: 'Test guild', ownerId: 'owner', memberCount: world.members?.length ?? 0 }),
    member: (id) => world.members?.find((m) => m.id === id) ?? null,
    channel: (id) => ({ id, name: String(id), type: 'text' }),
    role: (id) => ({ id, name: String(id), position: 1 }),
    sendMessage: () => ({ messageId: `sent-${next++}` }),
    sendDirect: (user) => (world.dmClosed?.includes(String(user)) === true ? null : { messageId: `dm-${next++}` }),
    purge: (_channel, options) => (options as { limit: number }).limit,
    createThread: () => ({ channelId: `thread-${next++}` }),
    createChannel: () => ({ channelId: `channel-${next++}` }),
  };
  return new Proxy({ guildId: GUILD } as GuildDiscord, {
    get(target, key) {
      if (key === 'guildId') return target.guildId;
      if (typeof key !== 'string' || key === 'then') return undefined;
      const method = key as RecordedCall['method'];
      return async (...args: unknown[]) => {
        if (!['guild', 'member', 'channel', 'role'].includes(method)) {
          calls.push({ guildId: GUILD, method, args, at: clock.now() });
        }
        return results[method]?.(...args);
      };
    },
  });
}

/** A context for one event. `settings` are per module id, used as given (the module fills its own defaults). */
export function makeContext(options: {
  type: string;
  payload: JsonObject;
  at?: number;
  settings?: Record<string, JsonObject>;
  world?: TestWorld;
  state?: StateStore;
  rule?: string;
}): TestContext {
  const at = options.at ?? 1_732_000_000_000;
  const clock = new MutableClock(at);
  const state = options.state ?? new InMemoryStateStore({ clock });
  const calls: RecordedCall[] = [];
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
    discord: recorder(options.world ?? {}, calls, clock),
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
  return { ctx, calls, emitted, clock, state };
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
