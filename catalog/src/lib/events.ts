/**
 * Which events carry what. The payload conventions every catalog event follows (and every adapter must produce):
 *
 * - `userId`: the user who caused the event or whom it is about (message author, joining member, command user…).
 *   The engine's `where.user`, `where.roles` and `limits.per: user` key on it.
 * - `channelId`: the channel it happened in, where there is one (`where.channel`, `limits.per: channel`).
 * - `messageId`: the message it is about, where there is one.
 */

/** Events whose payload is a message with its content. */
export const MESSAGE_CONTENT_EVENTS = ['message.create', 'message.update'] as const;

/** Events that carry the `messageId` and `channelId` of a message that still exists (so it can be deleted, reacted to). */
export const MESSAGE_EVENTS = [
  'message.create',
  'message.update',
  'reaction.add',
  'reaction.remove',
  'interaction.button',
  'interaction.select',
] as const;

/** Events that carry a `userId` (and so have an author / member to ask about). */
export const USER_EVENTS = [
  'message.create',
  'message.update',
  'member.join',
  'member.leave',
  'member.update',
  'command.run',
  'interaction.button',
  'interaction.select',
  'reaction.add',
  'reaction.remove',
  'voice.update',
  'moderation.warned',
] as const;

/** Events that come from an interaction and can be answered with `interaction.reply`. */
export const INTERACTION_EVENTS = ['command.run', 'interaction.button', 'interaction.select'] as const;
