import { defineModule } from '@rulecord/engine';
import { button, commandRun, reactionAdd, reactionRemove, select, voiceUpdate } from './events.js';
import { interactionReply } from './reply.js';

/** What members do besides writing: slash commands, buttons, select menus, reactions and voice. */
export const interactionModule = defineModule({
  id: 'interaction',
  version: '1.0.0',
  name: 'Commands & interactions',
  description:
    'Events for slash commands, buttons, select menus, reactions and voice-channel changes, and `interaction.reply` to answer commands and buttons.',
  areas: ['command', 'reaction', 'voice'],
  events: [commandRun, button, select, reactionAdd, reactionRemove, voiceUpdate],
  actions: [interactionReply],
});
