import type { Knex } from 'knex';
import { randomToken, sha256 } from './crypto.js';

export type TokenScope = 'read' | 'write';
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'write'];

export interface ApiTokenRecord {
  id: string;
  guildId: string;
  name: string;
  scope: TokenScope;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  guild_id: string;
  name: string;
  scope: TokenScope;
  token_hash: string;
  created_by: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const iso = (v: Date | string): string => new Date(v).toISOString();
const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : iso(v));

function fromRow(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    guildId: row.guild_id,
    name: row.name,
    scope: row.scope,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

/** Token text: `rct_<id>_<secret>`. Only the SHA-256 of the whole text is stored; the text is shown once. */
const TOKEN_PATTERN = /^rct_([A-Za-z0-9_-]{8,32})_([A-Za-z0-9_-]{20,64})$/;

export function looksLikeApiToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/**
 * Per-guild API tokens for the CLI and CI.
 *
 * @example
 * const { token } = await tokens.create({ guildId, name: 'ci', scope: 'write', createdBy: 'user:1' });
 * // send as `Authorization: Bearer ${token}`
 */
export class ApiTokenStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: {
    guildId: string;
    name: string;
    scope: TokenScope;
    createdBy: string;
  }): Promise<{ token: string; record: ApiTokenRecord }> {
    const id = randomToken(9).replace(/[-_]/g, 'x');
    const token = `rct_${id}_${randomToken(32)}`;
    const row: TokenRow = {
      id,
      guild_id: input.guildId,
      name: input.name,
      scope: input.scope,
      token_hash: sha256(token),
      created_by: input.createdBy,
      created_at: new Date(this.now()),
      last_used_at: null,
      revoked_at: null,
    };
    await this.db('api_tokens').insert(row);
    return { token, record: fromRow(row) };
  }

  async list(guildId: string): Promise<ApiTokenRecord[]> {
    const rows = (await this.db<TokenRow>('api_tokens')
      .where({ guild_id: guildId })
      .orderBy('created_at', 'asc')) as TokenRow[];
    return rows.map(fromRow);
  }

  async revoke(guildId: string, id: string): Promise<boolean> {
    const n = await this.db('api_tokens')
      .where({ guild_id: guildId, id })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date(this.now()) });
    return n > 0;
  }

  /** The live token for this text, its last-used time updated (at most once a minute); null when unknown or revoked. */
  async verify(text: string): Promise<ApiTokenRecord | null> {
    if (!looksLikeApiToken(text)) return null;
    const row = (await this.db<TokenRow>('api_tokens')
      .where({ token_hash: sha256(text) })
      .first()) as TokenRow | undefined;
    if (!row || row.revoked_at !== null) return null;
    const now = this.now();
    const last = row.last_used_at === null ? 0 : new Date(row.last_used_at).getTime();
    if (now - last > 60_000) {
      await this.db('api_tokens')
        .where({ id: row.id, guild_id: row.guild_id })
        .update({ last_used_at: new Date(now) });
      row.last_used_at = new Date(now);
    }
    return fromRow(row);
  }
}
