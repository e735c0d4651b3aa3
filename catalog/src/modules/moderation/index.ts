import { defineModule } from '@rulecord/engine';
import { warned } from './events.js';
import { warnings } from './facts.js';
import { moderationSettingsSchema } from './settings.js';
import { warn } from './warn.js';

/** Basic moderation: warnings that decay, with automatic escalation. Cases with history come with the database. */
export const moderationModule = defineModule({
  id: 'moderation',
  version: '1.0.0',
  name: 'Moderation',
  description:
    'Warnings that add up and decay (`member.warn`, `moderation.warnings`), automatic escalation at set counts (timeout, kick, ban), a moderator log channel, and the `moderation.warned` event.',
  areas: ['member'],
  settings: moderationSettingsSchema,
  facts: [warnings],
  actions: [warn],
  events: [warned],
});
