import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/system.js';
import { RulecordError } from '../errors/error.js';
import type {
  ChannelInfo,
  DiscordPort,
  GuildDiscord,
  GuildInfo,
  MemberInfo,
  MessageContent,
  RecordedCall,
  RoleInfo,
} from './port.js';

/**
 * The simulated guild a `RecordingDiscord` starts from. A list that is given is a closed world (an id not in it is
 * unknown, as Discord would say); a list that is left out is an open world (any id exists on first use).
 */
export interface WorldSpec {
  guild?: Partial<GuildInfo>;
  members?: (Partial<MemberInfo> & { id: string; accountAgeDays?: number })[];
  channels?: (Partial<ChannelInfo> & { id: string })[];
  roles?: (Partial<RoleInfo> & { id: string })[];
}

/** A message the world knows: sent by the bot, or fed in with `addMessage` (e.g. the message of a simulated event). */
export interface WorldMessage {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  embeds: MessageContent['embeds'];
  components: MessageContent['components'];
  reactions: string[];
  createdAt: number;
  editedAt: number | null;
}

/** One guild's state inside the recorder. */
export interface GuildWorld {
  guild: GuildInfo;
  members: Map<string, MemberInfo>;
  channels: Map<string, ChannelInfo>;
  roles: Map<string, RoleInfo>;
  /** By channel id, then message id, in send order. */
  messages: Map<string, Map<string, WorldMessage>>;
  /** Direct messages by user id. */
  directMessages: Map<string, MessageContent[]>;
  bans: Map<string, { reason: string | null }>;
  interactionReplies: { interactionId: string; message: MessageContent }[];
  readonly closed: { members: boolean; channels: boolean; roles: boolean };
}

const DAY = 86_400_000;
const READS = new Set<string>(['guild', 'member', 'channel', 'role']);
/** The bot's own user id in the simulated world. */
export const BOT_USER_ID = 'rulecord-bot';

/**
 * A `DiscordPort` over an in-memory world that records every call in order (`calls`) and keeps the world consistent:
 * `addRole` really adds the role, `sendMessage` returns a fresh id and stores the message, `kick` removes the member,
 * `member()` answers from the world. The simulator and rule tests use it; nothing talks to Discord.
 *
 * @example
 * const discord = new RecordingDiscord({ members: [{ id: 'u1', roles: ['member'], accountAgeDays: 400 }], roles: [{ id: 'member' }, { id: 'muted' }] });
 * await discord.forGuild('g1').addRole('u1', 'muted');
 * (await discord.forGuild('g1').member('u1'))?.roles; // ['member', 'muted']
 * discord.calls; // [{ guildId: 'g1', method: 'addRole', args: ['u1', 'muted'], at: … }, { … method: 'member' … }]
 */
export class RecordingDiscord implements DiscordPort {
  readonly calls: RecordedCall[] = [];
  readonly clock: Clock;
  readonly #spec: WorldSpec;
  readonly #worlds = new Map<string, GuildWorld>();
  #seq = 0;

  constructor(world: WorldSpec = {}, clock: Clock = new SystemClock()) {
    this.#spec = structuredClone(world);
    this.clock = clock;
  }

  forGuild(guildId: string): GuildDiscord {
    if (typeof guildId !== 'string' || guildId.length === 0) {
      throw new RulecordError(
        'RC_DISCORD_BAD_GUILD',
        `A guild id must be a non-empty string, got ${JSON.stringify(guildId)}`,
        { kind: 'bug' },
      );
    }
    return new RecordingGuild(this, guildId);
  }

  /** The calls that change something (every call but the reads guild/member/channel/role), in order. */
  actions(guildId?: string): RecordedCall[] {
    return this.calls.filter((c) => !READS.has(c.method) && (guildId === undefined || c.guildId === guildId));
  }

  /** Forgets the recorded calls (the world stays as it is). */
  clear(): void {
    this.calls.length = 0;
  }

  /** The live world of one guild (created from the spec on first use). */
  world(guildId: string): GuildWorld {
    let world = this.#worlds.get(guildId);
    if (world === undefined) {
      world = this.#build(guildId);
      this.#worlds.set(guildId, world);
    }
    return world;
  }

