import type { ErrorCodeInfo } from '../errors/codes.js';

/**
 * Every `RC_…` code the ports (state, timers, clock, discord recorder) emit. Append only; never reuse or rename a
 * code. Kept apart from `ENGINE_ERROR_CODES` (errors/codes.ts, another owner) until it is merged there.
 */
export const PORT_ERROR_CODES = [
  // ── State (engine/src/state) ─────────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_STATE_BAD_KEY',
    kind: 'bug',
    summary:
      'A state key part (prefix, guild id, feature or key) is empty, too long, has a control character, or a guild id/feature contains ":".',
    fix: 'Build keys only through the guild handle with non-empty parts; ":" separates parts and may appear only in the last one.',
  },
  {
    code: 'RC_STATE_BAD_ARGUMENT',
    kind: 'bug',
    summary: 'A TTL, window, max or counter step given to the state store is not a valid number.',
    fix: 'Pass positive whole milliseconds for TTLs and windows, a non-negative max, and an integer step.',
  },
  {
    code: 'RC_STATE_WRONG_TYPE',
    kind: 'bug',
    summary: 'One state key was used both as a string/counter and as a sliding window.',
    fix: 'Use one key for one kind of value.',
  },
  {
    code: 'RC_STATE_KEY_PREFIX',
    kind: 'bug',
    summary: 'The Redis connection handed to RedisStateStore has an ioredis keyPrefix.',
    fix: 'Pass a connection without keyPrefix and use the store’s `prefix` option.',
  },
  // ── Timers (engine/src/timers) ───────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_TIMER_BAD_CRON',
    kind: 'user',
    summary: 'A cron expression cannot be read.',
    fix: 'Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * MON"; an optional seconds field may come first.',
  },
  {
    code: 'RC_TIMER_BAD_TIMEZONE',
    kind: 'user',
    summary: 'The time zone of a cron timer is not an IANA time zone name.',
    fix: 'Use a name such as "Europe/Paris" or "America/New_York", or leave it out for UTC.',
  },
  {
    code: 'RC_TIMER_BAD_FIELD',
    kind: 'bug',
    summary: 'A timer has an empty or over-long id, guild id or kind, or a due time that is not epoch milliseconds.',
    fix: 'Give every timer a deterministic id, its guild id, a kind, and Math.round(ms) as dueAt.',
  },
  {
    code: 'RC_TIMER_VIRTUAL_CLOCK',
    kind: 'bug',
    summary: 'An InProcessScheduler in virtual mode was given a clock it cannot move.',
    fix: 'Pass `clock: new VirtualClock(start)` together with `virtual: true`.',
  },
  {
    code: 'RC_TIMER_NOT_VIRTUAL',
    kind: 'bug',
    summary: 'advance() was called on a scheduler that runs on real time.',
    fix: 'Construct the InProcessScheduler with `virtual: true` and a VirtualClock.',
  },
  {
    code: 'RC_TIMER_NOT_STARTED',
    kind: 'bug',
    summary: 'advance() was called before start(handler).',
    fix: 'Call `await scheduler.start(handler)` first.',
  },
  {
    code: 'RC_TIMER_REENTRANT_ADVANCE',
    kind: 'bug',
    summary: 'advance() was called while another advance() was running, e.g. from inside a timer handler.',
    fix: 'Schedule a timer from the handler instead of advancing the clock.',
  },
  // ── Discord recorder (engine/src/discord) ────────────────────────────────────────────────────────────────────
  {
    code: 'RC_DISCORD_BAD_GUILD',
    kind: 'bug',
    summary: 'A Discord port was asked for a guild with an empty id.',
    fix: 'Pass the guild id of the event or rule set.',
  },
  {
    code: 'RC_DISCORD_UNKNOWN_MEMBER',
    kind: 'user',
    summary: 'An action names a member who is not in the guild.',
    fix: 'Use the id of a member of the guild (in a rule test: add the member to `world.members`).',
  },
  {
    code: 'RC_DISCORD_UNKNOWN_CHANNEL',
    kind: 'user',
    summary: 'An action names a channel that does not exist in the guild.',
    fix: 'Use the id of an existing channel (in a rule test: add it to `world.channels`).',
  },
  {
    code: 'RC_DISCORD_UNKNOWN_ROLE',
    kind: 'user',
    summary: 'An action names a role that does not exist in the guild.',
    fix: 'Use the id of an existing role (in a rule test: add it to `world.roles`).',
  },
] as const satisfies readonly ErrorCodeInfo[];
