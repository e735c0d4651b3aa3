// Every `rulecord` subcommand, in the order `rulecord help` lists them. Adding a command is ONE line here plus its
// file in this folder (`export default defineCommand({ name: '<name>', ... })`). Commands load lazily, so
// `rulecord fmt` never loads fastify or the database driver.
import type { CommandEntry } from '../command.js';

export const commands: CommandEntry[] = [
  { name: 'start', load: () => import('./start.js') },
  { name: 'api', load: () => import('./api.js') },
  { name: 'bot', load: () => import('./bot.js') },
  { name: 'worker', load: () => import('./worker.js') },
  { name: 'migrate', load: () => import('./migrate.js') },
  { name: 'help', load: () => import('./help.js') },
  { name: 'validate', load: () => import('./validate.js') },
  { name: 'fmt', load: () => import('./fmt.js') },
  { name: 'compile', load: () => import('./compile.js') },
  { name: 'test', load: () => import('./test.js') },
  { name: 'schema', load: () => import('./schema.js') },
  { name: 'token', load: () => import('./token.js') },
  { name: 'plan', load: () => import('./plan.js') },
  { name: 'apply', load: () => import('./apply.js') },
  { name: 'pull', load: () => import('./pull.js') },
];