  /** Puts a message into the world (e.g. the one a simulated `message.create` carries), so delete/purge/react act on it. */
  addMessage(
    guildId: string,
    message: { id: string; channelId: string; authorId: string; content?: string; createdAt?: number },
  ): void {
    const world = this.world(guildId);
    channelMessages(world, message.channelId).set(message.id, {
      id: message.id,
      channelId: message.channelId,
      authorId: message.authorId,
      content: message.content ?? '',
      embeds: undefined,
      components: undefined,
      reactions: [],
      createdAt: message.createdAt ?? this.clock.now(),
      editedAt: null,
    });
  }

  /** @internal */
  nextId(kind: 'm' | 'c' | 'dm'): string {
    this.#seq += 1;
    return `${kind}${this.#seq}`;
  }

  #build(guildId: string): GuildWorld {
    const now = this.clock.now();
    const spec = this.#spec;
    const members = new Map<string, MemberInfo>();
    const roles = new Map<string, RoleInfo>();
    for (const [i, r] of (spec.roles ?? []).entries())
      roles.set(r.id, {
        id: r.id,
        name: r.name ?? r.id,
        position: r.position ?? i + 1,
        ...(r.color === undefined ? {} : { color: r.color }),
      });
    for (const m of spec.members ?? []) {
      const { accountAgeDays, ...info } = m;
      members.set(m.id, {
        ...info,
        id: m.id,
        username: m.username ?? m.id,
        roles: [...new Set(m.roles ?? [])],
        createdAt: m.createdAt ?? now - (accountAgeDays ?? 365) * DAY,
        joinedAt: m.joinedAt ?? now - 30 * DAY,
        communicationDisabledUntil: m.communicationDisabledUntil ?? null,
      });
      if (spec.roles === undefined)
        for (const r of m.roles ?? []) if (!roles.has(r)) roles.set(r, { id: r, name: r, position: roles.size + 1 });
    }
    const channels = new Map<string, ChannelInfo>();
    for (const c of spec.channels ?? [])
      channels.set(c.id, { id: c.id, name: c.name ?? c.id, type: c.type ?? 'text', parentId: c.parentId ?? null });
    return {
      guild: {
        id: guildId,
        name: spec.guild?.name ?? 'Sandbox',
        ownerId: spec.guild?.ownerId ?? spec.members?.[0]?.id ?? 'owner',
        memberCount: spec.guild?.memberCount ?? members.size,
      },
      members,
      channels,
      roles,
      messages: new Map(),
      directMessages: new Map(),
      bans: new Map(),
      interactionReplies: [],
      closed: {
        members: spec.members !== undefined,
        channels: spec.channels !== undefined,
        roles: spec.roles !== undefined,
      },
    };
  }
}

function channelMessages(world: GuildWorld, channelId: string): Map<string, WorldMessage> {
  let messages = world.messages.get(channelId);
  if (messages === undefined) {
    messages = new Map();
    world.messages.set(channelId, messages);
  }
  return messages;
}

const UNKNOWN_CODES = {
  member: 'RC_DISCORD_UNKNOWN_MEMBER',
  channel: 'RC_DISCORD_UNKNOWN_CHANNEL',
  role: 'RC_DISCORD_UNKNOWN_ROLE',
} as const;

function unknown(what: 'member' | 'channel' | 'role', id: string, guildId: string): RulecordError {
  return new RulecordError(UNKNOWN_CODES[what], `Unknown ${what} ${JSON.stringify(id)} in guild ${guildId}`, {
    kind: 'user',
    fix: `Use the id of an existing ${what}, or add it to the simulated world (world.${what}s).`,
    details: { guildId, [`${what}Id`]: id },
  });
}

class RecordingGuild implements GuildDiscord {
  constructor(
    readonly recorder: RecordingDiscord,
    readonly guildId: string,
  ) {}

