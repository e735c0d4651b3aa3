import { RulecordError } from '../errors/error.js';
import type { Duration } from './document.js';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Largest units first: `formatDuration` writes them in this order, `parseDuration` requires it. */
const UNITS: readonly Unit[] = ['w', 'd', 'h', 'm', 's', 'ms'];

/**
 * The textual form of a duration, as a regular expression source (used by the JSON Schema too):
 * one or more `<integer><unit>` parts, units `w d h m s ms`, largest first, each at most once (`1h30m`, `2d`, `500ms`).
 * Plain syntax (no lookaround) so RE2 runs it too.
 */
export const DURATION_PATTERN = '^(?:\\d+w)?(?:\\d+d)?(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?(?:\\d+ms)?$';
const PART = /(\d+)(ms|w|d|h|m|s)/g;
const WHOLE = new RegExp(DURATION_PATTERN);

/** The JSON Schema of a `Duration`: a string such as `1h30m`, or a whole number of milliseconds. */
export const durationSchema = {
  type: ['string', 'integer'],
  pattern: DURATION_PATTERN,
  minLength: 2,
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  'x-rulecord-selector': 'duration',
  description: 'A duration: `30s`, `10m`, `1h30m`, `2d`, `1w`, `500ms`, or a whole number of milliseconds.',
  examples: ['30s', '10m', '1h30m', '2d'],
} as const;

function badDuration(value: unknown, why: string): RulecordError {
  return new RulecordError('RC_BAD_DURATION', `${JSON.stringify(value) ?? String(value)} is not a duration: ${why}`, {
    fix: 'Write a duration such as `30s`, `10m`, `1h30m`, `2d` or `1w` (units largest first), or a whole number of milliseconds.',
    details: { value },
  });
}

/**
 * Milliseconds of a duration.
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000
 * parseDuration(250);     // 250
 * @throws RulecordError `RC_BAD_DURATION` when the value is not a duration.
 */
export function parseDuration(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isSafeInteger(d) || d < 0) throw badDuration(d, 'a number of milliseconds must be a whole number ≥ 0');
    return d;
  }
  if (typeof d !== 'string') throw badDuration(d, 'expected a string like `10m` or a number of milliseconds');
  if (d.length === 0 || !WHOLE.test(d)) {
    const hint = /^\d+$/.test(d)
      ? 'a unit is missing'
      : /\s/.test(d)
        ? 'it must not contain spaces'
        : 'use the units w, d, h, m, s, ms, largest first, each at most once';
    throw badDuration(d, hint);
  }
  let total = 0;
  for (const match of d.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  if (!Number.isSafeInteger(total)) throw badDuration(d, 'it is too long');
  return total;
}

/** Whether `d` is a valid duration (never throws). */
export function isDuration(d: unknown): d is Duration {
  if (typeof d !== 'number' && typeof d !== 'string') return false;
  try {
    parseDuration(d);
    return true;
  } catch {
    return false;
  }
}

/**
 * The shortest canonical text of a number of milliseconds; `parseDuration(formatDuration(ms)) === ms`.
 *
 * @example
 * formatDuration(5_400_000); // '1h30m'
 * formatDuration(0);         // '0s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw badDuration(ms, 'a number of milliseconds must be a whole number ≥ 0');
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of UNITS) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
