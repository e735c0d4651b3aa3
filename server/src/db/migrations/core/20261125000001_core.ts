// Core tables. Append-only: never edit a migration that has shipped; add a new file with a later timestamp.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('guilds', (t) => {
    t.text('id').primary(); // Discord snowflake, kept as text
    t.text('name').notNullable().defaultTo('');
    t.text('tier').notNullable().defaultTo('free');
    t.jsonb('settings').notNullable().defaultTo(knex.raw(`'{}'::jsonb`));
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`tier in ('free', 'premium')`, [], 'guilds_tier_check');
  });

  await knex.schema.createTable('rule_set_versions', (t) => {
    t.text('guild_id').notNullable().references('id').inTable('guilds').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.jsonb('document').notNullable();
    t.text('author').notNullable();
    t.text('message').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['guild_id', 'version']);
    t.check('version >= 1', [], 'rule_set_versions_version_check');
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.text('guild_id').notNullable().references('id').inTable('guilds').onDelete('CASCADE');
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('target').nullable();
    t.jsonb('before').nullable();
    t.jsonb('after').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['guild_id', 'created_at'], 'audit_log_guild_created_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('rule_set_versions');
  await knex.schema.dropTable('guilds');
}
