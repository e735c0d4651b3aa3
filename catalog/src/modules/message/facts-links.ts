import { defineFact } from '@rulecord/engine';
import { MESSAGE_CONTENT_EVENTS } from '../../lib/events.js';
import { invitesOf, urlsOf } from './payload.js';

const events = [...MESSAGE_CONTENT_EVENTS];

const exceptParams = {
  type: 'object',
  additionalProperties: false,
  properties: {
    except: {
      type: 'array',
      items: { type: 'string' },
      description: "Invite codes to leave out, e.g. your own server's (`discord.gg/yourserver` → `yourserver`).",
    },
  },
} as const;

function without(codes: string[], params: { except?: unknown } | undefined): string[] {
  const except = params?.except;
  if (!Array.isArray(except) || except.length === 0) return codes;
  return codes.filter((code) => !except.includes(code));
}

export const urls = defineFact<string[]>({
  name: 'message.urls',
  description:
    'The `http://` / `https://` links in the message, in order, without trailing punctuation. Test a domain with `containsAny` on `message.urls`, or use `message.hasUrl`.',
  schema: { type: 'array', items: { type: 'string' } },
  events,
  cost: 'cheap',
  examples: [['https://example.com/page'], []],
  resolve: (ctx) => urlsOf(ctx),
});

export const hasUrl = defineFact<boolean>({
  name: 'message.hasUrl',
  description: 'Whether the message contains at least one `http(s)://` link.',
  schema: { type: 'boolean' },
  events,
  cost: 'cheap',
  examples: [true, false],
  resolve: (ctx) => urlsOf(ctx).length > 0,
});

export const invites = defineFact<string[]>({
  name: 'message.invites',
  description:
    "Discord invite codes in the message (`discord.gg/CODE`, `discord.com/invite/CODE`, `discordapp.com/invite/CODE`; with or without `https://`, also with spaces slipped around the dots), unique, in order. Compare with `notIn` to allow your own server's invite.",
  schema: { type: 'array', items: { type: 'string' } },
  events,
  cost: 'cheap',
  params: exceptParams,
  examples: [['abc123'], []],
  resolve: (ctx, params) => without(invitesOf(ctx), params),
});

export const hasInvite = defineFact<boolean>({
  name: 'message.hasInvite',
  description:
    'Whether the message contains a Discord invite (see `message.invites`); `params.except` lists codes that do not count.',
  schema: { type: 'boolean' },
  params: exceptParams,
  events,
  cost: 'cheap',
  examples: [true, false],
  resolve: (ctx, params) => without(invitesOf(ctx), params).length > 0,
});

export const linkFacts = [urls, hasUrl, invites, hasInvite];
