import type { Knex } from 'knex';
import type { JsonObject, Tier } from '@rulecord/engine';
import type { GuildDatabase } from './guild-scope.js';

/** A row of `guilds`. */
export interface GuildRow {
  id: string;
  name: string;
  tier: Tier;
  settings: JsonObject;
  created_at: Date;
  updated_at: Date;
}

/** Creates the guild or updates the fields given; resolves to the row. The `guilds` table is keyed by `id`, not `guild_id`. */
export async function upsertGuild(
  knex: Knex,
  guild: { id: string; name?: string; tier?: Tier; settings?: JsonObject },
): Promise<GuildRow> {
  const changes: Record<string, unknown> = {};
  if (guild.name !== undefined) changes.name = guild.name;
  if (guild.tier !== undefined) changes.tier = guild.tier;
  if (guild.settings !== undefined) changes.settings = JSON.stringify(guild.settings);
  const insert = knex('guilds').insert({ id: guild.id, ...changes });
  const [row] = (await (
    Object.keys(changes).length === 0
      ? insert.onConflict('id').merge({ id: guild.id })
      : insert.onConflict('id').merge({ ...changes, updated_at: knex.fn.now() })
  ).returning('*')) as GuildRow[];
  return row!;
}

export async function getGuild(knex: Knex, id: string): Promise<GuildRow | undefined> {
  return (await knex('guilds').where({ id }).first()) as GuildRow | undefined;
}

/** A row of `rule_set_versions`. */
export interface RuleSetVersionRow {
  guild_id: string;
  version: number;
  document: JsonObject;
  author: string;
  message: string;
  created_at: Date;
}

/**
 * Stores a new version of the guild's rule set (1, 2, 3…; the guild row must exist) and resolves to it. Two
 * concurrent appends never get the same number: the primary key refuses the second, which retries.
 */
export async function appendRuleSetVersion(
  db: GuildDatabase,
  entry: { document: JsonObject; author: string; message?: string },
): Promise<RuleSetVersionRow> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (trx) => {
        const latest = (await trx.query('rule_set_versions').max({ v: 'version' }).first()) as
          { v: number | null } | undefined;
        const version = (latest?.v ?? 0) + 1;
        const [row] = (await trx
          .insert('rule_set_versions', {
            version,
            document: JSON.stringify(entry.document),
            author: entry.author,
            message: entry.message ?? '',
          })
          .returning('*')) as unknown as RuleSetVersionRow[];
        return row!;
      });
    } catch (error) {
      if (attempt < 5 && (error as { code?: string }).code === '23505') continue;
      throw error;
    }
  }
}

/** One version, or the latest when `version` is omitted. */
export async function getRuleSetVersion(db: GuildDatabase, version?: number): Promise<RuleSetVersionRow | undefined> {
  const q = db.query('rule_set_versions');
  return (await (version === undefined ? q.orderBy('version', 'desc') : q.where({ version })).first()) as
    RuleSetVersionRow | undefined;
}

/** Newest first. */
export async function listRuleSetVersions(db: GuildDatabase, limit = 50): Promise<RuleSetVersionRow[]> {
  return (await db.query('rule_set_versions').orderBy('version', 'desc').limit(limit)) as RuleSetVersionRow[];
}

/** A row of `audit_log`. */
export interface AuditRow {
  id: string;
  guild_id: string;
  actor: string;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
  created_at: Date;
}

/** Records who did what in the guild (`action` like `ruleset.apply`, `token.create`), with before/after snapshots. */
export async function recordAudit(
  db: GuildDatabase,
  entry: { actor: string; action: string; target?: string; before?: unknown; after?: unknown },
): Promise<AuditRow> {
  const [row] = (await db
    .insert('audit_log', {
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .returning('*')) as unknown as AuditRow[];
  return row!;
}

export async function listAudit(db: GuildDatabase, limit = 100): Promise<AuditRow[]> {
  return (await db.query('audit_log').orderBy('id', 'desc').limit(limit)) as AuditRow[];
}
