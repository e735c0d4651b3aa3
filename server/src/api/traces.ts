import { eventUserId, type Trace, type TraceOutcome, type TraceStore } from '@rulecord/engine';

/** Filters of `GET /api/guilds/:guildId/traces`. */
export interface TraceFilter {
  rule?: string;
  outcome?: TraceOutcome;
  user?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  limit?: number;
}

/**
 * What the API reads traces through: one guild at a time (`forGuild`), so a guild's list and stream can only ever
 * carry that guild's traces. Backed by the engine's TraceStore.
 */
export interface TraceFeed {
  list(guildId: string, filter: TraceFilter): Promise<Trace[]>;
  subscribe(guildId: string, listener: (trace: Trace) => void): () => void;
}

/** The filters the store's query does not take (rule, outcome and since it does). */
function matchesRest(t: Trace, f: TraceFilter): boolean {
  if (f.user !== undefined && eventUserId(t.trigger.payload) !== f.user) return false;
  if (f.until !== undefined && t.startedAt >= f.until) return false;
  return true;
}

export function traceFeed(store: TraceStore): TraceFeed {
  return {
    async list(guildId, filter) {
      const limit = filter.limit ?? 100;
      const candidates = await store.forGuild(guildId).list({
        ...(filter.outcome === undefined ? {} : { outcome: filter.outcome }),
        ...(filter.rule === undefined ? {} : { rule: filter.rule }),
        ...(filter.since === undefined ? {} : { since: filter.since }),
        // user / until are filtered here, so ask for more than the page
        limit: filter.user === undefined && filter.until === undefined ? limit : 5000,
      });
      // Defence in depth: whatever the store returns, never hand out another guild's trace.
      return candidates.filter((t) => t.guildId === guildId && matchesRest(t, filter)).slice(0, limit);
    },
    subscribe(guildId, listener) {
      return store.forGuild(guildId).subscribe((t) => {
        if (t.guildId === guildId) listener(t);
      });
    },
  };
}
