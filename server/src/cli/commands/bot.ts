import { roleCommand } from '../roles.js';

export default roleCommand('bot', ['bot'], 'Run the Discord bot only');
