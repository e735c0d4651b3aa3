// `npm run coverage`: runs the whole suite with v8 coverage, then prints line / branch / function / statement
// coverage per workspace (from coverage/coverage-summary.json). Exits with the test run's exit code.
// Extra arguments go to vitest (`npm run coverage -- --project engine`).
/* global console, process */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BAR = 90;
const METRICS = ['lines', 'branches', 'functions', 'statements'];

const run = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--coverage', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

const summaryFile = join(root, 'coverage', 'coverage-summary.json');
if (!existsSync(summaryFile)) {
  console.error('coverage: no coverage/coverage-summary.json was written');
  process.exit(run.status || 1);
}
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
const totals = new Map();
for (const [file, data] of Object.entries(summary)) {
  if (file === 'total') continue;
  const workspace = relative(root, file).split(sep)[0];
  const t = totals.get(workspace) ?? Object.fromEntries(METRICS.map((m) => [m, { covered: 0, total: 0 }]));
  for (const m of METRICS) {
    t[m].covered += data[m].covered;
    t[m].total += data[m].total;
  }
  totals.set(workspace, t);
}

const pct = ({ covered, total }) => (total === 0 ? 100 : (100 * covered) / total);
const cell = (n) => `${n.toFixed(1)}%`.padStart(9);
console.log(`\nCoverage per workspace (bar: ${BAR}% on every metric)\n`);
console.log(`${'workspace'.padEnd(12)}${METRICS.map((m) => m.padStart(11)).join('')}   bar`);
for (const [workspace, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
  const values = METRICS.map((m) => pct(t[m]));
  const ok = values.every((v) => v >= BAR);
  console.log(`${workspace.padEnd(12)}${values.map((v) => `  ${cell(v)}`).join('')}   ${ok ? 'ok' : 'below'}`);
}
process.exit(run.status ?? 1);
