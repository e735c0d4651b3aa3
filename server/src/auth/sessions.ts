import type { Knex } from 'knex';
import { randomToken, seal, sha256, unseal } from './crypto.js';

export interface SessionRecord {
  id: string;
  userId: string;
  userName: string;
  avatar: string | null;
  sandbox: boolean;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  user_name: string;
  avatar: string | null;
  sandbox: boolean;
  discord_token: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
}

const toDate = (v: Date | string): Date => new Date(v);

function fromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.user_name,
    avatar: row.avatar,
    sandbox: Boolean(row.sandbox),
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    revokedAt: row.revoked_at === null ? null : toDate(row.revoked_at),
  };
}

/**
 * Server-side sessions. The cookie holds a signed JWT naming the session id; the row decides whether it is still
 * valid, so logout (revoke) takes effect immediately even though the JWT itself has not expired.
 */
export class SessionStore {
  constructor(
    private readonly db: Knex,
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: {
    userId: string;
    userName: string;
    avatar?: string | null;
    sandbox?: boolean;
    discordAccessToken?: string;
    ttlMs: number;
  }): Promise<SessionRecord> {
    const now = this.now();
    // Housekeeping: sessions that ended more than a day ago are of no use to anyone.
    await this.db('sessions')
      .where('expires_at', '<', new Date(now - 86_400_000))
      .delete();
    const row = {
      id: randomToken(18),
      user_id: input.userId,
      user_name: input.userName,
      avatar: input.avatar ?? null,
      sandbox: input.sandbox ?? false,
      discord_token: input.discordAccessToken === undefined ? null : seal(this.secret, input.discordAccessToken),
      created_at: new Date(now),
      expires_at: new Date(now + input.ttlMs),
      revoked_at: null,
    };
    await this.db('sessions').insert(row);
    return fromRow(row);
  }

  /** The session when it exists, is not revoked and has not expired. */
  async active(id: string): Promise<SessionRecord | null> {
    const row = (await this.db<SessionRow>('sessions').where({ id }).first()) as SessionRow | undefined;
    if (!row) return null;
    const s = fromRow(row);
    if (s.revokedAt !== null || s.expiresAt.getTime() <= this.now()) return null;
    return s;
  }

  async discordToken(id: string): Promise<string | null> {
    const row = (await this.db<SessionRow>('sessions').where({ id }).first('discord_token')) as
      Pick<SessionRow, 'discord_token'> | undefined;
    return row?.discord_token ? unseal(this.secret, row.discord_token) : null;
  }

  async revoke(id: string): Promise<boolean> {
    const n = await this.db('sessions')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date(this.now()), discord_token: null });
    return n > 0;
  }
}

/**
 * Pending OAuth logins: a single-use `state` bound to the browser that started the login (by a random cookie whose
 * hash is stored with the state) and the PKCE verifier. Taking a state deletes it, so a replay finds nothing.
 */
export class OAuthStateStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async create(binding: string): Promise<{ state: string; codeVerifier: string }> {
    const state = randomToken(32);
    const codeVerifier = randomToken(48);
    const now = this.now();
    await this.db('oauth_states').where('expires_at', '<', new Date(now)).delete();
    await this.db('oauth_states').insert({
      state_hash: sha256(state),
      binding_hash: sha256(binding),
      code_verifier: codeVerifier,
      created_at: new Date(now),
      expires_at: new Date(now + this.ttlMs),
    });
    return { state, codeVerifier };
  }

  /** Consumes the state: its verifier when it exists, is fresh and belongs to this browser; null otherwise (and it is gone either way). */
  async take(state: string, binding: string | undefined): Promise<{ codeVerifier: string } | null> {
    const rows = (await this.db('oauth_states')
      .where({ state_hash: sha256(state) })
      .delete()
      .returning(['binding_hash', 'code_verifier', 'expires_at'])) as {
      binding_hash: string;
      code_verifier: string;
      expires_at: Date | string;
    }[];
    const row = rows[0];
    if (!row || binding === undefined) return null;
    if (toDate(row.expires_at).getTime() <= this.now()) return null;
    if (row.binding_hash !== sha256(binding)) return null;
    return { codeVerifier: row.code_verifier };
  }
}
