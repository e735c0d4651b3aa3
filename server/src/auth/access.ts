/** Discord permission bits that let a user manage a guild in Rulecord. */
export const ADMINISTRATOR = 1n << 3n;
export const MANAGE_GUILD = 1n << 5n;

/** A guild as Discord's `GET /users/@me/guilds` lists it for the signed-in user. */
export interface UserGuild {
  id: string;
  name: string;
  icon?: string | null;
  owner?: boolean;
  /** The user's permissions in the guild, a decimal string of a 64-bit (or wider) bit set. */
  permissions?: string;
}

/** Parses Discord's permission string as a BigInt; anything that is not a non-negative decimal integer grants nothing. */
export function parsePermissions(permissions: unknown): bigint {
  if (typeof permissions !== 'string' || !/^[0-9]{1,40}$/.test(permissions)) return 0n;
  return BigInt(permissions);
}

/**
 * The access rule: a user may manage a guild when they own it or hold ADMINISTRATOR or MANAGE_GUILD there, AND the
 * bot is in that guild.
 *
 * @example canManageGuild({ id: '1', name: 'x', owner: false, permissions: '32' }, true) // true (MANAGE_GUILD)
 */
export function canManageGuild(guild: UserGuild | undefined, botInGuild: boolean): boolean {
  if (!guild || !botInGuild) return false;
  if (guild.owner === true) return true;
  const bits = parsePermissions(guild.permissions);
  return (bits & ADMINISTRATOR) !== 0n || (bits & MANAGE_GUILD) !== 0n;
}
