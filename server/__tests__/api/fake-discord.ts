// A small fake of Discord's OAuth2 and REST endpoints on 127.0.0.1, over real HTTP, for the login flow tests.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  id: string;
  username: string;
  guilds: { id: string; name: string; owner: boolean; permissions?: string }[];
  /** Discord's display name; default the username, `null` when the user has none. */
  globalName?: string | null;
}

export interface FakeDiscord {
  url: string;
  apiBaseUrl: string;
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
  botToken: string;
  /** Guilds the bot is in. */
  botGuilds: Set<string>;
  /** What Discord's authorize page does when `user` clicks "Authorize": a code bound to the PKCE challenge. */
  authorize(authorizeUrl: string, user: FakeUser): { code: string; state: string; redirectUri: string };
  /** Requests seen, for assertions ("PKCE verifier was sent", "no token exchange happened"). */
  requests: { method: string; path: string; body: string }[];
  setUser(user: FakeUser): void;
  close(): Promise<void>;
}

const b64url = (b: Buffer) => b.toString('base64url');

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const clientId = '123456789012345678';
  const clientSecret = 'fake-client-secret';
  const botToken = 'fake.bot.token.' + b64url(randomBytes(12));
  const codes = new Map<string, { challenge: string; userId: string; redirectUri: string }>();
  const tokens = new Map<string, string>(); // access token -> user id
  const users = new Map<string, FakeUser>();
  const botGuilds = new Set<string>();
  const requests: FakeDiscord['requests'] = [];

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
    });

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
    const auth = req.headers.authorization ?? '';
    if (req.method === 'POST' && url.pathname === '/api/v10/oauth2/token') {
      const form = new URLSearchParams(body);
      const entry = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
        return json(res, 401, { error: 'invalid_client' });
      if (!entry) return json(res, 400, { error: 'invalid_grant' });
      const verifier = form.get('code_verifier') ?? '';
      if (b64url(createHash('sha256').update(verifier).digest()) !== entry.challenge)
        return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE' });
      if (form.get('redirect_uri') !== entry.redirectUri)
        return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri' });
      const access = b64url(randomBytes(18));
      tokens.set(access, entry.userId);
      return json(res, 200, {
        access_token: access,
        token_type: 'Bearer',
        expires_in: 604800,
        refresh_token: 'r',
        scope: 'identify guilds',
      });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/api/v10/users/@me')) {
      const userId = tokens.get(auth.replace(/^Bearer /, ''));
      const user = userId === undefined ? undefined : users.get(userId);
      if (!user) return json(res, 401, { message: '401: Unauthorized' });
      if (url.pathname === '/api/v10/users/@me')
        return json(res, 200, {
          id: user.id,
          username: user.username,
          global_name: user.globalName === undefined ? user.username : user.globalName,
          avatar: null,
        });
      if (url.pathname === '/api/v10/users/@me/guilds')
        return json(
          res,
          200,
          user.guilds.map((g) => ({ ...g, icon: null, features: [] })),
        );
    }
    const guild = /^\/api\/v10\/guilds\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && guild) {
      if (auth !== `Bot ${botToken}`) return json(res, 401, { message: '401: Unauthorized' });
      return botGuilds.has(guild[1]!)
        ? json(res, 200, { id: guild[1], name: 'g' })
        : json(res, 404, { message: 'Unknown Guild', code: 10004 });
    }
    json(res, 404, { message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    apiBaseUrl: `${base}/api/v10`,
    authorizeUrl: `${base}/oauth2/authorize`,
    clientId,
    clientSecret,
    botToken,
    botGuilds,
    requests,
    setUser: (user) => users.set(user.id, user),
    authorize(authorizeUrl, user) {
      users.set(user.id, user);
      const u = new URL(authorizeUrl);
      if (u.searchParams.get('client_id') !== clientId) throw new Error('wrong client_id');
      if (u.searchParams.get('code_challenge_method') !== 'S256') throw new Error('no PKCE');
      if (u.searchParams.get('scope') !== 'identify guilds') throw new Error('wrong scope');
      const code = b64url(randomBytes(12));
      const redirectUri = u.searchParams.get('redirect_uri') ?? '';
      codes.set(code, { challenge: u.searchParams.get('code_challenge') ?? '', userId: user.id, redirectUri });
      return { code, state: u.searchParams.get('state') ?? '', redirectUri };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
