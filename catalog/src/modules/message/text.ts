/**
 * Pure text measures behind the `message.*` facts. Synchronous and allocation-light: they run on every message of
 * every guild, inline in the engine's hot path.
 */

/** Length in code points (an emoji made of a surrogate pair counts once), not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) n--;
    }
  }
  return n;
}

/** Lines of text; `''` has none. */
export function lineCount(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Lower-cased words (letters and digits, inner apostrophes kept: `don't`), in order, repeats kept. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

// Things whose letters are not the author's shouting: custom emoji names, mentions, channel links, URLs.
const NOT_PROSE = /<a?:\w+:\d+>|<[@#][!&]?\d+>|https?:\/\/\S+/g;

/**
 * Share of upper-case letters among the letters that have a case, in [0, 1]; 0 when there are none. Custom emoji,
 * mentions and URLs are left out (`<:PogChamp:1>` is not shouting). Letters without case (CJK, Arabic…) do not
 * count either way.
 */
export function capsRatio(text: string): number {
  const prose = text.includes('<') || text.includes('://') ? text.replace(NOT_PROSE, ' ') : text;
  let upper = 0;
  let cased = 0;
  for (let i = 0; i < prose.length; i++) {
    const c = prose.charCodeAt(i);
    if (c < 128) {
      if (c >= 65 && c <= 90) {
        upper++;
        cased++;
      } else if (c >= 97 && c <= 122) cased++;
      continue;
    }
    const ch = prose[i] as string;
    const lower = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lower === up) continue;
    cased++;
    if (ch === up) upper++;
  }
  return cased === 0 ? 0 : upper / cased;
}

/**
 * Share of characters (code points, white space left out) that repeat the one right before them, in [0, 1):
 * `heyyyyy` → 4/7, `hello` → 1/5, `''` → 0.
 */
export function repeatedCharsRatio(text: string): number {
  let total = 0;
  let repeats = 0;
  let prev: string | undefined;
  for (const ch of text) {
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      prev = undefined;
      continue;
    }
    total++;
    if (ch === prev) repeats++;
    prev = ch;
  }
  return total === 0 ? 0 : repeats / total;
}

const COMBINING = /\p{M}/u;

/** The longest run of combining marks on one base character (zalgo text stacks dozens). */
export function maxCombiningRun(text: string): number {
  let best = 0;
  let run = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    // Fast path: nothing below U+0300 is a combining mark.
    if (code >= 0x300 && COMBINING.test(ch)) {
      run++;
      if (run > best) best = run;
    } else run = 0;
  }
  return best;
}

const URL = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,!?:;)\]}'"*_~|>]+$/;

/** `http(s)://` links in order of appearance, trailing punctuation removed (`(see https://a.b/c).` → `https://a.b/c`). */
export function urls(text: string): string[] {
  if (!text.includes('://')) return [];
  const found = text.match(URL);
  if (found === null) return [];
  const out: string[] = [];
  for (const raw of found) {
    // Keep a closing parenthesis that closes one opened inside the URL (wiki links).
    let url = raw.replace(TRAILING, '');
    if (raw.length > url.length && raw[url.length] === ')' && url.includes('(')) url += ')';
    if (/:\/\/./.test(url)) out.push(url);
  }
  return out;
}

// With or without a scheme, `www.`, and the `discord.gg` / `discord(app).com/invite` forms, also when written with
// spaces around the dot or the slash to slip past filters (`discord . gg / abc`).
const INVITE =
  /(?:https?:\/\/)?(?:www\.)?(?:discord\s*\.\s*gg|discord(?:app)?\s*\.\s*com\s*\/\s*invite)\s*\/\s*([a-z0-9-]{2,32})/gi;

/** Discord invite codes (`discord.gg/abc`, `discord.com/invite/abc`, `discordapp.com/invite/abc`), unique, in order. */
export function invites(text: string): string[] {
  if (!/discord/i.test(text)) return [];
  const codes: string[] = [];
  for (const match of text.matchAll(INVITE)) {
    const code = match[1] as string;
    if (!codes.includes(code)) codes.push(code);
  }
  return codes;
}

const CUSTOM_EMOJI = /<a?:\w{2,32}:\d+>/g;
const UNICODE_EMOJI =
  /\p{RI}\p{RI}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}[\uFE0F\p{EMod}]*(?:\u200D\p{Extended_Pictographic}[\uFE0F\p{EMod}]*)*/gu;

/** Emoji: custom ones (`<:name:id>`, animated too) plus unicode ones, a ZWJ sequence or a flag counting once. */
export function emojiCount(text: string): number {
  let n = 0;
  if (text.includes('<')) n += text.match(CUSTOM_EMOJI)?.length ?? 0;
  // Fast path: pure ASCII text has no unicode emoji except keycaps, which need U+20E3.
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 127) return n + (text.match(UNICODE_EMOJI)?.length ?? 0);
  }
  return n;
}

const USER_MENTION = /<@!?(\d+)>/g;
const ROLE_MENTION = /<@&(\d+)>/g;

/** Ids mentioned in the text as `<@id>` / `<@!id>` (users) and `<@&id>` (roles), unique, in order. */
export function mentionsInText(text: string): { users: string[]; roles: string[] } {
  if (!text.includes('<@')) return { users: [], roles: [] };
  const users = [...new Set(Array.from(text.matchAll(USER_MENTION), (m) => m[1] as string))];
  const roles = [...new Set(Array.from(text.matchAll(ROLE_MENTION), (m) => m[1] as string))];
  return { users, roles };
}

/** Whether the text tries to ping everyone (`@everyone` or `@here`), whether or not the author may. */
export function mentionsEveryone(text: string): boolean {
  return text.includes('@everyone') || text.includes('@here');
}
