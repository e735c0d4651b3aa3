/**
 * TEMPORARY stand-in for the ports helper's `RecordingDiscord` (engine/src/discord/), so the simulator works before it
 * lands. Same constructor shape: `new RecordingDiscord(world, clock)`, `.calls`.
 */
import type { Clock } from '../clock/clock.js';
import type {
  ChannelInfo,
  DiscordPort,
  GuildDiscord,
  GuildInfo,
  MemberInfo,
  RecordedCall,
  RoleInfo,
} from '../discord/port.js';

export interface WorldSpec {
  guild?: Partial<GuildInfo>;
  members?: (Partial<MemberInfo> & { id: string; accountAgeDays?: number })[];
  channels?: (Partial<ChannelInfo> & { id: string })[];
  roles?: (Partial<RoleInfo> & { id: string })[];
}

export class StandInRecordingDiscord implements DiscordPort {
  readonly calls: RecordedCall[] = [];
  private seq = 0;
  constructor(
    readonly world: WorldSpec = {},
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  forGuild(guildId: string): GuildDiscord {
    const world = this.world;
    const rec = (method: RecordedCall['method'], args: unknown[]): void => {
      this.calls.push({ guildId, method, args, at: this.clock.now() });
    };
    const next = (): string => `sim-${++this.seq}`;
    const member = (id: string): MemberInfo | null => {
      const m = world.members?.find((x) => x.id === id);
      if (!m) return null;
      const createdAt = m.createdAt ?? (m.accountAgeDays !== undefined ? this.clock.now() - m.accountAgeDays * 86_400_000 : undefined);
      return {
        id: m.id,
        username: m.username ?? m.id,
        roles: m.roles ?? [],
        ...(m.displayName !== undefined ? { displayName: m.displayName } : {}),
        ...(m.bot !== undefined ? { bot: m.bot } : {}),
        ...(m.joinedAt !== undefined ? { joinedAt: m.joinedAt } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
      };
    };
    return {
      guildId,
      guild: () =>
        Promise.resolve({
          id: guildId,
          name: world.guild?.name ?? 'Sandbox',
          ownerId: world.guild?.ownerId ?? 'owner',
          memberCount: world.guild?.memberCount ?? world.members?.length ?? 0,
        }),
      member: (id) => Promise.resolve(member(id)),
      channel: (id) => {
        const c = world.channels?.find((x) => x.id === id);
        return Promise.resolve(c ? { id: c.id, name: c.name ?? c.id, type: c.type ?? 'text', parentId: c.parentId ?? null } : null);
      },
      role: (id) => {
        const r = world.roles?.find((x) => x.id === id);
        return Promise.resolve(r ? { id: r.id, name: r.name ?? r.id, position: r.position ?? 0 } : null);
      },
      sendMessage: (...args) => (rec('sendMessage', args), Promise.resolve({ messageId: next() })),
      editMessage: (...args) => (rec('editMessage', args), Promise.resolve()),
      deleteMessage: (...args) => (rec('deleteMessage', args), Promise.resolve()),
      purge: (...args) => (rec('purge', args), Promise.resolve(0)),
      addReaction: (...args) => (rec('addReaction', args), Promise.resolve()),
      sendDirect: (...args) => (rec('sendDirect', args), Promise.resolve({ messageId: next() })),
      replyInteraction: (...args) => (rec('replyInteraction', args), Promise.resolve()),
      createThread: (...args) => (rec('createThread', args), Promise.resolve({ channelId: next() })),
      createChannel: (...args) => (rec('createChannel', args), Promise.resolve({ channelId: next() })),
      deleteChannel: (...args) => (rec('deleteChannel', args), Promise.resolve()),
      addRole: (...args) => (rec('addRole', args), Promise.resolve()),
      removeRole: (...args) => (rec('removeRole', args), Promise.resolve()),
      setNickname: (...args) => (rec('setNickname', args), Promise.resolve()),
      timeout: (...args) => (rec('timeout', args), Promise.resolve()),
      kick: (...args) => (rec('kick', args), Promise.resolve()),
      ban: (...args) => (rec('ban', args), Promise.resolve()),
      unban: (...args) => (rec('unban', args), Promise.resolve()),
    };
  }
}
