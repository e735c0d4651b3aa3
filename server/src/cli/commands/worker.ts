import { roleCommand } from '../roles.js';

export default roleCommand('worker', ['worker'], 'Run the worker only (timers, scheduled and queued work)');
