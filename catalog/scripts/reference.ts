/**
 * Writes the rule reference, `docs/reference/*.md`, from the catalog modules (`npm run docs:reference`). Pages of
 * modules that no longer exist are removed. `--check` writes nothing and exits 1 when a page is out of date.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modules } from '../src/index.js';
import { referenceDrift } from '../src/reference/drift.js';
import { renderReference } from '../src/reference/render.js';

export const REFERENCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/reference');

const check = process.argv.includes('--check');
const files = renderReference(modules);
const drift = referenceDrift(REFERENCE_DIR, files, { readdirSync, readFileSync });

if (check) {
  for (const line of drift) console.error(line);
  if (drift.length > 0) console.error('docs/reference is out of date: run `npm run docs:reference`.');
  process.exit(drift.length > 0 ? 1 : 0);
}

mkdirSync(REFERENCE_DIR, { recursive: true });
for (const name of readdirSync(REFERENCE_DIR)) {
  if (name.endsWith('.md') && !files.has(name)) rmSync(join(REFERENCE_DIR, name));
}
for (const [name, text] of files) writeFileSync(join(REFERENCE_DIR, name), text);
console.log(
  `docs/reference: ${files.size} pages written${drift.length > 0 ? ` (${drift.length} changed)` : ' (no change)'}.`,
);
