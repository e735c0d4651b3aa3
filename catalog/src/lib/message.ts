import type { Embed, MessageContent } from '@rulecord/engine';

/** Nobody pinged: what every message the catalog sends uses unless the rule lists who may be. */
export const NO_PINGS = { users: [], roles: [], everyone: false } as const;

interface Parts {
  content?: string | undefined;
  embeds?: readonly Embed[] | undefined;
  allowedMentions?: { users?: readonly string[]; roles?: readonly string[]; everyone?: boolean } | undefined;
  replyTo?: string | undefined;
  ephemeral?: boolean | undefined;
}

/** A `MessageContent` with only the parts that are set, and mentions that ping nobody unless allowed. */
export function messageContent(parts: Parts): MessageContent {
  const out: MessageContent = {
    allowedMentions: {
      users: [...(parts.allowedMentions?.users ?? [])],
      roles: [...(parts.allowedMentions?.roles ?? [])],
      everyone: parts.allowedMentions?.everyone ?? false,
    },
  };
  if (parts.content !== undefined) out.content = parts.content;
  if (parts.embeds !== undefined && parts.embeds.length > 0) out.embeds = [...parts.embeds];
  if (parts.replyTo !== undefined) out.replyTo = parts.replyTo;
  if (parts.ephemeral !== undefined) out.ephemeral = parts.ephemeral;
  return out;
}

/** Schema fragment: a message needs text or at least one embed. */
export const contentOrEmbeds = {
  anyOf: [{ required: ['content'] }, { required: ['embeds'] }],
} as const;
