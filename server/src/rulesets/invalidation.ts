import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

/** "Guild X's rule set is now version N": every process (bot shards, workers, API servers) reloads on it. */
export interface RuleSetChange {
  guildId: string;
  version: number;
  at: number;
}

export interface InvalidationBus {
  publish(change: RuleSetChange): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (change: RuleSetChange) => void): () => void;
  /** Resolves once this process receives changes (a Redis subscription is live). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export const INVALIDATION_CHANNEL = 'rulecord:ruleset:changed';

/** One process (the embedded default): an EventEmitter. */
export function inProcessInvalidation(): InvalidationBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: async (change) => {
      emitter.emit('change', change);
    },
    subscribe: (listener) => {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    ready: async () => {},
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

let processBus: InvalidationBus | undefined;

/**
 * The one in-process bus of this process. Without Redis (the embedded default, everything in one process) the API
 * publishes on it and the bot and worker subscribe to it, without the composition having to hand one bus to both.
 */
export function processInvalidation(): InvalidationBus {
  processBus ??= inProcessInvalidation();
  return processBus;
}

/**
 * Many processes: Redis pub/sub on `channel`. Publishes on the given connection; subscribes on a duplicate (a
 * subscribed ioredis connection cannot run other commands), opened on first subscribe.
 */
export function redisInvalidation(redis: Redis, channel = INVALIDATION_CHANNEL): InvalidationBus {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  let subscriber: Redis | undefined;
  let ready: Promise<unknown> | undefined;
  const ensure = () => {
    if (subscriber) return ready;
    subscriber = redis.duplicate();
    // This connection is ours and subscribed to `channel` only, so every message is on it.
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const change = JSON.parse(message) as RuleSetChange;
        if (typeof change.guildId === 'string' && Number.isInteger(change.version)) local.emit('change', change);
      } catch {
        // a foreign message on our channel: ignored
      }
    });
    ready = subscriber.subscribe(channel);
    return ready;
  };
  return {
    publish: async (change) => {
      await redis.publish(channel, JSON.stringify(change));
    },
    subscribe: (listener) => {
      void ensure();
      local.on('change', listener);
      return () => local.off('change', listener);
    },
    ready: async () => {
      await ensure();
    },
    close: async () => {
      local.removeAllListeners();
      if (subscriber) {
        subscriber.disconnect();
        subscriber = undefined;
      }
    },
  };
}
