import type { Knex } from 'knex';
import type { Json, JsonObject } from '@rulecord/engine';
import { ApiError } from '../api/errors.js';
import { forGuild, getGuild, getRuleSetVersion, recordAudit, upsertGuild } from '../db/index.js';

export interface RuleSetVersion {
  guildId: string;
  version: number;
  document: JsonObject;
  author: string;
  message: string;
  createdAt: string;
}

export type RuleSetVersionSummary = Omit<RuleSetVersion, 'document'>;

interface VersionRow {
  guild_id: string;
  version: number;
  /** jsonb: PostgreSQL and PGlite both hand it back parsed. */
  document: JsonObject;
  author: string;
  message: string;
  created_at: Date | string;
}

function fromRow(row: VersionRow): RuleSetVersion {
  return {
    guildId: row.guild_id,
    version: Number(row.version),
    document: row.document,
    author: row.author,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const UNIQUE_VIOLATION = '23505';

/** What an audit entry records: who did what, and the version before and after. */
export interface AuditEntry {
  guildId: string;
  actor: string;
  action: string;
  target?: string | null;
  before?: Json | null;
  after?: Json | null;
}

/** Writes an audit entry through the guild-scoped handle (the guild row must exist). */
export async function writeAudit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await recordAudit(forGuild(db, entry.guildId), {
    actor: entry.actor,
    action: entry.action,
    ...(entry.target == null ? {} : { target: entry.target }),
    ...(entry.before == null ? {} : { before: entry.before }),
    ...(entry.after == null ? {} : { after: entry.after }),
  });
}

export async function ensureGuild(db: Knex, guildId: string): Promise<void> {
  await upsertGuild(db, { id: guildId });
}

/**
 * The rule set version store over `rule_set_versions`. Every write is a new version (never an update); the latest
 * version is the live rule set. Writes are serialised per guild: each one first upserts the guild row, which locks it
 * until the transaction ends, so the next writer reads the version the previous one stored. The (guild_id, version)
 * primary key is the backstop: two inserts of the same version can never both succeed.
 */
export class RuleSetStore {
  constructor(private readonly db: Knex) {}

  async latest(guildId: string): Promise<RuleSetVersion | null> {
    const row = await getRuleSetVersion(forGuild(this.db, guildId));
    return row ? fromRow(row) : null;
  }

  async get(guildId: string, version: number): Promise<RuleSetVersion | null> {
    const row = await getRuleSetVersion(forGuild(this.db, guildId), version);
    return row ? fromRow(row) : null;
  }

  async list(guildId: string, options: { limit?: number; before?: number } = {}): Promise<RuleSetVersionSummary[]> {
    let q = forGuild(this.db, guildId)
      .query('rule_set_versions')
      .select('guild_id', 'version', 'author', 'message', 'created_at')
      .orderBy('version', 'desc')
      .limit(options.limit ?? 50);
    if (options.before !== undefined) q = q.where('version', '<', options.before);
    const rows = (await q) as Omit<VersionRow, 'document'>[];
    return rows.map((r) => ({
      guildId: r.guild_id,
      version: Number(r.version),
      author: r.author,
      message: r.message,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  async tier(guildId: string): Promise<'free' | 'premium'> {
    const row = await getGuild(this.db, guildId);
    return row?.tier === 'premium' ? 'premium' : 'free';
  }

  /**
   * Stores `document` as the next version, with an audit entry, in one transaction. `expectedVersion` (from
   * `If-Match`) must equal the latest version (0 = "no version yet"), otherwise RC_API_CONFLICT and nothing changes.
   */
  async append(input: {
    guildId: string;
    document: JsonObject;
    author: string;
    message: string;
    expectedVersion?: number;
    action?: string;
  }): Promise<{ version: RuleSetVersion; previous: number }> {
    try {
      return await this.db.transaction(async (trx) => {
        await upsertGuild(trx, { id: input.guildId });
        const scoped = forGuild(trx, input.guildId);
        const top = (await scoped.query('rule_set_versions').max({ v: 'version' }).first()) as
          { v: number | string | null } | undefined;
        const previous = top?.v === null || top?.v === undefined ? 0 : Number(top.v);
        if (input.expectedVersion !== undefined && input.expectedVersion !== previous)
          throw conflict(input.expectedVersion, previous);
        const row = {
          guild_id: input.guildId,
          version: previous + 1,
          document: JSON.stringify(input.document),
          author: input.author,
          message: input.message,
          created_at: new Date(),
        };
        await scoped.insert('rule_set_versions', row);
        await writeAudit(trx, {
          guildId: input.guildId,
          actor: input.author,
          action: input.action ?? 'ruleset.update',
          target: 'ruleset',
          before: { version: previous },
          after: { version: previous + 1, message: input.message },
        });
        return { version: fromRow({ ...row, document: input.document }), previous };
      });
    } catch (error) {
      /* v8 ignore if -- the guild-row lock above serialises writers; this only runs if that lock ever goes away. */
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        const latest = await this.latest(input.guildId);
        throw conflict(input.expectedVersion ?? latest?.version ?? 0, latest?.version ?? 0);
      }
      throw error;
    }
  }
}

/** RC_API_CONFLICT: the change was based on `expected`, but the live version is `actual`. */
export function conflict(expected: number, actual: number): ApiError {
  return new ApiError(
    'RC_API_CONFLICT',
    `The rule set is at version ${actual}, not ${expected}: someone changed it since you loaded it. Reload, reapply your change and send If-Match: "${actual}".`,
    { details: { expectedVersion: expected, currentVersion: actual } },
  );
}
