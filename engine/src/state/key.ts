import { RulecordError } from '../errors/error.js';

/** The default prefix of every state key: `bot:{guildId}:{feature}:{key}`. */
export const DEFAULT_STATE_PREFIX = 'bot';

const MAX_PART = 256;
// Control characters would make keys unreadable in redis-cli and logs; `:` would let one guild address another's keys.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkPart(kind: 'prefix' | 'guild id' | 'feature' | 'key', value: unknown, allowColon: boolean): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RulecordError(
      'RC_STATE_BAD_KEY',
      `State ${kind} must be a non-empty string, got ${JSON.stringify(value)}`,
      {
        kind: 'bug',
        fix: `Pass a non-empty ${kind} to the guild-scoped state handle.`,
        details: { part: kind, value },
      },
    );
  }
  if (value.length > MAX_PART) {
    throw new RulecordError(
      'RC_STATE_BAD_KEY',
      `State ${kind} is ${value.length} characters long (at most ${MAX_PART})`,
      {
        kind: 'bug',
        fix: `Shorten the ${kind}, e.g. hash long user-supplied parts.`,
        details: { part: kind, value },
      },
    );
  }
  if (!allowColon && value.includes(':')) {
    throw new RulecordError('RC_STATE_BAD_KEY', `State ${kind} ${JSON.stringify(value)} contains ':'`, {
      kind: 'bug',
      fix: `':' separates the parts of a state key; remove it from the ${kind}.`,
      details: { part: kind, value },
    });
  }
  if (CONTROL.test(value)) {
    throw new RulecordError('RC_STATE_BAD_KEY', `State ${kind} ${JSON.stringify(value)} contains a control character`, {
      kind: 'bug',
      fix: `Remove control characters from the ${kind}.`,
      details: { part: kind, value },
    });
  }
}

/**
 * Builds a state key `{prefix}:{guildId}:{feature}:{key}` — the only place such keys are built. The guild id and the
 * feature may not contain `:` (so no guild handle can address another guild's keys); the last part may, since it cannot
 * escape its guild and feature.
 *
 * @example
 * stateKey('bot', '1122', 'cooldown', 'rule-a:user-9'); // 'bot:1122:cooldown:rule-a:user-9'
 */
export function stateKey(prefix: string, guildId: string, feature: string, key: string): string {
  checkPart('prefix', prefix, true);
  checkPart('guild id', guildId, false);
  checkPart('feature', feature, false);
  checkPart('key', key, true);
  return `${prefix}:${guildId}:${feature}:${key}`;
}

/** Checks a guild id as `stateKey` would, so `forGuild` fails at once rather than at the first read. */
/** Checks the `key` part alone (for handles that cache the checked `prefix:guild:feature:` part). */
export function checkKeyPart(key: string): void {
  checkPart('key', key, true);
}

export function checkGuildId(guildId: string): void {
  checkPart('guild id', guildId, false);
}

/** The key prefix shared by every key of one feature of one guild (ends with `:`). */
export function stateFeaturePrefix(prefix: string, guildId: string, feature: string): string {
  checkPart('prefix', prefix, true);
  checkPart('guild id', guildId, false);
  checkPart('feature', feature, false);
  return `${prefix}:${guildId}:${feature}:`;
}

/**
 * Builds one guild's keys, remembering the checked `prefix:guildId:feature:` part of up to 256 features so the hot
 * path only checks the `key` part. Every guild-scoped state handle builds its keys through this.
 */
export class GuildKeys {
  readonly #features = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly guildId: string,
  ) {}

  key(feature: string, key: string): string {
    const base = this.#features.get(feature);
    if (base === undefined) {
      const k = stateKey(this.prefix, this.guildId, feature, key);
      if (this.#features.size < 256)
        this.#features.set(feature, stateFeaturePrefix(this.prefix, this.guildId, feature));
      return k;
    }
    checkKeyPart(key);
    return base + key;
  }

  /** The prefix shared by every key of one feature (ends with `:`). */
  featurePrefix(feature: string): string {
    return stateFeaturePrefix(this.prefix, this.guildId, feature);
  }
}

/** Checks the numeric arguments of windows and TTLs. */
export function checkPositive(name: string, value: number, allowZero = false): void {
  if (!Number.isFinite(value) || (allowZero ? value < 0 : value <= 0)) {
    throw new RulecordError(
      'RC_STATE_BAD_ARGUMENT',
      `State ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, got ${value}`,
      {
        kind: 'bug',
        fix: `Pass a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds/slots as ${name}.`,
        details: { name, value },
      },
    );
  }
}

/**
 * How long a sliding-window key lives after its last hit. Longer than the window itself: expiry only cleans up (old
 * hits are trimmed by their time), and the slack keeps a caller whose `now` runs behind Redis' clock from losing hits
 * that are still inside its window.
 */
export function windowKeyTtl(windowMs: number): number {
  return windowMs + Math.min(windowMs, 60_000) + 1000;
}
