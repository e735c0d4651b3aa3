/**
 * The benchmark's automod world: a module with the facts a real automod needs (caps ratio, mentions, invites, URLs,
 * account age, a message rate on the StateStore) and no-op actions, a generator of realistic 20-rule sets per guild,
 * and their translation to json-rules-engine. Lives in the bench: the engine never imports the catalog.
 */
import type { Condition, JsonObject, Rule, RuleSetDocument } from '../src/model/document.js';
import { defineAction, defineEvent, defineFact, defineModule, type FactContext } from '../src/model/module.js';
import type { DiscordPort, GuildDiscord } from '../src/discord/port.js';
import type { GuildState } from '../src/state/port.js';

// ───────────────────────────── the event payload ─────────────────────────────

export interface MessagePayload {
  [key: string]: unknown;
  messageId: string;
  channelId: string;
  content: string;
  author: { id: string; bot: boolean; createdAt: number };
  member: { roles: string[]; joinedAt: number };
  mentions: { users: string[]; roles: string[]; everyone: boolean };
  attachments: number;
}

// ───────────────────────────── fact computations (shared by both engines) ─────────────────────────────

const DAY = 86_400_000;

/** Upper-case letters over letters; 0 for fewer than 5 letters (short "OK" is not shouting). */
export function capsRatio(content: string): number {
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c >= 97 && c <= 122) letters++;
    else if (c > 127) {
      const ch = content[i] as string;
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      if (lo !== up) {
        letters++;
        if (ch === up) upper++;
      }
    }
  }
  return letters < 5 ? 0 : upper / letters;
}

const INVITE = /(?:discord(?:app)?\.com\/invite|discord\.gg)\/[a-z0-9-]+/i;
const URL = /\bhttps?:\/\/([a-z0-9.-]+)/gi;

export function hasInvite(content: string): boolean {
  return content.includes('discord') && INVITE.test(content);
}
export function linkDomains(content: string): string[] {
  if (!content.includes('http')) return [];
  const out: string[] = [];
  for (const m of content.matchAll(URL)) out.push((m[1] as string).toLowerCase());
  return out;
}
export function mentionCount(p: MessagePayload): number {
  return p.mentions.users.length + p.mentions.roles.length + (p.mentions.everyone ? 1 : 0);
}
export function accountAgeDays(p: MessagePayload, now: number): number {
  return Math.floor((now - p.author.createdAt) / DAY);
}
export function emojiCount(content: string): number {
  let n = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c >= 0xd83c && c <= 0xd83e) n++;
  }
  return n;
}

export const RATE_FEATURE = 'automod.rate';
/**
 * Messages of the author in the last `windowSec` seconds, this one included (a sliding window on the StateStore):
 * synchronous on a store that offers `hitSync` (in-process), a promise otherwise (Redis).
 */
export function messageRate(
  state: GuildState,
  userId: string,
  windowSec: number,
  now: number,
): number | Promise<number> {
  const key = `${userId}:${windowSec}`;
  return state.hitSync !== undefined
    ? state.hitSync(RATE_FEATURE, key, windowSec * 1000, now)
    : state.hit(RATE_FEATURE, key, windowSec * 1000, now);
}

// ───────────────────────────── the module ─────────────────────────────

const p = (ctx: FactContext) => ctx.event.payload as unknown as MessagePayload;
/**
 * The actions do nothing: they answer directly, as an action with nothing to wait for may (json-rules-engine runs no
 * actions at all; Rulecord still renders, validates, traces and runs each one). BENCH_ASYNC_ACTIONS=1 makes them
 * answer with a promise instead, as an action that calls Discord does.
 */
const noop: () => void | Promise<void> = process.env.BENCH_ASYNC_ACTIONS === '1' ? async () => {} : () => {};
const onMessage = ['message.create'];

