// Entry of the `rulecord` command (server/bin/rulecord.mjs runs this file through tsx).
import { applyV8Settings } from '@rulecord/engine';
import { runCli } from './run.js';

// Before any rule set loads: the V8 settings the engine is measured with (docs/deployment.md).
applyV8Settings();

// Long-running roles (start/api/bot/worker) resolve only once shut down, so exiting here never cuts work short; it
// ends the process even when a library left a handle open.
process.exit(await runCli(process.argv.slice(2)));
