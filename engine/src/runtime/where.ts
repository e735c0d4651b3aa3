import type { Condition, IdFilter, Json, JsonObject, WhereFilter } from '../model/document.js';
import type { WhereCheck } from '../trace/model.js';

/**
 * Event payload conventions the router relies on (docs/rules.md, "Event payloads"): the user an event is about is
 * `userId` (or `author.id` / `user.id` / `member.id`), its channel `channelId`, the member's roles `member.roles`
 * (or `roles`), and whether a bot caused it `bot` (or `author.bot` / `user.bot` / `member.bot`).
 */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export function eventUserId(payload: JsonObject): string | undefined {
  return (
    str(payload.userId) ??
    str(payload.authorId) ??
    str(obj(payload.author)?.id) ??
    str(obj(payload.user)?.id) ??
    str(obj(payload.member)?.id)
  );
}

export function eventChannelId(payload: JsonObject): string | undefined {
  return str(payload.channelId) ?? str(obj(payload.channel)?.id);
}

/** The member's role ids: the payload's own list when it holds only strings (most events: nothing is copied). */
export function eventRoles(payload: JsonObject): readonly string[] {
  const roles = obj(payload.member)?.roles ?? payload.roles;
  if (!Array.isArray(roles)) return NO_ROLES;
  for (let i = 0; i < roles.length; i++)
    if (typeof roles[i] !== 'string') return roles.filter((r): r is string => typeof r === 'string');
  return roles as string[];
}
const NO_ROLES: readonly string[] = Object.freeze([]);

export function eventIsBot(payload: JsonObject): boolean {
  const b = payload.bot ?? obj(payload.author)?.bot ?? obj(payload.user)?.bot ?? obj(payload.member)?.bot;
  return b === true;
}

// The bot check runs for every message rule: its two possible records are shared (traces never mutate them).
const BOT_PASSED: WhereCheck = Object.freeze({ filter: 'bots', expected: false, actual: false, result: true });
const BOT_REFUSED: WhereCheck = Object.freeze({ filter: 'bots', expected: false, actual: true, result: false });

/** The key a limit or a concurrency lock uses for `per`. */
export function limitKey(per: 'user' | 'channel' | 'guild', payload: JsonObject): string {
  if (per === 'guild') return 'guild';
  const id = per === 'user' ? eventUserId(payload) : eventChannelId(payload);
  return `${per}:${id ?? '-'}`;
}

/** What `where` reads of an event, computed once per event (every rule of the event is checked against it). */
export interface WhereSubject {
  type: string;
  payload: JsonObject;
  /** Bots are skipped by default on `message.*` events. */
  skipsBots: boolean;
  isBot: boolean;
  channelId: string | undefined;
  userId: string | undefined;
  /** Read on first use. */
  roles: readonly string[] | undefined;
}

export function whereSubject(type: string, payload: JsonObject): WhereSubject {
  return {
    type,
    payload,
    skipsBots: type.startsWith('message.'),
    isBot: eventIsBot(payload),
    channelId: eventChannelId(payload),
    userId: eventUserId(payload),
    roles: undefined,
  };
}

/**
 * Pseudo-facts a compiled `where` reads (never visible to rules: `@` is not a fact name a document can write).
 * `skippedBot`: a bot caused this message event (the default filter); `bot`: a bot caused the event.
 */
export const WHERE_FACTS = {
  skippedBot: '@where.skippedBot',
  bot: '@where.bot',
  channel: '@where.channel',
  user: '@where.user',
  roles: '@where.roles',
} as const;

/**
 * A `where` filter as a condition over `WHERE_FACTS`, compiled into the rule set's `ConditionSet` so that one event
 * checks each distinct filter once (the bot check every message rule makes, a staff-role list five rules share).
 * Same answers as `checkWhereOn` (a property test holds them together); `checkWhereOn` still writes the trace's checks.
 * `null` when the filter lets every event through.
 */
