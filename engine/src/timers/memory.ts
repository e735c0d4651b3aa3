import type { NewTimer, TimerRecord, TimerStore } from './port.js';
import { checkNewTimer } from './validate.js';

const keyOf = (guildId: string, id: string): string => `${guildId}\u0000${id}`;
const copy = (row: TimerRecord): TimerRecord => structuredClone(row);
const byGuildThenId = (a: TimerRecord, b: TimerRecord): number =>
  a.guildId < b.guildId ? -1 : a.guildId > b.guildId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * `TimerStore` in process memory, for the simulator and tests. Same semantics as the PostgreSQL store
 * (`KnexTimerStore` in the server), proven by the shared contract suite. Every method runs synchronously inside, so
 * concurrent claims in one process are serialised.
 */
export class InMemoryTimerStore implements TimerStore {
  readonly #rows = new Map<string, TimerRecord>();

  async upsert(timer: NewTimer, now: number): Promise<TimerRecord> {
    checkNewTimer(timer);
    const key = keyOf(timer.guildId, timer.id);
    const existing = this.#rows.get(key);
    if (existing?.status === 'fired') return copy(existing);
    const keepLease = existing?.status === 'pending' && existing.dueAt === timer.dueAt;
    const row: TimerRecord = {
      id: timer.id,
      guildId: timer.guildId,
      kind: timer.kind,
      dueAt: timer.dueAt,
      payload: structuredClone(timer.payload),
      cron: timer.cron ?? null,
      timezone: timer.timezone ?? null,
      status: 'pending',
      attempts: 0,
      firedAt: null,
      lastError: null,
      createdAt: existing?.createdAt ?? now,
      lockedUntil: keepLease ? (existing.lockedUntil ?? null) : null,
    };
    this.#rows.set(key, row);
    return copy(row);
  }

  async get(guildId: string, id: string): Promise<TimerRecord | null> {
    const row = this.#rows.get(keyOf(guildId, id));
    return row ? copy(row) : null;
  }

  async lease(guildId: string, id: string, dueAt: number, now: number, leaseMs: number): Promise<TimerRecord | null> {
    const row = this.#rows.get(keyOf(guildId, id));
    if (!row || row.status !== 'pending' || row.dueAt !== dueAt) return null;
    if (row.lockedUntil !== null && row.lockedUntil !== undefined && row.lockedUntil > now) return null;
    row.lockedUntil = now + leaseMs;
    row.attempts += 1;
    return copy(row);
  }

  async renewLease(guildId: string, id: string, dueAt: number, heldUntil: number, until: number): Promise<boolean> {
    const row = this.#rows.get(keyOf(guildId, id));
    if (!row || row.status !== 'pending' || row.dueAt !== dueAt || row.lockedUntil !== heldUntil) return false;
    row.lockedUntil = until;
    return true;
  }

  async claim(guildId: string, id: string, dueAt: number, now: number, nextDueAt?: number | null): Promise<boolean> {
    const row = this.#rows.get(keyOf(guildId, id));
    if (!row || row.status !== 'pending' || row.dueAt !== dueAt) return false;
    row.firedAt = now;
    row.lockedUntil = null;
    if (nextDueAt === undefined || nextDueAt === null) {
      row.status = 'fired';
    } else {
      row.dueAt = nextDueAt;
      row.attempts = 0;
    }
    return true;
  }

  async recordFailure(guildId: string, id: string, error: string, final: boolean, dueAt?: number): Promise<void> {
    const row = this.#rows.get(keyOf(guildId, id));
    if (!row || row.status !== 'pending' || (dueAt !== undefined && row.dueAt !== dueAt)) return;
    row.lastError = error;
    row.lockedUntil = null;
    if (final) row.status = 'failed';
  }

  async cancel(guildId: string, id: string): Promise<boolean> {
    const row = this.#rows.get(keyOf(guildId, id));
    if (!row || row.status !== 'pending') return false;
    row.status = 'cancelled';
    row.lockedUntil = null;
    return true;
  }

  async listPending(guildId: string, limit = 100): Promise<TimerRecord[]> {
    return [...this.#rows.values()]
      .filter((r) => r.guildId === guildId && r.status === 'pending')
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  async scanPending(after: { guildId: string; id: string } | null, limit: number): Promise<TimerRecord[]> {
    const cursor = after ? ({ guildId: after.guildId, id: after.id } as TimerRecord) : null;
    return [...this.#rows.values()]
      .filter((r) => r.status === 'pending' && (cursor === null || byGuildThenId(r, cursor) > 0))
      .sort(byGuildThenId)
      .slice(0, limit)
      .map(copy);
  }
}
