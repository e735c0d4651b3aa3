// Authentication and authorization (owner: api): the access rule, sessions, OAuth, API tokens, security log.
export { ADMINISTRATOR, MANAGE_GUILD, canManageGuild, parsePermissions } from './access.js';
export type { UserGuild } from './access.js';
export { GuildAccess, ACCESS_CACHE_MS, actorOf } from './guild-access.js';
export type { Principal, GuildAccessOptions } from './guild-access.js';
export { ApiTokenStore, TOKEN_SCOPES, looksLikeApiToken } from './tokens.js';
export type { ApiTokenRecord, TokenScope } from './tokens.js';
export { SessionStore, OAuthStateStore } from './sessions.js';
export type { SessionRecord } from './sessions.js';
export { SecurityLog } from './security-log.js';
export type { SecurityEvent, SecurityEventKind } from './security-log.js';
export { DiscordOAuthClient, discordBotGuildCheck } from './discord.js';