export function whereCondition(where: WhereFilter | undefined): Condition | null {
  const all: Condition[] = [];
  const bots = where?.bots;
  if (bots === undefined) all.push({ fact: WHERE_FACTS.skippedBot, operator: 'equal', value: false });
  else if (bots === false) all.push({ fact: WHERE_FACTS.bot, operator: 'equal', value: false });
  const ids = (fact: string, filter: IdFilter | undefined): void => {
    if (filter?.in) all.push({ fact, operator: 'in', value: filter.in });
    if (filter?.notIn) all.push({ fact, operator: 'notIn', value: filter.notIn });
  };
  ids(WHERE_FACTS.channel, where?.channel);
  ids(WHERE_FACTS.user, where?.user);
  const roles = where?.roles;
  if (roles?.any) all.push({ fact: WHERE_FACTS.roles, operator: 'containsAny', value: roles.any });
  if (roles?.all) all.push({ fact: WHERE_FACTS.roles, operator: 'containsAll', value: roles.all });
  if (roles?.none) all.push({ fact: WHERE_FACTS.roles, operator: 'containsNone', value: roles.none });
  return all.length === 0 ? null : { all };
}

/** What a compiled `where` reads: `WHERE_FACTS` of one event. */
export function whereValue(subject: WhereSubject, name: string): unknown {
  switch (name) {
    case WHERE_FACTS.skippedBot:
      return subject.skipsBots && subject.isBot;
    case WHERE_FACTS.bot:
      return subject.isBot;
    case WHERE_FACTS.channel:
      return subject.channelId;
    case WHERE_FACTS.user:
      return subject.userId;
    case WHERE_FACTS.roles:
      return (subject.roles ??= eventRoles(subject.payload));
  }
  return undefined;
}

/**
 * Checks a `where` filter against an event. Cheap and synchronous: it reads the payload only, never a fact or a port.
 * `checks` (when given) receives each check made, the first refusal last.
 */
export function checkWhere(
  where: WhereFilter | undefined,
  type: string,
  payload: JsonObject,
  checks: WhereCheck[] | null,
): boolean {
  return checkWhereOn(where, whereSubject(type, payload), checks);
}

export function checkWhereOn(
  where: WhereFilter | undefined,
  subject: WhereSubject,
  checks: WhereCheck[] | null,
): boolean {
  const bots = where?.bots;
  // Bots are skipped on message events unless the rule asks for them; `bots: false` skips them everywhere.
  if (bots === false || (bots === undefined && subject.skipsBots)) {
    const isBot = subject.isBot;
    checks?.push(isBot ? BOT_REFUSED : BOT_PASSED);
    if (isBot) return false;
  }
  if (!where) return true;
  if (where.channel) {
    const ch = subject.channelId;
    const ok = idMatches(where.channel, ch);
    checks?.push({ filter: 'channel', expected: where.channel as unknown as Json, actual: ch ?? null, result: ok });
    if (!ok) return false;
  }
  if (where.user) {
    const user = subject.userId;
    const ok = idMatches(where.user, user);
    checks?.push({ filter: 'user', expected: where.user as unknown as Json, actual: user ?? null, result: ok });
    if (!ok) return false;
  }
  if (where.roles) {
    const roles = (subject.roles ??= eventRoles(subject.payload));
    const { any, all, none } = where.roles;
    const ok =
      (any === undefined || someIn(any, roles)) &&
      (all === undefined || everyIn(all, roles)) &&
      (none === undefined || !someIn(none, roles));
    checks?.push({ filter: 'roles', expected: where.roles as unknown as Json, actual: roles as Json, result: ok });
    if (!ok) return false;
  }
  return true;
}

function someIn(wanted: readonly string[], roles: readonly string[]): boolean {
  for (let i = 0; i < wanted.length; i++) if (roles.includes(wanted[i] as string)) return true;
  return false;
}

function everyIn(wanted: readonly string[], roles: readonly string[]): boolean {
  for (let i = 0; i < wanted.length; i++) if (!roles.includes(wanted[i] as string)) return false;
  return true;
}

function idMatches(filter: { in?: string[]; notIn?: string[] }, id: string | undefined): boolean {
  if (filter.in && (id === undefined || !filter.in.includes(id))) return false;
  if (filter.notIn && id !== undefined && filter.notIn.includes(id)) return false;
  return true;
}
