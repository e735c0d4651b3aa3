/** Seeded synthetic `message.create` events: mostly ordinary chat, with shouting, spam, scams, invites and raids mixed in. */
import type { RuleEvent } from '../src/model/document.js';
import { BAD_WORDS, guildWorld, rng, type GuildWorld, type MessagePayload } from './automod.js';

const WORDS = (
  'the a to and of you i it is that in this for on lol what just so are have be with my like me but not was do can ' +
  'get if all no your we they about one up out yeah game play server who know time good think new how now here ' +
  'going really see people want would them there make some when from will any did been has more well only back'
).split(' ');
const EMOJI = ['😀', '😂', '🔥', '👍', '🎉', '💀', '😭'];
const DOMAINS = [
  'youtube.com',
  'github.com',
  'imgur.com',
  'twitter.com',
  'tenor.com',
  'bit.ly',
  'grabify.link',
  'reddit.com',
];
const DAY = 86_400_000;
export const BENCH_START = Date.UTC(2026, 0, 1);

export interface BenchEvents {
  worlds: GuildWorld[];
  events: RuleEvent<MessagePayload>[];
}

export function makeEvents(count: number, guilds: number, seed = 42): BenchEvents {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)] as T;
  const worlds = Array.from({ length: guilds }, (_, i) => guildWorld(i));
  // 200 members per guild; 3% bots; account ages from hours to years; roles mostly "member".
  const members = worlds.map((w) =>
    Array.from({ length: 200 }, (_, i) => {
      const roles = [w.roles[0] as string];
      const x = r();
      if (x < 0.6) roles.push(w.roles[1] as string);
      if (x < 0.15) roles.push(w.roles[2] as string);
      if (x < 0.03) roles.push(w.roles[3] as string);
      if (x < 0.01) roles.push(w.roles[4] as string);
      if (r() < 0.01) roles.push(w.roles[5] as string);
      const ageDays = r() < 0.08 ? r() * 10 : 10 + r() * 2000;
      return {
        id: `${w.guildId.slice(0, 12)}u${String(i).padStart(5, '0')}`,
        bot: r() < 0.03,
        createdAt: BENCH_START - ageDays * DAY,
        joinedAt: BENCH_START - r() * 100 * DAY,
        roles,
      };
    }),
  );
  const events: RuleEvent<MessagePayload>[] = [];
  let at = BENCH_START;
  // A raid: a user posting a burst of messages in a row.
  let burst: { g: number; m: number; left: number } | null = null;
  for (let i = 0; i < count; i++) {
    at += 1 + int(18); // ~100 events/s of event time overall
    let g = int(guilds);
    let m = int(200);
    if (burst) {
      g = burst.g;
      m = burst.m;
      if (--burst.left === 0) burst = null;
    } else if (r() < 0.002) burst = { g, m, left: 5 + int(15) };
    const w = worlds[g] as GuildWorld;
    const member = (members[g] as (typeof members)[number])[m] as (typeof members)[number][number];
    const n = 2 + int(14);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(pick(WORDS));
    const kind = r();
    if (kind < 0.04) parts.splice(int(parts.length), 0, pick(BAD_WORDS));
    else if (kind < 0.05) parts.push('FREE N1TRO at', `https://${pick(DOMAINS)}/x`);
    else if (kind < 0.07) parts.push(`discord.gg/${Math.floor(r() * 1e6).toString(36)}`);
    else if (kind < 0.13) parts.push(`https://${pick(DOMAINS)}/${int(1e6)}`);
    else if (kind < 0.14) for (let k = 0; k < 3; k++) parts.push(`https://${pick(DOMAINS)}/${k}`);
    else if (kind < 0.16) for (let k = 0; k < 12; k++) parts.push(pick(EMOJI));
    else if (kind < 0.165) parts.push('lorem ipsum dolor sit amet '.repeat(70));
    else if (kind < 0.18) parts.unshift(pick(['!', '?', '$']) + pick(['rank', 'help', 'play']));
    let content = parts.join(' ');
    if (r() < 0.06) content = content.toUpperCase();
    const mentionUsers = r() < 0.1 ? Array.from({ length: r() < 0.1 ? 3 + int(8) : 1 }, () => `u${int(200)}`) : [];
    events.push({
      id: `e${i}`,
      guildId: w.guildId,
      type: 'message.create',
      at,
      payload: {
        messageId: `m${i}`,
        channelId: r() < 0.5 ? (w.channels[0] as string) : pick(w.channels),
        content,
        author: { id: member.id, bot: member.bot, createdAt: member.createdAt },
        member: { roles: member.roles, joinedAt: member.joinedAt },
        mentions: { users: mentionUsers, roles: r() < 0.02 ? [w.roles[1] as string] : [], everyone: r() < 0.005 },
        attachments: r() < 0.1 ? 1 + int(3) : 0,
      },
    });
  }
  return { worlds, events };
}
