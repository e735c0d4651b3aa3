// Builds the studio once so `npm start` can serve it; rebuilds when a studio source is newer than the build.
/* global console, process */
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const studio = join(root, 'studio');
const built = join(studio, '.output', 'public', 'index.html');
const ifMissing = process.argv.includes('--if-missing');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Build output and links to it (`dist` → .output/public) are not sources.
    if (['node_modules', '.nuxt', '.output', '.data', 'dist', '__tests__'].includes(entry.name)) continue;
    if (entry.isSymbolicLink()) continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(join(studio, 'nuxt.config.ts'))) process.exit(0);
const stale = !existsSync(built) || (!ifMissing && newest(studio) > statSync(built).mtimeMs);
if (!stale) process.exit(0);
if (!existsSync(join(root, 'node_modules', 'nuxt'))) {
  console.error('studio: nuxt is not installed yet; run `npm install` first');
  process.exit(ifMissing ? 0 : 1);
}
console.log('studio: building (first run only, about a minute)…');
const r = spawnSync('npm', ['run', 'build', '-w', 'studio'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NUXT_TELEMETRY_DISABLED: '1' },
});
process.exit(r.status ?? 1);
