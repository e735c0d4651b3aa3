import { join } from 'node:path';

/** What differs between the rendered reference and a folder: one line per missing, changed or stale page. */
export function referenceDrift(
  dir: string,
  files: ReadonlyMap<string, string>,
  fs: { readdirSync(path: string): string[]; readFileSync(path: string, encoding: 'utf8'): string },
): string[] {
  let present: string[];
  try {
    present = fs.readdirSync(dir).filter((n) => n.endsWith('.md'));
  } catch {
    present = []; // no folder yet: every page is missing
  }
  const drift: string[] = [];
  for (const [name, text] of files) {
    if (!present.includes(name)) drift.push(`missing: docs/reference/${name}`);
    else if (fs.readFileSync(join(dir, name), 'utf8') !== text) drift.push(`changed: docs/reference/${name}`);
  }
  for (const name of present) if (!files.has(name)) drift.push(`stale: docs/reference/${name}`);
  return drift;
}
