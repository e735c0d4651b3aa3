import { ApiError } from '../api/errors.js';
import type { UserGuild } from './access.js';

export const DEFAULT_DISCORD_API = 'https://discord.com/api/v10';
export const DEFAULT_DISCORD_AUTHORIZE = 'https://discord.com/oauth2/authorize';

export interface DiscordOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Where Discord sends the browser back: `<PUBLIC_URL>/api/auth/callback`. */
  redirectUri: string;
  /** REST base (token exchange, users, guilds). Configurable so tests run against a local fake Discord. */
  apiBaseUrl?: string;
  authorizeUrl?: string;
}

export interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
}

export interface TokenGrant {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new ApiError('RC_API_DEPENDENCY_DOWN', `Discord is unreachable (${new URL(url).host}); retry later.`, {
      cause,
    });
  }
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (res.status === 401)
    throw new ApiError('RC_API_UNAUTHENTICATED', `Discord refused the credentials for ${what}; sign in again.`);
  if (res.status === 429) {
    const after = res.headers.get('retry-after') ?? '1';
    throw new ApiError('RC_API_RATE_LIMITED', `Discord rate-limited ${what}; retry in ${after}s.`, {
      headers: { 'retry-after': String(Math.ceil(Number(after) || 1)) },
    });
  }
  if (!res.ok) throw new ApiError('RC_API_DISCORD', `Discord answered ${res.status} to ${what}.`);
  return (await res.json()) as T;
}

/** The few Discord OAuth2 / REST calls the API makes, against configurable base URLs. */
export class DiscordOAuthClient {
  readonly apiBaseUrl: string;
  readonly authorizeBase: string;
  constructor(private readonly options: DiscordOAuthOptions) {
    this.apiBaseUrl = (options.apiBaseUrl ?? DEFAULT_DISCORD_API).replace(/\/+$/, '');
    this.authorizeBase = options.authorizeUrl ?? DEFAULT_DISCORD_AUTHORIZE;
  }

  authorizeUrl(state: string, codeChallenge: string): string {
    const url = new URL(this.authorizeBase);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('scope', 'identify guilds');
    url.searchParams.set('redirect_uri', this.options.redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('prompt', 'none');
    return url.toString();
  }

  async exchangeCode(code: string, codeVerifier: string): Promise<TokenGrant> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.options.redirectUri,
      code_verifier: codeVerifier,
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    });
    const res = await call(`${this.apiBaseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
    if (res.status === 400 || res.status === 401)
      throw new ApiError(
        'RC_API_OAUTH_STATE',
        'Discord refused the authorization code (expired, reused or PKCE mismatch); sign in again.',
      );
    return json<TokenGrant>(res, 'the token exchange');
  }

  async me(accessToken: string): Promise<DiscordUser> {
    const res = await call(`${this.apiBaseUrl}/users/@me`, { headers: { authorization: `Bearer ${accessToken}` } });
    return json<DiscordUser>(res, 'GET /users/@me');
  }

  async guilds(accessToken: string): Promise<UserGuild[]> {
    const res = await call(`${this.apiBaseUrl}/users/@me/guilds`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return json<UserGuild[]>(res, 'GET /users/@me/guilds');
  }
}

/** Whether the bot is in a guild, asked of Discord with the bot token (`GET /guilds/:id`: 200 yes, 403/404 no). */
export function discordBotGuildCheck(
  botToken: string,
  apiBaseUrl = DEFAULT_DISCORD_API,
): (guildId: string) => Promise<boolean> {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return async (guildId) => {
    if (!/^[0-9]{1,25}$/.test(guildId)) return false;
    const res = await call(`${base}/guilds/${guildId}`, { headers: { authorization: `Bot ${botToken}` } });
    if (res.ok) return true;
    if (res.status === 403 || res.status === 404) return false;
    await json(res, 'GET /guilds/:id (bot)');
    return false;
  };
}
