import type { RoleDefinition, RoleName } from '../role.js';

/** Every role's file, loaded only when the process runs it. */
export const roleLoaders: Record<RoleName, () => Promise<{ default: RoleDefinition }>> = {
  api: () => import('./api.js'),
  bot: () => import('./bot.js'),
  worker: () => import('./worker.js'),
};
