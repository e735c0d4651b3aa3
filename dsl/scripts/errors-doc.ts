// Writes docs/errors.md from every package's closed list of error codes, plus any `RC_…` code the sources raise
// that no list holds yet. `dsl/__tests__/errors-doc.test.ts` fails when the page is out of date:
//   npx tsx dsl/scripts/errors-doc.ts --write
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENGINE_ERROR_CODES, PORT_ERROR_CODES, RUNTIME_CODES } from '@rulecord/engine';
import { CATALOG_ERROR_CODES } from '@rulecord/catalog';
import { DSL_ERROR_CODES } from '../src/errors.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DocumentedCode {
  code: string;
  kind?: string;
  summary: string;
  fix?: string;
  status?: number;
}
export interface CodeGroup {
  title: string;
  source: string;
  codes: DocumentedCode[];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', '__tests__', 'testing'].includes(entry.name)) out.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

interface ServerCode extends DocumentedCode {
  area: 'process' | 'api' | 'problem';
}

/**
 * The server's one list (its processes, the HTTP API's answers and the API's problem codes). The server depends on this
 * package, so the list is loaded by path at run time rather than imported (a static import would make the packages
 * depend on each other).
 */
async function serverCodes(): Promise<ServerCode[]> {
  const url = pathToFileURL(join(root, 'server/src/errors.ts')).href;
  const { SERVER_ERROR_CODES } = (await import(url)) as { SERVER_ERROR_CODES: readonly ServerCode[] };
  return SERVER_ERROR_CODES.map((c) => ({ ...c }));
}

/** Every group of codes, in the order the page lists them. */
export async function codeGroups(): Promise<CodeGroup[]> {
  // The ports' codes are part of the engine's list; the page keeps them in their own section.
  const ports = new Set<string>(PORT_ERROR_CODES.map((c) => c.code));
  const groups: CodeGroup[] = [
    {
      title: 'Rule documents and the engine',
      source: 'engine/src/errors/codes.ts',
      codes: ENGINE_ERROR_CODES.filter((c) => !ports.has(c.code)).map((c) => ({ ...c })),
    },
    {
      title: 'Ports: state, timers, Discord',
      source: 'engine/src/errors/codes.ts',
      codes: PORT_ERROR_CODES.map((c) => ({ ...c })),
    },
    { title: 'Catalog modules', source: 'catalog/src/errors.ts', codes: CATALOG_ERROR_CODES.map((c) => ({ ...c })) },
    { title: 'Files, the DSL and the CLI', source: 'dsl/src/errors.ts', codes: DSL_ERROR_CODES.map((c) => ({ ...c })) },
  ];
  const server = await serverCodes();
  const area = (a: ServerCode['area']): DocumentedCode[] =>
    server.filter((c) => c.area === a).map(({ area: _area, ...c }) => c);
  groups.push(
    {
      title: 'Server processes: configuration, database, Redis, HTTP',
      source: 'server/src/errors.ts',
      codes: area('process'),
    },
    { title: 'HTTP API', source: 'server/src/api/errors.ts', codes: area('api') },
    { title: 'HTTP API problems', source: 'server/src/errors.ts', codes: area('problem') },
  );
  const listed = new Set(groups.flatMap((g) => g.codes.map((c) => c.code)));
  // The runtime's codes are mirrored in the engine list; one that is not is still documented.
  for (const code of Object.keys(RUNTIME_CODES)) {
    if (!listed.has(code)) {
      (groups[0] as CodeGroup).codes.push({
        code,
        summary: 'Raised by the rule runtime (see docs/rules.md, "Runtime errors").',
      });
      listed.add(code);
    }
  }
  const others = new Map<string, Set<string>>();
  for (const pkg of ['engine', 'catalog', 'dsl', 'server']) {
    for (const file of sourceFiles(join(root, pkg, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](RC_[A-Z0-9_]+)['"`]/g)) {
        const code = m[1] as string;
        if (listed.has(code)) continue;
        const set = others.get(code) ?? new Set<string>();
        set.add(relative(root, file));
        others.set(code, set);
      }
    }
  }
  groups.push({
    title: 'Other codes',
    source: 'raised in the sources but not yet in a package list',
    codes: [...others.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, files]) => ({
        code,
        summary: `Raised in ${[...files]
          .sort()
          .map((f) => `\`${f}\``)
          .join(', ')}; the message says what is wrong and how to fix it.`,
      })),
  });
  return groups;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export async function renderErrorsDoc(groups?: CodeGroup[]): Promise<string> {
  groups ??= await codeGroups();
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated by `npx tsx dsl/scripts/errors-doc.ts --write` from the code lists; a test keeps it in sync. -->',
    '',
    'Every error Rulecord reports carries a stable code (`RC_…`), a message that says what is wrong, the place',
    '(`file:line:col` in the CLI, a JSON pointer in the API and the studio) and how to fix it. Codes are never renamed',
    'or reused, so scripts and CI can key on them.',
    '',
    'Who must act: **user** — the author of the rules or the request (shown, never retried); **transient** — nobody,',
    'it passes (retried); **bug** — us or a module author (reported).',
    '',
  ];
  for (const g of groups) {
    if (g.codes.length === 0) continue;
    lines.push(
      `## ${g.title}`,
      '',
      `Source: ${g.source.includes('/') && !g.source.includes(' ') ? `\`${g.source}\`` : g.source}.`,
      '',
    );
    const api = g.codes.some((c) => c.status !== undefined);
    lines.push(api ? '| code | HTTP | what happened |' : '| code | who | what happened | how to fix it |');
    lines.push(api ? '| --- | --- | --- |' : '| --- | --- | --- | --- |');
    for (const c of g.codes) {
      lines.push(
        api
          ? `| \`${c.code}\` | ${c.status ?? ''} | ${cell(c.summary)} |`
          : `| \`${c.code}\` | ${c.kind ?? ''} | ${cell(c.summary)} | ${cell(c.fix ?? '')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderErrorsDoc();
  if (process.argv.includes('--write')) writeFileSync(join(root, 'docs', 'errors.md'), text);
  else process.stdout.write(text);
}
