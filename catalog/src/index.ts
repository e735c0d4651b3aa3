// The one public entry of @rulecord/catalog: every built-in module, listed by hand (STYLE.md habit 4).
import { coreModule, createRegistry } from '@rulecord/engine';
import type { ModuleDefinition, Registry } from '@rulecord/engine';
import { interactionModule } from './modules/interaction/index.js';
import { memberModule } from './modules/member/index.js';
import { messageModule } from './modules/message/index.js';
import { moderationModule } from './modules/moderation/index.js';
import { scheduleModule } from './modules/schedule/index.js';
import { spamModule } from './modules/spam/index.js';

/** Every built-in module, in the order the reference lists them. */
export const modules: readonly ModuleDefinition[] = [
  messageModule,
  memberModule,
  spamModule,
  moderationModule,
  interactionModule,
  scheduleModule,
];

/**
 * The registry of a standard deployment: the engine's core module (`state.*`, `event.emit`, `timer.fired`…) plus
 * every catalog module, plus `extra` modules (a plugin, a test module).
 *
 * @example
 * const registry = createCatalogRegistry();
 * registry.action('member.timeout')?.description;
 */
export function createCatalogRegistry(extra: readonly ModuleDefinition[] = []): Registry {
  return createRegistry([coreModule, ...modules, ...extra]);
}

export { interactionModule, memberModule, messageModule, moderationModule, scheduleModule, spamModule };
export {
  catalogTimerEvents,
  checkSchedules,
  nextOccurrence,
  removedScheduleIds,
  scheduleTickEvent,
  scheduleTimerId,
  scheduleTimers,
  SCHEDULE_TIMER_KIND,
} from './modules/schedule/timers.js';
export type { ScheduleSettings } from './modules/schedule/settings.js';
export { CATALOG_ERROR_CODES, catalogError } from './errors.js';
export type { CatalogErrorCode } from './errors.js';
