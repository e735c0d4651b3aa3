export { isEmbedded, openDatabase } from './open.js';
export type { Database, OpenDatabaseOptions } from './open.js';
export {
  coreMigrationsDir,
  listMigrations,
  migrateDown,
  migrateDownWhenUnlocked,
  migrateUp,
  migrateUpWhenUnlocked,
  migrationFolders,
  migrationSource,
  migrationStatus,
} from './migrate.js';
export type { MigrateOptions, MigrationFile, MigrationFolder, MigrationLockWait, MigrationStatus } from './migrate.js';
export {
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  readMigrationLock,
  releaseMigrationLock,
  withMigrationSession,
} from './migration-lock.js';
export type { MigrationLockHolder, MigrationLockState } from './migration-lock.js';
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