  get #world(): GuildWorld {
    return this.recorder.world(this.guildId);
  }

  async #record<T>(method: RecordedCall['method'], args: unknown[], run: () => T): Promise<T> {
    const call: RecordedCall = {
      guildId: this.guildId,
      method,
      args: structuredClone(args.filter((a, i) => a !== undefined || i < args.length - 1)),
      at: this.recorder.clock.now(),
    };
    this.recorder.calls.push(call);
    try {
      return run();
    } catch (error) {
      if (error instanceof RulecordError) call.error = error.code;
      throw error;
    }
  }

  #member(userId: string): MemberInfo {
    const world = this.#world;
    let member = world.members.get(userId);
    if (member === undefined) {
      if (world.closed.members) throw unknown('member', userId, this.guildId);
      member = {
        id: userId,
        username: userId,
        roles: [],
        createdAt: this.recorder.clock.now() - 365 * DAY,
        joinedAt: this.recorder.clock.now() - 30 * DAY,
        communicationDisabledUntil: null,
      };
      world.members.set(userId, member);
      world.guild.memberCount += 1;
    }
    return member;
  }

  #channel(channelId: string): ChannelInfo {
    const world = this.#world;
    let channel = world.channels.get(channelId);
    if (channel === undefined) {
      if (world.closed.channels) throw unknown('channel', channelId, this.guildId);
      channel = { id: channelId, name: channelId, type: 'text', parentId: null };
      world.channels.set(channelId, channel);
    }
    return channel;
  }

  #role(roleId: string): RoleInfo {
    const world = this.#world;
    let role = world.roles.get(roleId);
    if (role === undefined) {
      if (world.closed.roles) throw unknown('role', roleId, this.guildId);
      role = { id: roleId, name: roleId, position: world.roles.size + 1 };
      world.roles.set(roleId, role);
    }
    return role;
  }

  guild(): Promise<GuildInfo> {
    return this.#record('guild', [], () => ({ ...this.#world.guild }));
  }

  member(userId: string): Promise<MemberInfo | null> {
    return this.#record('member', [userId], () => {
      const m = this.#world.members.get(userId);
      if (m === undefined && !this.#world.closed.members && !this.#world.bans.has(userId))
        return structuredClone(this.#member(userId));
      return m === undefined ? null : structuredClone(m);
    });
  }

  channel(channelId: string): Promise<ChannelInfo | null> {
    return this.#record('channel', [channelId], () => {
      const c = this.#world.channels.get(channelId);
      if (c === undefined && !this.#world.closed.channels) return { ...this.#channel(channelId) };
      return c === undefined ? null : { ...c };
    });
  }

  role(roleId: string): Promise<RoleInfo | null> {
    return this.#record('role', [roleId], () => {
      const r = this.#world.roles.get(roleId);
      if (r === undefined && !this.#world.closed.roles) return { ...this.#role(roleId) };
      return r === undefined ? null : { ...r };
    });
  }

  sendMessage(channelId: string, message: MessageContent): Promise<{ messageId: string }> {
    return this.#record('sendMessage', [channelId, message], () => {
      this.#channel(channelId);
      const id = this.recorder.nextId('m');
      channelMessages(this.#world, channelId).set(id, {
        id,
        channelId,
        authorId: BOT_USER_ID,
        content: message.content ?? '',
        embeds: structuredClone(message.embeds),
        components: structuredClone(message.components),
        reactions: [],
        createdAt: this.recorder.clock.now(),
        editedAt: null,
      });
      return { messageId: id };
    });
  }

  editMessage(channelId: string, messageId: string, message: MessageContent): Promise<void> {
    return this.#record('editMessage', [channelId, messageId, message], () => {
      this.#channel(channelId);
      const existing = this.#world.messages.get(channelId)?.get(messageId);
      if (existing !== undefined) {
        if (message.content !== undefined) existing.content = message.content;
        if (message.embeds !== undefined) existing.embeds = structuredClone(message.embeds);
        if (message.components !== undefined) existing.components = structuredClone(message.components);
        existing.editedAt = this.recorder.clock.now();
      }
    });
  }

  deleteMessage(channelId: string, messageId: string, reason?: string): Promise<void> {
    return this.#record('deleteMessage', [channelId, messageId, reason], () => {
      this.#channel(channelId);
      this.#world.messages.get(channelId)?.delete(messageId);
    });
  }

  purge(channelId: string, options: { limit: number; userId?: string }): Promise<number> {
    return this.#record('purge', [channelId, options], () => {
      this.#channel(channelId);
      const messages = this.#world.messages.get(channelId);
      if (messages === undefined) return 0;
      const limit = Math.max(0, Math.min(100, options.limit));
      const victims = [...messages.values()]
        .reverse()
        .filter((m) => options.userId === undefined || m.authorId === options.userId)
        .slice(0, limit);
      for (const m of victims) messages.delete(m.id);
      return victims.length;
    });
  }

  addReaction(channelId: string, messageId: string, emoji: string): Promise<void> {
    return this.#record('addReaction', [channelId, messageId, emoji], () => {
      this.#channel(channelId);
      const message = this.#world.messages.get(channelId)?.get(messageId);
      if (message !== undefined && !message.reactions.includes(emoji)) message.reactions.push(emoji);
    });
  }

  sendDirect(userId: string, message: MessageContent): Promise<{ messageId: string } | null> {
    return this.#record('sendDirect', [userId, message], () => {
      const world = this.#world;
      if (world.closed.members && !world.members.has(userId)) return null; // not reachable: no shared guild
      const dms = world.directMessages.get(userId) ?? [];
      dms.push(structuredClone(message));
      world.directMessages.set(userId, dms);
      return { messageId: this.recorder.nextId('dm') };
    });
  }

  replyInteraction(interactionId: string, token: string, message: MessageContent): Promise<void> {
    return this.#record('replyInteraction', [interactionId, token, message], () => {
      this.#world.interactionReplies.push({ interactionId, message: structuredClone(message) });
    });
  }

  createThread(
    channelId: string,
    options: { name: string; messageId?: string; private?: boolean; autoArchiveMinutes?: number },
  ): Promise<{ channelId: string }> {
    return this.#record('createThread', [channelId, options], () => {
      this.#channel(channelId);
      const id = this.recorder.nextId('c');
      this.#world.channels.set(id, { id, name: options.name, type: 'thread', parentId: channelId });
      return { channelId: id };
    });
  }

  createChannel(options: Parameters<GuildDiscord['createChannel']>[0]): Promise<{ channelId: string }> {
    return this.#record('createChannel', [options], () => {
      if (options.parentId !== undefined) this.#channel(options.parentId);
      const id = this.recorder.nextId('c');
      this.#world.channels.set(id, { id, name: options.name, type: options.type, parentId: options.parentId ?? null });
      return { channelId: id };
    });
  }

  deleteChannel(channelId: string, reason?: string): Promise<void> {
    return this.#record('deleteChannel', [channelId, reason], () => {
      this.#channel(channelId);
      this.#world.channels.delete(channelId);
      this.#world.messages.delete(channelId);
    });
  }

  addRole(userId: string, roleId: string, reason?: string): Promise<void> {
    return this.#record('addRole', [userId, roleId, reason], () => {
      const member = this.#member(userId);
      this.#role(roleId);
      if (!member.roles.includes(roleId)) member.roles.push(roleId);
    });
  }

  removeRole(userId: string, roleId: string, reason?: string): Promise<void> {
    return this.#record('removeRole', [userId, roleId, reason], () => {
      const member = this.#member(userId);
      this.#role(roleId);
      member.roles = member.roles.filter((r) => r !== roleId);
    });
  }

  setNickname(userId: string, nickname: string | null, reason?: string): Promise<void> {
    return this.#record('setNickname', [userId, nickname, reason], () => {
      const member = this.#member(userId);
      if (nickname === null) delete member.displayName;
      else member.displayName = nickname;
    });
  }

  timeout(userId: string, durationMs: number | null, reason?: string): Promise<void> {
    return this.#record('timeout', [userId, durationMs, reason], () => {
      const member = this.#member(userId);
      member.communicationDisabledUntil =
        durationMs === null || durationMs <= 0 ? null : this.recorder.clock.now() + durationMs;
    });
  }

  kick(userId: string, reason?: string): Promise<void> {
    return this.#record('kick', [userId, reason], () => {
      this.#member(userId);
      this.#world.members.delete(userId);
      this.#world.guild.memberCount = Math.max(0, this.#world.guild.memberCount - 1);
    });
  }

  ban(userId: string, options?: { reason?: string; deleteMessageSeconds?: number }): Promise<void> {
    return this.#record('ban', [userId, options], () => {
      const world = this.#world;
      // A ban needs no membership (ban by id); it removes the member when there is one.
      if (world.members.delete(userId)) world.guild.memberCount = Math.max(0, world.guild.memberCount - 1);
      world.bans.set(userId, { reason: options?.reason ?? null });
      const seconds = options?.deleteMessageSeconds ?? 0;
      if (seconds > 0) {
        const since = this.recorder.clock.now() - seconds * 1000;
        for (const messages of world.messages.values())
          for (const m of [...messages.values()])
            if (m.authorId === userId && m.createdAt >= since) messages.delete(m.id);
      }
    });
  }

  unban(userId: string, reason?: string): Promise<void> {
    return this.#record('unban', [userId, reason], () => {
      this.#world.bans.delete(userId);
    });
  }
}