export const automodBenchModule = defineModule({
  id: 'automod',
  version: '0.0.0-bench',
  name: 'Automod (benchmark)',
  description: 'The facts and actions the benchmark rule sets use.',
  areas: ['message', 'author', 'spam', 'member'],
  events: [
    defineEvent({
      name: 'message.create',
      description: 'A message was posted (the bench payload: see MessagePayload).',
      payload: { type: 'object', required: ['messageId', 'channelId', 'content', 'author', 'member'] },
    }),
  ],
  facts: [
    defineFact({
      name: 'message.content',
      description: 'Text of the message.',
      schema: { type: 'string' },
      events: onMessage,
      resolve: (ctx) => p(ctx).content,
    }),
    defineFact({
      name: 'message.length',
      description: 'Characters.',
      schema: { type: 'integer' },
      events: onMessage,
      resolve: (ctx) => p(ctx).content.length,
    }),
    defineFact({
      name: 'message.capsRatio',
      description: 'Share of capitals among letters.',
      schema: { type: 'number' },
      events: onMessage,
      resolve: (ctx) => capsRatio(p(ctx).content),
    }),
    defineFact({
      name: 'message.mentionCount',
      description: 'User, role and everyone mentions.',
      schema: { type: 'integer' },
      events: onMessage,
      resolve: (ctx) => mentionCount(p(ctx)),
    }),
    defineFact({
      name: 'message.hasInvite',
      description: 'Contains a Discord invite.',
      schema: { type: 'boolean' },
      events: onMessage,
      resolve: (ctx) => hasInvite(p(ctx).content),
    }),
    defineFact({
      name: 'message.linkDomains',
      description: 'Hosts of the links.',
      schema: { type: 'array', items: { type: 'string' } },
      events: onMessage,
      resolve: (ctx) => linkDomains(p(ctx).content),
    }),
    defineFact({
      name: 'message.emojiCount',
      description: 'Emoji.',
      schema: { type: 'integer' },
      events: onMessage,
      resolve: (ctx) => emojiCount(p(ctx).content),
    }),
    defineFact({
      name: 'author.accountAgeDays',
      description: 'Days since the account was created.',
      schema: { type: 'integer' },
      events: onMessage,
      resolve: (ctx) => accountAgeDays(p(ctx), ctx.event.at),
    }),
    defineFact({
      name: 'author.roles',
      description: 'Role ids of the author.',
      schema: { type: 'array', items: { type: 'string' } },
      events: onMessage,
      resolve: (ctx) => p(ctx).member.roles,
    }),
    defineFact({
      name: 'spam.messageRate',
      description: 'Messages of the author in the last `windowSec` seconds (records this one).',
      schema: { type: 'integer' },
      params: {
        type: 'object',
        properties: { windowSec: { type: 'integer', minimum: 1 } },
        additionalProperties: false,
      },
      events: onMessage,
      cost: 'io',
      resolve: (ctx, params) => messageRate(ctx.state, p(ctx).author.id, Number(params?.windowSec ?? 10), ctx.event.at),
    }),
  ],
  actions: [
    defineAction({
      name: 'message.delete',
      description: 'Deletes the message (no-op in the bench).',
      params: { type: 'object', additionalProperties: false },
      run: noop,
    }),
    defineAction({
      name: 'member.timeout',
      description: 'Times the member out (no-op in the bench).',
      params: {
        type: 'object',
        properties: { user: { type: 'string' }, duration: { type: 'string' }, reason: { type: 'string' } },
        required: ['user'],
        additionalProperties: false,
      },
      run: noop,
    }),
    defineAction({
      name: 'automod.log',
      description: 'Writes to the log channel (no-op in the bench).',
      params: {
        type: 'object',
        properties: { channel: { type: 'string' }, text: { type: 'string' } },
        required: ['text'],
        additionalProperties: false,
      },
      run: noop,
    }),
  ],
});

/** Actions are no-ops in the bench module; nothing reaches Discord. */
export function noDiscord(): DiscordPort {
  const handles = new Map<string, GuildDiscord>();
  return {
    forGuild: (guildId) => {
      let handle = handles.get(guildId);
      if (!handle) {
        handle = new Proxy({ guildId } as GuildDiscord, {
          get: (target, key) =>
            key === 'guildId' || key === 'then'
              ? target[key as 'guildId']
              : () => Promise.reject(new Error(`the bench never calls Discord (${String(key)})`)),
        });
        handles.set(guildId, handle);
      }
      return handle;
    },
  };
}

