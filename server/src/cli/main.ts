// Entry of the `rulecord` command (server/bin/rulecord.mjs runs this file through tsx).
import { runCli } from './run.js';

// Long-running roles (start/api/bot/worker) resolve only once shut down, so exiting here never cuts work short; it
// ends the process even when a library left a handle open.
process.exit(await runCli(process.argv.slice(2)));
