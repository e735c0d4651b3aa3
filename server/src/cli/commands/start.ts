import { roleCommand } from '../roles.js';

export default roleCommand(
  'start',
  ['api', 'bot', 'worker'],
  'Run everything in one process: API and studio, bot, worker',
);
