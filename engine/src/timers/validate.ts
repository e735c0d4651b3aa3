import { RulecordError } from '../errors/error.js';
import type { NewTimer } from './port.js';
import { nextCronOccurrence } from './cron.js';

/** Checks a timer before it is stored: ids present, a finite due time, a valid cron and time zone. */
export function checkNewTimer(timer: NewTimer): void {
  for (const field of ['id', 'guildId', 'kind'] as const) {
    const value = timer[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
      throw new RulecordError(
        'RC_TIMER_BAD_FIELD',
        `Timer ${field} must be a non-empty string of at most 512 characters, got ${JSON.stringify(value)}`,
        {
          kind: 'bug',
          fix: `Give every timer a deterministic ${field}.`,
          details: { field, timer: { id: timer.id, guildId: timer.guildId } },
        },
      );
    }
  }
  if (!Number.isSafeInteger(timer.dueAt) || timer.dueAt < 0) {
    throw new RulecordError(
      'RC_TIMER_BAD_FIELD',
      `Timer dueAt must be epoch milliseconds (a non-negative integer), got ${timer.dueAt}`,
      {
        kind: 'bug',
        fix: 'Pass Math.round(ms) of the due time.',
        details: { field: 'dueAt', timer: { id: timer.id, guildId: timer.guildId } },
      },
    );
  }
  if (timer.cron !== undefined && timer.cron !== null) nextCronOccurrence(timer.cron, timer.timezone, timer.dueAt);
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return (error.message || error.name).slice(0, 2000);
  return String(error).slice(0, 2000);
}
