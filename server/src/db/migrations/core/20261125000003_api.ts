// HTTP API and authentication tables (owner: api). Append-only: change them with a later migration.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Studio sessions; the cookie's JWT names `id`. Revocation (logout) is a timestamp, so it takes effect at once.
  await knex.schema.createTable('sessions', (t) => {
    t.text('id').primary();
    t.text('user_id').notNullable();
    t.text('user_name').notNullable().defaultTo('');
    t.text('avatar').nullable();
    t.boolean('sandbox').notNullable().defaultTo(false);
    t.text('discord_token').nullable(); // AES-256-GCM sealed Discord access token
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['user_id'], 'sessions_user_idx');
  });

  // Pending OAuth logins: single-use state (hashed) bound to the browser (hash of a cookie), with the PKCE verifier.
  await knex.schema.createTable('oauth_states', (t) => {
    t.text('state_hash').primary();
    t.text('binding_hash').notNullable();
    t.text('code_verifier').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.text('id').primary();
    t.text('guild_id').notNullable().references('id').inTable('guilds').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('scope').notNullable();
    t.text('token_hash').notNullable().unique();
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['guild_id'], 'api_tokens_guild_idx');
    t.check(`scope in ('read', 'write')`, [], 'api_tokens_scope_check');
  });

  // Refused attempts and credential changes. guild_id is null for events outside a guild (a bad OAuth state).
  await knex.schema.createTable('security_log', (t) => {
    t.bigIncrements('id').primary();
    t.text('guild_id').nullable();
    t.text('kind').notNullable();
    t.text('actor').nullable();
    t.text('ip').nullable();
    t.text('route').nullable();
    t.jsonb('details').notNullable().defaultTo(knex.raw(`'{}'::jsonb`));
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['guild_id', 'created_at'], 'security_log_guild_created_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('security_log');
  await knex.schema.dropTable('api_tokens');
  await knex.schema.dropTable('oauth_states');
  await knex.schema.dropTable('sessions');
}
