import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { pkceChallenge, randomToken, safeEqual } from '../../../auth/crypto.js';
import {
  SANDBOX_USER_ID,
  checkOrigin,
  clearSessionCookie,
  isLoopback,
  resolvePrincipal,
  routeOf,
  setSessionCookie,
  type ApiContext,
} from '../../context.js';
import { ApiError } from '../../errors.js';
import { limit, type RouteOptions } from '../shared.js';

async function startSession(
  ctx: ApiContext,
  app: FastifyInstance,
  reply: FastifyReply,
  input: Parameters<ApiContext['sessions']['create']>[0],
) {
  const session = await ctx.sessions.create(input);
  const jwt = app.jwt.sign({ sid: session.id, sub: session.userId });
  setSessionCookie(ctx, reply, jwt);
  return session;
}

/** Studio sign-in: Discord OAuth2 (authorization code + PKCE + browser-bound single-use state), sandbox, logout. */
export const authRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/auth/config',
    { config: limit(ctx, 'read'), schema: { summary: 'How this server signs people in', tags: ['auth'] } },
    async () => ({
      oauth: ctx.discord !== null,
      sandbox: ctx.discord === null,
      sandboxGuildId: ctx.discord === null ? ctx.sandboxGuildId : null,
    }),
  );

  // The two OAuth endpoints are GETs because the protocol makes them navigations; they create only a pending login
  // (login) or this browser's own session (callback), both bound to this browser by the binding cookie.
  app.get(
    '/auth/login',
    { config: limit(ctx, 'auth'), schema: { summary: 'Start Discord sign-in (redirects to Discord)', tags: ['auth'] } },
    async (_request, reply) => {
      if (!ctx.discord)
        throw new ApiError(
          'RC_API_NOT_FOUND',
          'Discord sign-in is not configured on this server; use POST /api/auth/sandbox from this machine.',
        );
      const binding = randomToken(32);
      const { state, codeVerifier } = await ctx.oauthStates.create(binding);
      void reply.setCookie(ctx.cookies.oauth, binding, {
        path: '/',
        httpOnly: true,
        secure: ctx.secure,
        sameSite: 'lax',
        maxAge: 600,
      });
      return reply.redirect(ctx.discord.authorizeUrl(state, pkceChallenge(codeVerifier)), 302);
    },
  );

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(
    '/auth/callback',
    {
      config: limit(ctx, 'auth'),
      schema: {
        summary: 'Discord sends the browser back here',
        tags: ['auth'],
        querystring: {
          type: 'object',
          properties: {
            code: { type: 'string', maxLength: 512 },
            state: { type: 'string', maxLength: 512 },
            error: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      if (!ctx.discord) throw new ApiError('RC_API_NOT_FOUND', 'Discord sign-in is not configured on this server.');
      const { code, state, error } = request.query;
      const binding = request.cookies[ctx.cookies.oauth];
      void reply.clearCookie(ctx.cookies.oauth, { path: '/', httpOnly: true, secure: ctx.secure, sameSite: 'lax' });
      const refuse = async (reason: string) => {
        await ctx.securityLog.record({
          kind: 'oauth.state',
          ip: request.ip,
          route: routeOf(request),
          details: { reason },
        });
        return new ApiError(
          'RC_API_OAUTH_STATE',
          `Sign-in failed: ${reason}. Start again from the studio's sign-in button.`,
        );
      };
      if (!state) throw await refuse('the callback has no state');
      const pending = await ctx.oauthStates.take(state, binding);
      if (!pending) throw await refuse('the state is unknown, already used, expired or was started in another browser');
      if (error || !code) throw await refuse(`Discord did not authorize (${error ?? 'no code'})`);
      const grant = await ctx.discord.exchangeCode(code, pending.codeVerifier);
      const user = await ctx.discord.me(grant.access_token);
      await startSession(ctx, app, reply, {
        userId: user.id,
        userName: user.global_name ?? user.username,
        avatar: user.avatar ?? null,
        discordAccessToken: grant.access_token,
        ttlMs: Math.min(ctx.sessionTtlMs, grant.expires_in * 1000),
      });
      return reply.redirect('/', 302);
    },
  );

  app.post(
    '/auth/sandbox',
    {
      config: limit(ctx, 'auth'),
      schema: { summary: 'Sign in as the local sandbox admin (no OAuth configured, loopback only)', tags: ['auth'] },
    },
    async (request, reply) => {
      if (ctx.discord)
        throw new ApiError('RC_API_NOT_FOUND', 'Sandbox sign-in does not exist when Discord OAuth is configured.');
      if (!isLoopback(request)) {
        await ctx.securityLog.record({ kind: 'sandbox.remote', ip: request.ip, route: routeOf(request) });
        throw new ApiError(
          'RC_API_SANDBOX_REMOTE',
          'Sandbox sign-in only works from this machine (loopback), never through a proxy. Configure Discord OAuth to sign in remotely.',
        );
      }
      checkOrigin(ctx, request);
      const session = await startSession(ctx, app, reply, {
        userId: SANDBOX_USER_ID,
        userName: 'Sandbox admin',
        sandbox: true,
        ttlMs: ctx.sessionTtlMs,
      });
      await ctx.securityLog.record({
        kind: 'sandbox.login',
        guildId: ctx.sandboxGuildId,
        actor: `sandbox:${SANDBOX_USER_ID}`,
        ip: request.ip,
        route: routeOf(request),
      });
      request.log.warn(
        { sandboxGuildId: ctx.sandboxGuildId },
        '!!! SANDBOX LOGIN: a loopback client signed in as the sandbox admin (no Discord OAuth configured) !!!',
      );
      return {
        user: { id: SANDBOX_USER_ID, name: 'Sandbox admin', sandbox: true },
        csrfToken: ctx.csrfToken(session.id),
      };
    },
  );

  app.post(
    '/auth/logout',
    { config: limit(ctx, 'auth'), schema: { summary: 'Sign out: revokes the session server-side', tags: ['auth'] } },
    async (request, reply) => {
      let principal;
      try {
        principal = await resolvePrincipal(ctx, app, request);
      } catch {
        principal = null;
      }
      if (principal?.kind === 'token')
        throw new ApiError(
          'RC_API_TOKEN_SCOPE',
          'API tokens are revoked with DELETE /api/guilds/:guildId/tokens/:id, not logout.',
        );
      if (principal) {
        checkOrigin(ctx, request);
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !safeEqual(sent, ctx.csrfToken(principal.sessionId)))
          throw new ApiError('RC_API_CSRF', 'Missing or wrong X-CSRF-Token header.');
        await ctx.sessions.revoke(principal.sessionId);
      }
      clearSessionCookie(ctx, reply);
      return { ok: true };
    },
  );
};
