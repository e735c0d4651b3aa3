import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { fileProblem, formatOfPath } from './files.js';
import type { SourceProblem } from './errors.js';

/** What kind of files a command wants from the paths it is given. */
export type FileKind = 'rules' | 'tests' | 'any';

const TEST_FILE = /\.test\.(ya?ml|json)$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.nuxt', '.output', 'coverage', 'dist']);

/** Whether a file name is a rule test file (`*.test.yaml`). */
export function isTestFile(path: string): boolean {
  return TEST_FILE.test(path);
}

/**
 * The files named by command-line paths: a file is taken as named; a folder is searched (recursively, skipping
 * `node_modules` and dot-folders) for rule files (`*.yaml`, `*.yml`, `*.json` that declare `kind: RuleSet`, and
 * `*.rules`) or for test files (`*.test.yaml`). Paths are shown relative to `cwd`.
 */
export function collectFiles(
  paths: readonly string[],
  options: { cwd: string; kind: FileKind },
): { files: string[]; problems: SourceProblem[] } {
  const files: string[] = [];
  const problems: SourceProblem[] = [];
  const show = (abs: string): string => {
    const rel = relative(options.cwd, abs);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  };
  const wanted = (abs: string): boolean => {
    if (options.kind === 'tests') return isTestFile(abs);
    if (isTestFile(abs)) return options.kind === 'any';
    const format = formatOfPath(abs);
    if (format === undefined) return false;
    if (format === 'dsl') return true;
    // A folder holds other YAML and JSON (package.json, CI files): take only rule documents.
    try {
      return /\bkind["']?\s*:\s*["']?RuleSet\b/.test(readFileSync(abs, 'utf8').slice(0, 4096));
    } catch {
      return false;
    }
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile() && wanted(abs)) files.push(show(abs));
    }
  };
  for (const path of paths.length > 0 ? paths : ['.']) {
    const abs = resolve(options.cwd, path);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      problems.push(fileProblem(path, `cannot read ${path}: no such file or folder`));
      continue;
    }
    if (isDir) walk(abs);
    else files.push(show(abs));
  }
  return { files: [...new Set(files)], problems };
}