// ───────────────────────────── the rule sets ─────────────────────────────

export const BAD_WORDS = [
  'idiot',
  'moron',
  'stupid',
  'loser',
  'dumbass',
  'trash',
  'noob',
  'clown',
  'scammer',
  'retard',
  'free nitro',
  'nitro giveaway',
  'steam gift',
  'crypto giveaway',
  'airdrop',
  'double your',
  'click here',
  'onlyfans',
  'sugar daddy',
  'cashapp',
  'kys',
  'stfu',
  'wtf',
  'omfg',
  'bitch',
  'bastard',
  'jerk',
  'dipshit',
  'asshole',
  'prick',
  'nazi',
  'incel',
  'simp',
  'cuck',
  'degenerate',
  'pervert',
  'creep',
  'freak',
  'twat',
  'wanker',
  'bollocks',
  'arse',
  'bugger',
  'tosser',
  'git',
];
/** Obfuscated spellings (RE2), one leaf each: together with the word list about fifty patterns. */
export const BAD_PATTERNS = [
  'f+\\W*r+\\W*e+\\W*e+\\W*n+\\W*[i1!]+\\W*t+\\W*r+\\W*[o0]+',
  '[i1!]+d+[i1!]+[o0]+t+',
  's+c+[a4@]+m+(?:m+e+r+)?',
  'n+[o0]{2,}b+',
  '(?:www\\.)?gr[a4]bify\\.link',
];

/** A tiny seeded PRNG (mulberry32), so every run builds the same world. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GuildWorld {
  guildId: string;
  channels: string[];
  /** [everyone-ish member role, regular, trusted, mod, admin, muted] */
  roles: string[];
  staffChannel: string;
  logChannel: string;
  mediaChannel: string;
}

export function guildWorld(index: number): GuildWorld {
  const g = `9${String(index).padStart(17, '0')}`;
  const channels = Array.from({ length: 10 }, (_, i) => `${g.slice(0, 14)}c${String(i).padStart(3, '0')}`);
  const roles = Array.from({ length: 6 }, (_, i) => `${g.slice(0, 14)}r${String(i).padStart(3, '0')}`);
  return {
    guildId: g,
    channels,
    roles,
    staffChannel: channels[9] as string,
    logChannel: channels[8] as string,
    mediaChannel: channels[7] as string,
  };
}

