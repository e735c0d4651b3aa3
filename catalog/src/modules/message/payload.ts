import type { FactContext } from '@rulecord/engine';
import type { MessagePayload } from './events.js';
import * as text from './text.js';

/** The message of a `message.create` / `message.update` event (fields the adapter left out read as empty). */
export function messageOf(ctx: Pick<FactContext, 'event'>): MessagePayload {
  return ctx.event.payload as unknown as MessagePayload;
}

export function contentOf(ctx: Pick<FactContext, 'event'>): string {
  const content = ctx.event.payload['content'];
  return typeof content === 'string' ? content : '';
}

// `message.urls` and `message.hasUrl` (and the invite pair) read the same parse: keep it per payload object, which
// lives exactly as long as the event.
const urlCache = new WeakMap<object, string[]>();
const inviteCache = new WeakMap<object, string[]>();

export function urlsOf(ctx: Pick<FactContext, 'event'>): string[] {
  const payload = ctx.event.payload;
  let found = urlCache.get(payload);
  if (found === undefined) urlCache.set(payload, (found = text.urls(contentOf(ctx))));
  return found;
}

export function invitesOf(ctx: Pick<FactContext, 'event'>): string[] {
  const payload = ctx.event.payload;
  let found = inviteCache.get(payload);
  if (found === undefined) inviteCache.set(payload, (found = text.invites(contentOf(ctx))));
  return found;
}

/** Mentioned user and role ids: Discord's resolved lists when the adapter sent them, else the ones in the text. */
export function mentionsOf(ctx: Pick<FactContext, 'event'>): { users: string[]; roles: string[]; everyone: boolean } {
  const { mentions } = messageOf(ctx);
  const content = contentOf(ctx);
  if (mentions !== undefined && (mentions.users !== undefined || mentions.roles !== undefined)) {
    return {
      users: [...(mentions.users ?? [])],
      roles: [...(mentions.roles ?? [])],
      everyone: mentions.everyone === true || text.mentionsEveryone(content),
    };
  }
  return { ...text.mentionsInText(content), everyone: mentions?.everyone === true || text.mentionsEveryone(content) };
}
