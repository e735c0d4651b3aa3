import { Cron } from 'croner';
import { RulecordError } from '../errors/error.js';

/**
 * The next occurrence of a cron expression (croner syntax: 5, 6 or 7 fields) strictly after `after`, in `timezone`
 * (UTC when absent). Null when the expression has no further occurrence.
 *
 * @example
 * nextCronOccurrence('0 9 * * MON', 'Europe/Paris', Date.now());
 */
export function nextCronOccurrence(cron: string, timezone: string | null | undefined, after: number): number | null {
  let job: Cron;
  try {
    job = new Cron(cron, { timezone: timezone ?? 'UTC', paused: true });
  } catch (error) {
    throw new RulecordError(
      'RC_TIMER_BAD_CRON',
      `Cron expression ${JSON.stringify(cron)} is not valid: ${(error as Error).message}`,
      {
        fix: 'Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * MON", optionally a seconds field first.',
        details: { cron },
        cause: error,
      },
    );
  }
  try {
    return job.nextRun(new Date(after))?.getTime() ?? null;
  } catch (error) {
    throw new RulecordError(
      'RC_TIMER_BAD_TIMEZONE',
      `Time zone ${JSON.stringify(timezone)} of cron ${JSON.stringify(cron)} is not valid`,
      {
        fix: 'Use an IANA time zone name such as "Europe/Paris" or "America/New_York", or leave it out for UTC.',
        details: { cron, timezone },
        cause: error,
      },
    );
  }
}
