// Timers: the source of truth for every pending timer (giveaway end, reminder, role expiry, a rule's `wait`, cron
// schedules). BullMQ (or the in-process scheduler) only fires them; the reconciler rebuilds the queue from this table.
// Append-only: never edit a migration that has shipped; add a new file with a later timestamp.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Ids compare byte-wise ("C" collation) so the reconciler's keyset paging (guild_id, id) > (?, ?) is the same order
  // on every PostgreSQL, whatever its locale. Times are epoch milliseconds (bigint), like the engine's TimerRecord.
  await knex.raw(`
    create table timers (
      guild_id     text collate "C" not null,
      id           text collate "C" not null,
      kind         text not null,
      due_at       bigint not null,
      payload      jsonb not null,
      cron         text,
      timezone     text,
      status       text not null default 'pending',
      attempts     integer not null default 0,
      fired_at     bigint,
      last_error   text,
      locked_until bigint,
      created_at   bigint not null,
      updated_at   bigint not null,
      constraint timers_pkey primary key (guild_id, id),
      constraint timers_status_check check (status in ('pending', 'fired', 'cancelled', 'failed'))
    )`);
  // A guild's pending timers by due time (listPending); the primary key serves the reconciler's scan.
  await knex.raw(`create index timers_guild_pending_due_idx on timers (guild_id, due_at) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('timers');
}
