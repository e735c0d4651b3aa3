import type { Knex } from 'knex';
import type { Logger } from '@rulecord/engine';

export type SecurityEventKind =
  | 'guild.forbidden'
  | 'token.scope'
  | 'csrf.rejected'
  | 'origin.rejected'
  | 'oauth.state'
  | 'session.invalid'
  | 'sandbox.login'
  | 'sandbox.remote'
  | 'token.created'
  | 'token.revoked'
  | 'websocket.origin';

export interface SecurityEvent {
  kind: SecurityEventKind;
  guildId?: string | null;
  actor?: string | null;
  ip?: string | null;
  route?: string | null;
  details?: Record<string, unknown>;
}

/** The security log: refused attempts and credential changes, in `security_log` and in the process log. */
export class SecurityLog {
  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async record(event: SecurityEvent): Promise<void> {
    this.logger.warn(
      { security: event.kind, guildId: event.guildId, actor: event.actor, ip: event.ip, route: event.route },
      `security: ${event.kind}`,
    );
    await this.db('security_log').insert({
      guild_id: event.guildId ?? null,
      kind: event.kind,
      actor: event.actor ?? null,
      ip: event.ip ?? null,
      route: event.route ?? null,
      details: JSON.stringify(event.details ?? {}),
      created_at: new Date(this.now()),
    });
  }
}
