import { defineModule } from '@rulecord/engine';
import { ban, unban } from './ban.js';
import { dm } from './dm.js';
import { memberJoin, memberLeave, memberUpdate } from './events.js';
import { memberFacts } from './facts.js';
import { kick } from './kick.js';
import { nickname } from './nickname.js';
import { addRole, removeRole, toggleRole } from './role.js';
import { newAccountGate, welcomeMessage } from './templates.js';
import { timeout } from './timeout.js';

/** Members: joins and leaves, who the event's user is, and the moderation and role actions on members. */
export const memberModule = defineModule({
  id: 'member',
  version: '1.0.0',
  name: 'Members',
  description:
    "Events for members joining, leaving and changing; facts about the event's user (account age, bot, roles, join age, display name); actions to time out, kick, ban, unban, rename, DM and manage roles.",
  areas: ['author', 'role'],
  events: [memberJoin, memberLeave, memberUpdate],
  facts: memberFacts,
  actions: [timeout, kick, ban, unban, nickname, dm, addRole, removeRole, toggleRole],
  templates: [newAccountGate, welcomeMessage],
});
