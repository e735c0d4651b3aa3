import { createHash } from 'node:crypto';
import { defineFact, parseDuration } from '@rulecord/engine';
import type { FactContext, JsonObject } from '@rulecord/engine';
import { eventChannelId, eventUserId, settingsWithDefaults } from '../../lib/context.js';
import { MESSAGE_CONTENT_EVENTS } from '../../lib/events.js';
import { durationSchema } from '../../lib/schemas.js';
import { spamSettingsSchema } from './settings.js';
import type { SpamSettings } from './settings.js';

/** The state feature every spam counter lives under: `bot:{guildId}:spam:{key}`. */
export const SPAM_FEATURE = 'spam';

const windowParams = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window: { ...durationSchema, description: 'Overrides the module setting for this condition.' },
  },
} as const;

function windowMs(ctx: FactContext, params: JsonObject | undefined, setting: keyof SpamSettings): number {
  const given = params?.['window'];
  if (typeof given === 'string' || typeof given === 'number') return parseDuration(given);
  return parseDuration(settingsWithDefaults<SpamSettings>(ctx, 'spam', spamSettingsSchema)[setting]);
}

/** Same text, told apart from other texts: case, surrounding and repeated white space do not matter. */
export function contentKey(content: string): string {
  const normal = content.toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha1').update(normal).digest('base64url').slice(0, 16);
}

const count = { type: 'integer', minimum: 0 } as const;
const events = [...MESSAGE_CONTENT_EVENTS];
const lazyNote =
  ' A message is counted when a rule evaluates this fact for it, so put this condition first (or alone) in the rule that watches for spam.';

/**
 * A spam counter: a number per author over a sliding window (the condition's `window`, else the module setting named
 * by `setting`), kept in state. Every counter is the same kind of fact; only what it counts differs. `count` is given
 * the author and the window (read when it is needed), and answers 0 for an event it does not count.
 */
function windowCounter(spec: {
  name: string;
  description: string;
  examples: number[];
  setting: keyof SpamSettings;
  count(ctx: FactContext, user: string, window: () => number): number | Promise<number>;
}) {
  return defineFact<number>({
    name: spec.name,
    description: spec.description + lazyNote,
    schema: count,
    params: windowParams,
    events,
    cost: 'io',
    examples: spec.examples,
    async resolve(ctx, params) {
      const user = eventUserId(ctx);
      if (user === undefined) return 0;
      return spec.count(ctx, user, () => windowMs(ctx, params, spec.setting));
    },
  });
}

export const recentMessages = windowCounter({
  name: 'spam.recentMessages',
  description:
    'How many messages the author posted in the sliding window (this one included), across all channels. `greaterThanInclusive: 5` with a `10s` window is a common flood limit.',
  examples: [1, 6],
  setting: 'window',
  count(ctx, user, window) {
    const ms = window();
    return ctx.state.hit(SPAM_FEATURE, `msg:${ms}:${user}`, ms, ctx.event.at);
  },
});

export const duplicateMessages = windowCounter({
  name: 'spam.duplicateMessages',
  description:
    'How many times the author posted this same text (ignoring case and spacing) in the sliding window, this one included: 1 for a first post. Catches copy-paste spam that is too slow for a flood limit. Empty messages count 0.',
  examples: [1, 3],
  setting: 'duplicateWindow',
  count(ctx, user, window) {
    const content = ctx.event.payload['content'];
    if (typeof content !== 'string' || content.trim() === '') return 0;
    const ms = window();
    return ctx.state.hit(SPAM_FEATURE, `dup:${ms}:${user}:${contentKey(content)}`, ms, ctx.event.at);
  },
});

export const channelsRecent = windowCounter({
  name: 'spam.channelsRecent',
  description:
    'In how many different channels the author posted within the sliding window, this one included. Several channels in a few seconds is the mark of a compromised account spreading scam links. A channel counts from the first message in it until the window has passed since then.',
  examples: [1, 4],
  setting: 'channelWindow',
  async count(ctx, user, window) {
    const channel = eventChannelId(ctx);
    if (channel === undefined) return 0;
    const ms = window();
    // A marker per (user, channel) lives one window; each new marker is one hit in the user's window. Two atomic
    // steps and no read-modify-write, so two messages in two channels at the same instant both count.
    const first = await ctx.state.setIfAbsent(SPAM_FEATURE, `chan:${ms}:${user}:${channel}`, '1', ms);
    const key = `chans:${ms}:${user}`;
    return first
      ? ctx.state.hit(SPAM_FEATURE, key, ms, ctx.event.at)
      : ctx.state.count(SPAM_FEATURE, key, ms, ctx.event.at);
  },
});
