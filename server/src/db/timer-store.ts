import type { Knex } from 'knex';
import { checkNewTimer } from '@rulecord/engine';
import type { Json, NewTimer, TimerRecord, TimerStore } from '@rulecord/engine';

interface TimerRow {
  guild_id: string;
  id: string;
  kind: string;
  due_at: string | number;
  payload: Json;
  cron: string | null;
  timezone: string | null;
  status: TimerRecord['status'];
  attempts: number;
  fired_at: string | number | null;
  last_error: string | null;
  locked_until: string | number | null;
  created_at: string | number;
}

const num = (v: string | number): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: string | number | null): number | null => (v === null ? null : num(v));

function toRecord(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    kind: row.kind,
    dueAt: num(row.due_at),
    payload: row.payload,
    cron: row.cron,
    timezone: row.timezone,
    status: row.status,
    attempts: row.attempts,
    firedAt: numOrNull(row.fired_at),
    lastError: row.last_error,
    createdAt: num(row.created_at),
    lockedUntil: numOrNull(row.locked_until),
  };
}

/**
 * The `TimerStore` on PostgreSQL (or the embedded PGlite) through knex: table `timers` (migration
 * `core/20261125000002_timers`), primary key (guild_id, id). Every query filters on guild_id except `scanPending`, the
 * reconciler's system-wide scan. `claim` is one `UPDATE … WHERE status = 'pending' AND due_at = ? RETURNING`, the
 * exactly-once gate; `lease` is the same kind of conditional update.
 *
 * @example
 * const scheduler = new BullMQScheduler({ store: new KnexTimerStore(db.knex), connection: redis });
 */
export class KnexTimerStore implements TimerStore {
  constructor(
    readonly knex: Knex,
    readonly options: { table?: string } = {},
  ) {}

  get #table(): string {
    return this.options.table ?? 'timers';
  }

  async upsert(timer: NewTimer, now: number): Promise<TimerRecord> {
    checkNewTimer(timer);
    const rows = await this.#query(
      `insert into ?? as t (guild_id, id, kind, due_at, payload, cron, timezone, status, attempts, fired_at, last_error, locked_until, created_at, updated_at)
       values (?, ?, ?, ?, ?::jsonb, ?, ?, 'pending', 0, null, null, null, ?, ?)
       on conflict (guild_id, id) do update set
         kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, cron = excluded.cron,
         timezone = excluded.timezone, status = 'pending', attempts = 0, fired_at = null, last_error = null,
         locked_until = case when t.status = 'pending' and t.due_at = excluded.due_at then t.locked_until else null end,
         updated_at = excluded.updated_at
       where t.status <> 'fired'
       returning *`,
      [
        timer.guildId,
        timer.id,
        timer.kind,
        timer.dueAt,
        JSON.stringify(timer.payload ?? null),
        timer.cron ?? null,
        timer.timezone ?? null,
        now,
        Date.now(),
      ],
    );
    const row =
      rows[0] ?? (await this.#query(`select * from ?? where guild_id = ? and id = ?`, [timer.guildId, timer.id]))[0];
    if (row === undefined) throw new Error(`timer ${timer.guildId}/${timer.id} vanished during upsert`);
    return toRecord(row);
  }

  async get(guildId: string, id: string): Promise<TimerRecord | null> {
    const [row] = await this.#query(`select * from ?? where guild_id = ? and id = ?`, [guildId, id]);
    return row ? toRecord(row) : null;
  }

  async lease(guildId: string, id: string, dueAt: number, now: number, leaseMs: number): Promise<TimerRecord | null> {
    const [row] = await this.#query(
      `update ?? set locked_until = ?, attempts = attempts + 1, updated_at = ?
       where guild_id = ? and id = ? and status = 'pending' and due_at = ? and (locked_until is null or locked_until <= ?)
       returning *`,
      [now + leaseMs, Date.now(), guildId, id, dueAt, now],
    );
    return row ? toRecord(row) : null;
  }

  async renewLease(guildId: string, id: string, dueAt: number, heldUntil: number, until: number): Promise<boolean> {
    const rows = await this.#query(
      `update ?? set locked_until = ?, updated_at = ?
       where guild_id = ? and id = ? and status = 'pending' and due_at = ? and locked_until = ? returning *`,
      [until, Date.now(), guildId, id, dueAt, heldUntil],
    );
    return rows.length === 1;
  }

  async claim(guildId: string, id: string, dueAt: number, now: number, nextDueAt?: number | null): Promise<boolean> {
    const next = nextDueAt ?? null;
    const rows = await this.#query(
      next === null
        ? `update ?? set status = 'fired', fired_at = ?, locked_until = null, updated_at = ?
           where guild_id = ? and id = ? and status = 'pending' and due_at = ? returning *`
        : `update ?? set due_at = ?, fired_at = ?, locked_until = null, attempts = 0, updated_at = ?
           where guild_id = ? and id = ? and status = 'pending' and due_at = ? returning *`,
      next === null ? [now, Date.now(), guildId, id, dueAt] : [next, now, Date.now(), guildId, id, dueAt],
    );
    return rows.length === 1;
  }

  async recordFailure(guildId: string, id: string, error: string, final: boolean, dueAt?: number): Promise<void> {
    const sql = `update ?? set last_error = ?, locked_until = null, status = ${final ? `'failed'` : 'status'}, updated_at = ?
       where guild_id = ? and id = ? and status = 'pending'${dueAt === undefined ? '' : ' and due_at = ?'} returning *`;
    await this.#query(
      sql,
      dueAt === undefined ? [error, Date.now(), guildId, id] : [error, Date.now(), guildId, id, dueAt],
    );
  }

  async cancel(guildId: string, id: string): Promise<boolean> {
    const rows = await this.#query(
      `update ?? set status = 'cancelled', locked_until = null, updated_at = ?
       where guild_id = ? and id = ? and status = 'pending' returning *`,
      [Date.now(), guildId, id],
    );
    return rows.length === 1;
  }

  async listPending(guildId: string, limit = 100): Promise<TimerRecord[]> {
    const rows = await this.#query(
      `select * from ?? where guild_id = ? and status = 'pending' order by due_at, id limit ?`,
      [guildId, limit],
    );
    return rows.map(toRecord);
  }

  async scanPending(after: { guildId: string; id: string } | null, limit: number): Promise<TimerRecord[]> {
    // The one query that is not guild-scoped: the reconciler walks every guild's pending timers.
    const rows =
      after === null
        ? await this.#query(`select * from ?? where status = 'pending' order by guild_id, id limit ?`, [limit])
        : await this.#query(
            `select * from ?? where status = 'pending' and (guild_id, id) > (?, ?) order by guild_id, id limit ?`,
            [after.guildId, after.id, limit],
          );
    return rows.map(toRecord);
  }

  /** Runs `sql` whose first `??` is the table name; resolves to the rows. */
  async #query(sql: string, bindings: readonly (string | number | null)[]): Promise<TimerRow[]> {
    const result = (await this.knex.raw(sql, [this.#table, ...bindings])) as { rows?: TimerRow[] };
    return result.rows ?? [];
  }
}
