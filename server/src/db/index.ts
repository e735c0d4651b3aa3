export { openDatabase } from './open.js';
export type { Database, OpenDatabaseOptions } from './open.js';
export {
  coreMigrationsDir,
  listMigrations,
  migrateDown,
  migrateUp,
  migrateUpWhenUnlocked,
  migrationFolders,
  migrationSource,
  migrationStatus,
} from './migrate.js';
export type { MigrateOptions, MigrationFile, MigrationFolder, MigrationStatus } from './migrate.js';
export { forGuild } from './guild-scope.js';
export type { GuildDatabase } from './guild-scope.js';
export {
  appendRuleSetVersion,
  getGuild,
  getRuleSetVersion,
  listAudit,
  listRuleSetVersions,
  recordAudit,
  upsertGuild,
} from './core.js';
export type { AuditRow, GuildRow, RuleSetVersionRow } from './core.js';