/** The 20 rules of one guild: a realistic automod, parameters varied per guild. */
export function guildRules(w: GuildWorld, index: number): Rule[] {
  const r = rng(1000 + index);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const [, regular, trusted, mod, admin, muted] = w.roles as [string, string, string, string, string, string];
  const staff = { none: [mod, admin] };
  const notStaffChannel = { notIn: [w.staffChannel, w.logChannel] };
  const log = (text: string) => ({ 'automod.log': { channel: w.logChannel, text } });
  const del = { 'message.delete': {} };
  const timeout = (d: string, reason: string) => ({
    'member.timeout': { user: '{{ event.author.id }}', duration: d, reason },
  });
  const capsThreshold = pick([0.6, 0.7, 0.8]);
  const mentionMax = pick([4, 5, 6]);
  const newDays = pick([3, 7, 14]);
  const rate = pick([5, 6, 8]);
  const words = BAD_WORDS.slice(0, 40 + Math.floor(r() * 6));
  const rules: Rule[] = [
    {
      id: 'no-shouting',
      on: 'message.create',
      where: { channel: notStaffChannel, roles: staff },
      if: {
        all: [
          { fact: 'message.capsRatio', operator: 'greaterThan', value: capsThreshold },
          { fact: 'message.length', operator: 'greaterThanInclusive', value: 12 },
        ],
      },
      then: [del, log('shouting by {{ event.author.id }}')],
    },
    {
      id: 'mass-mentions',
      on: 'message.create',
      where: { roles: staff },
      if: {
        any: [
          { fact: 'message.mentionCount', operator: 'greaterThan', value: mentionMax },
          { fact: 'event.mentions.everyone', operator: 'equal', value: true },
        ],
      },
      then: [del, timeout('10m', 'mass mentions')],
    },
    {
      id: 'invites',
      on: 'message.create',
      where: { channel: notStaffChannel },
      if: {
        all: [
          { fact: 'message.hasInvite', operator: 'equal', value: true },
          { not: { fact: 'author.roles', operator: 'hasRole', value: [trusted, mod, admin] } },
        ],
      },
      then: [del, log('invite from {{ event.author.id }}')],
    },
    {
      id: 'bad-words',
      on: 'message.create',
      where: { roles: staff },
      if: { fact: 'message.content', operator: 'containsAnyWord', value: words },
      then: [del, log('bad word from {{ event.author.id }}')],
    },
    {
      id: 'bad-patterns',
      on: 'message.create',
      where: { roles: staff },
      if: {
        any: BAD_PATTERNS.map((pattern) => ({
          fact: 'message.content',
          operator: 'matches',
          value: { pattern, flags: 'i' },
        })),
      },
      then: [del],
    },
    {
      id: 'new-account-links',
      on: 'message.create',
      if: {
        all: [
          { fact: 'author.accountAgeDays', operator: 'lessThan', value: newDays },
          { fact: 'message.linkDomains', operator: 'lengthGreaterThan', value: 0 },
        ],
      },
      then: [del, log('link from a new account')],
    },
    // bots: true and no filter, so the rate is read (and recorded) on every message, in both engines.
    {
      id: 'message-rate',
      on: 'message.create',
      where: { bots: true },
      if: {
        all: [
          { fact: 'spam.messageRate', params: { windowSec: 10 }, operator: 'greaterThan', value: rate },
          { not: { fact: 'event.author.bot', operator: 'equal', value: true } },
        ],
      },
      then: [timeout('5m', 'spam')],
    },
    {
      id: 'link-spam',
      on: 'message.create',
      where: { channel: { in: [w.channels[0] as string, w.channels[1] as string] } },
      if: {
        any: [
          { fact: 'message.linkDomains', operator: 'lengthGreaterThan', value: 2 },
          {
            all: [
              { fact: 'message.hasInvite', operator: 'equal', value: true },
              { fact: 'author.accountAgeDays', operator: 'lessThan', value: 30 },
            ],
          },
        ],
      },
      then: [del],
    },
    {
      id: 'blocked-domains',
      on: 'message.create',
      if: {
        fact: 'message.linkDomains',
        operator: 'containsAny',
        value: ['grabify.link', 'iplogger.org', 'bit.ly', 'steamcommunity.ru', 'discord-nitro.gift', 'free-nitro.xyz'],
      },
      then: [del, timeout('1h', 'malicious link')],
    },
    {
      id: 'wall-of-text',
      on: 'message.create',
      where: { channel: notStaffChannel },
      if: { fact: 'message.length', operator: 'greaterThan', value: pick([1200, 1500, 1800]) },
      then: [del],
    },
    {
      id: 'emoji-spam',
      on: 'message.create',
      where: { roles: { none: [admin] } },
      if: { fact: 'message.emojiCount', operator: 'greaterThan', value: 10 },
      then: [del],
    },
    { id: 'muted-speaks', on: 'message.create', where: { roles: { any: [muted] } }, then: [del] },
    {
      id: 'media-only',
      on: 'message.create',
      where: { channel: { in: [w.mediaChannel] } },
      if: {
        all: [
          { fact: 'event.attachments', operator: 'equal', value: 0 },
          { not: { fact: 'message.linkDomains', operator: 'lengthGreaterThan', value: 0 } },
        ],
      },
      then: [del],
    },
    {
      id: 'new-member-mentions',
      on: 'message.create',
      if: {
        all: [
          { fact: 'author.accountAgeDays', operator: 'lessThan', value: 2 },
          { fact: 'message.mentionCount', operator: 'greaterThan', value: 1 },
        ],
      },
      then: [del],
    },
    {
      id: 'caps-and-mentions',
      on: 'message.create',
      where: { roles: { none: [regular, trusted] } },
      if: {
        all: [
          { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.5 },
          { fact: 'message.mentionCount', operator: 'greaterThan', value: 2 },
        ],
      },
      then: [del],
    },
    {
      id: 'everyone-ping',
      on: 'message.create',
      where: { roles: staff },
      if: { fact: 'event.mentions.everyone', operator: 'equal', value: true },
      then: [log('@everyone by {{ event.author.id }}')],
    },
    {
      id: 'scam-combo',
      on: 'message.create',
      if: {
        all: [
          { fact: 'message.content', operator: 'containsText', value: ['nitro', 'gift', 'airdrop'] },
          {
            any: [
              { fact: 'message.linkDomains', operator: 'lengthGreaterThan', value: 0 },
              { fact: 'message.hasInvite', operator: 'equal', value: true },
            ],
          },
        ],
      },
      then: [del, timeout('1d', 'scam')],
    },
    {
      id: 'staff-channel-guard',
      on: 'message.create',
      where: { channel: { in: [w.staffChannel] }, roles: staff },
      then: [del],
    },
    {
      id: 'young-account-invite',
      on: 'message.create',
      if: {
        all: [
          { fact: 'author.accountAgeDays', operator: 'between', value: [0, newDays] },
          { fact: 'message.hasInvite', operator: 'equal', value: true },
        ],
      },
      then: [timeout('1h', 'invite from a new account')],
    },
    {
      id: 'command-prefix',
      on: 'message.create',
      where: { channel: { notIn: [w.channels[2] as string] } },
      if: {
        all: [
          { fact: 'message.content', operator: 'startsWith', value: ['!', '?', '$'] },
          { fact: 'message.length', operator: 'lessThan', value: 40 },
        ],
      },
      then: [log('command outside bot channel')],
    },
  ];
  return rules;
}

