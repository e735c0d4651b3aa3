import { roleCommand } from '../roles.js';

export default roleCommand('api', ['api'], 'Run the HTTP API and the studio only (scale out behind a load balancer)');
