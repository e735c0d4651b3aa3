/**
 * Everything a catalog module may ask of Discord. The bot implements it with discord.js; the simulator implements it
 * with a recorder over an in-memory world. Modules never talk to Discord any other way, which is what makes every
 * rule testable without Discord. All calls are scoped to one guild (`forGuild`).
 */
export interface DiscordPort {
  forGuild(guildId: string): GuildDiscord;
}

export interface MessageContent {
  content?: string;
  embeds?: Embed[];
  components?: ComponentRow[];
  /** Mentions allowed to ping; by default none ping (`@everyone` never does unless listed). */
  allowedMentions?: { users?: string[]; roles?: string[]; everyone?: boolean };
  replyTo?: string;
  /** Ephemeral only makes sense for interaction replies. */
  ephemeral?: boolean;
}

export interface Embed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  image?: { url: string };
  thumbnail?: { url: string };
  author?: { name: string; url?: string; iconUrl?: string };
  timestamp?: string;
}

export interface ComponentRow {
  buttons?: {
    customId?: string;
    url?: string;
    label: string;
    style?: 'primary' | 'secondary' | 'success' | 'danger' | 'link';
    emoji?: string;
    disabled?: boolean;
  }[];
  select?: {
    customId: string;
    placeholder?: string;
    min?: number;
    max?: number;
    options: { label: string; value: string; description?: string; emoji?: string }[];
  };
}

export interface MemberInfo {
  id: string;
  username: string;
  displayName?: string;
  bot?: boolean;
  roles: string[];
  joinedAt?: number;
  createdAt?: number;
  /** Epoch ms until which the member is timed out, if any. */
  communicationDisabledUntil?: number | null;
}

export interface ChannelInfo {
  id: string;
  name: string;
  type: 'text' | 'voice' | 'category' | 'thread' | 'forum' | 'announcement' | 'stage';
  parentId?: string | null;
}

export interface RoleInfo {
  id: string;
  name: string;
  position: number;
  color?: number;
}

export interface GuildInfo {
  id: string;
  name: string;
  ownerId: string;
  memberCount: number;
}

export interface GuildDiscord {
  readonly guildId: string;
  guild(): Promise<GuildInfo>;
  member(userId: string): Promise<MemberInfo | null>;
  channel(channelId: string): Promise<ChannelInfo | null>;
  role(roleId: string): Promise<RoleInfo | null>;

  sendMessage(channelId: string, message: MessageContent): Promise<{ messageId: string }>;
  editMessage(channelId: string, messageId: string, message: MessageContent): Promise<void>;
  deleteMessage(channelId: string, messageId: string, reason?: string): Promise<void>;
  /** Deletes up to 100 recent messages, optionally only one author's. Returns how many were deleted. */
  purge(channelId: string, options: { limit: number; userId?: string }): Promise<number>;
  addReaction(channelId: string, messageId: string, emoji: string): Promise<void>;
  sendDirect(userId: string, message: MessageContent): Promise<{ messageId: string } | null>;
  replyInteraction(interactionId: string, token: string, message: MessageContent): Promise<void>;
  createThread(
    channelId: string,
    options: { name: string; messageId?: string; private?: boolean; autoArchiveMinutes?: number },
  ): Promise<{ channelId: string }>;
  createChannel(options: {
    name: string;
    type: 'text' | 'voice';
    parentId?: string;
    topic?: string;
    permissionOverwrites?: { id: string; type: 'role' | 'member'; allow?: string[]; deny?: string[] }[];
  }): Promise<{ channelId: string }>;
  deleteChannel(channelId: string, reason?: string): Promise<void>;

  addRole(userId: string, roleId: string, reason?: string): Promise<void>;
  removeRole(userId: string, roleId: string, reason?: string): Promise<void>;
  setNickname(userId: string, nickname: string | null, reason?: string): Promise<void>;
  timeout(userId: string, durationMs: number | null, reason?: string): Promise<void>;
  kick(userId: string, reason?: string): Promise<void>;
  ban(userId: string, options?: { reason?: string; deleteMessageSeconds?: number }): Promise<void>;
  unban(userId: string, reason?: string): Promise<void>;
}

/** One call the recorder saw, in order. */
export interface RecordedCall {
  guildId: string;
  method: Exclude<keyof GuildDiscord, 'guildId'>;
  args: unknown[];
  at: number;
  /** The error code when the call failed (unknown member, channel…). Added by engine-ports (additive). */
  error?: string;
}
