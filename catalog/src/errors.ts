import { RulecordError } from '@rulecord/engine';
import type { ErrorCodeInfo } from '@rulecord/engine';

/**
 * Every `RC_CATALOG_…` code the catalog's modules raise. Append new codes; never rename or reuse one. A test keeps
 * this list, the code and catalog/README.md in sync.
 */
export const CATALOG_ERROR_CODES = [
  {
    code: 'RC_CATALOG_NO_TARGET',
    kind: 'user',
    summary:
      'An action has nothing to act on: its parameter (`user`, `channel`, `message`) is not set and the event does not carry one (e.g. `member.kick` on `schedule.tick`, `interaction.reply` on `message.create`).',
    fix: 'Set the parameter explicitly, or use the action on an event that carries what it needs.',
  },
  {
    code: 'RC_CATALOG_TIMEOUT_TOO_LONG',
    kind: 'user',
    summary: 'A timeout (`member.timeout` or a moderation escalation step) is longer than the 28 days Discord allows.',
    fix: 'Use a duration of at most `28d`, or `member.ban` for longer.',
  },
  {
    code: 'RC_CATALOG_BAN_DELETE_TOO_LONG',
    kind: 'user',
    summary: '`member.ban`’s `deleteMessages` reaches further back than the 7 days Discord allows.',
    fix: 'Use a duration of at most `7d`.',
  },
  {
    code: 'RC_CATALOG_SCHEDULE_INVALID',
    kind: 'user',
    summary:
      'A schedule of `modules.schedule.schedules` cannot be read (its cron expression or time zone), never fires (`0 0 31 2 *`), or fires more than once a minute.',
    fix: 'Write 5 cron fields that match a real date (`0 9 * * 1` = Mondays 09:00) and an IANA time zone such as `Europe/Berlin`.',
  },
  {
    code: 'RC_CATALOG_SCHEDULE_DUPLICATE',
    kind: 'user',
    summary: 'Two schedules of `modules.schedule.schedules` have the same id.',
    fix: 'Give every schedule its own id.',
  },
] as const satisfies readonly ErrorCodeInfo[];

export type CatalogErrorCode = (typeof CATALOG_ERROR_CODES)[number]['code'];

/**
 * A `RulecordError` with a catalog code: its kind comes from the list, its fix from the list unless a more precise one
 * is given.
 */
export function catalogError(
  code: CatalogErrorCode,
  message: string,
  options: { fix?: string; details?: Record<string, unknown> } = {},
): RulecordError {
  const info = CATALOG_ERROR_CODES.find((c) => c.code === code) as ErrorCodeInfo;
  return new RulecordError(code, message, {
    kind: info.kind,
    fix: options.fix ?? info.fix,
    ...(options.details ? { details: options.details } : {}),
  });
}
