import { defineModule } from '@rulecord/engine';
import { channelsRecent, duplicateMessages, recentMessages } from './facts.js';
import { spamSettingsSchema } from './settings.js';
import { antiSpam } from './templates.js';

/** Spam: per-author sliding windows over messages, kept in the guild's state store. */
export const spamModule = defineModule({
  id: 'spam',
  version: '1.0.0',
  name: 'Spam detection',
  description:
    "Facts that count an author's recent messages, repeated texts and channels in sliding windows (kept in the state store, so they hold across bot shards), and the anti-spam template.",
  settings: spamSettingsSchema,
  facts: [recentMessages, duplicateMessages, channelsRecent],
  templates: [antiSpam],
});
