import { defineModule } from '@rulecord/engine';
import { deleteMessage } from './delete.js';
import { messageCreate, messageDelete, messageUpdate } from './events.js';
import { contentFacts } from './facts-content.js';
import { linkFacts } from './facts-links.js';
import { mediaFacts } from './facts-media.js';
import { mentionFacts } from './facts-mentions.js';
import { purge } from './purge.js';
import { react } from './react.js';
import { reply } from './reply.js';
import { send } from './send.js';
import { antiInvite, badWords, capsFilter } from './templates.js';

/** Messages: what was said (content facts for automod) and what the bot can do with messages. */
export const messageModule = defineModule({
  id: 'message',
  version: '1.0.0',
  name: 'Messages',
  description:
    "Events for messages posted, edited and deleted; cheap facts about a message's text (capitals, links, invites, mentions, emoji, zalgo…) for automod; actions to delete, send, reply, react and purge.",
  events: [messageCreate, messageUpdate, messageDelete],
  facts: [...contentFacts, ...linkFacts, ...mentionFacts, ...mediaFacts],
  actions: [deleteMessage, send, reply, react, purge],
  templates: [antiInvite, capsFilter, badWords],
});
