#!/usr/bin/env node
// The `rulecord` command: loads server/src/cli/main.ts through tsx in this same process (the workspace has no build
// step), so signals such as SIGTERM reach the server directly.
import { URL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