export function guildDocument(w: GuildWorld, index: number): RuleSetDocument {
  return { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: w.guildId, rules: guildRules(w, index) };
}

// ───────────────────────────── the same rules as one condition each (where → leaves) ─────────────────────────────

/**
 * A rule's `where` and `if` as one condition in json-rules-engine's format, reading `event.*` for the payload: what
 * json-rules-engine evaluates, and what "conditions alone" measures on both sides.
 */
export function fullCondition(rule: Rule): Condition {
  const all: Condition[] = [];
  const w = rule.where;
  if (w?.bots !== true) all.push({ fact: 'event.author.bot', operator: 'notEqual', value: true });
  if (w?.channel?.in) all.push({ fact: 'event.channelId', operator: 'in', value: w.channel.in });
  if (w?.channel?.notIn) all.push({ fact: 'event.channelId', operator: 'notIn', value: w.channel.notIn });
  if (w?.roles?.any) all.push({ fact: 'event.member.roles', operator: 'containsAny', value: w.roles.any });
  if (w?.roles?.all) all.push({ fact: 'event.member.roles', operator: 'containsAll', value: w.roles.all });
  if (w?.roles?.none) all.push({ fact: 'event.member.roles', operator: 'containsNone', value: w.roles.none });
  if (rule.if) all.push(rule.if);
  return { all };
}

/** json-rules-engine reads the payload as one fact `event` with a path; our `event.a.b` becomes `{ fact: event, path: a.b }`. */
export function toJre(condition: Condition, jsonPath = false): unknown {
  const c = condition as unknown as Record<string, unknown>;
  if (Array.isArray(c.all)) return { all: c.all.map((x) => toJre(x as Condition, jsonPath)) };
  if (Array.isArray(c.any)) return { any: c.any.map((x) => toJre(x as Condition, jsonPath)) };
  if (c.not !== undefined) return { not: toJre(c.not as Condition, jsonPath) };
  const fact = c.fact as string;
  const out: JsonObject = { ...(c as JsonObject) };
  if (fact.startsWith('event.')) {
    out.fact = 'event';
    out.path = fact.slice(6) + (typeof c.path === 'string' ? `.${c.path}` : '');
  }
  // json-rules-engine's default resolver reads JSONPath; our paths here are plain identifiers, so `$.` + path is the same.
  if (jsonPath && typeof out.path === 'string') out.path = `$.${out.path}`;
  return out;
}
