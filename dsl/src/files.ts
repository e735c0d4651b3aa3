import { Document, isMap, isScalar, isSeq, visit, type Node } from 'yaml';
import type { Problem } from '@rulecord/engine';
import { sourceProblem, type SourceProblem } from './errors.js';
import { SourceFile, pointsAtKey } from './yaml/source.js';
import { parseDsl, type DslParseResult } from './dsl/parse.js';
import { printDsl } from './dsl/print.js';
import { parsePointerTokens, pointerOf } from './yaml/pointer.js';
import type { DslSpan } from './dsl/visitor.js';

/** The three ways to write a rule document. */
export type RuleFileFormat = 'yaml' | 'json' | 'dsl';

/** The format a file name says (`.yaml`/`.yml`, `.json`, `.rules`), or `undefined`. */
export function formatOfPath(path: string): RuleFileFormat | undefined {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.rules$/i.test(path)) return 'dsl';
  return undefined;
}

/** A rule document read from a file, in any of the three formats, able to place problems in the text. */
export interface RuleFile {
  readonly file: string;
  readonly format: RuleFileFormat;
  readonly text: string;
  /** The document as JSON data (partial when `problems` holds syntax errors). */
  readonly value: unknown;
  /** Syntax problems found while reading (RC_YAML_* / RC_DSL_*). */
  readonly problems: SourceProblem[];
  /** The YAML/JSON document with comments (absent for DSL files). */
  readonly source?: SourceFile;
  /** The DSL parse result (absent for YAML/JSON files). */
  readonly dsl?: DslParseResult;
  /** Places an engine problem (a JSON pointer) at its `line:column` in this file. */
  place(problem: Problem): SourceProblem;
}

/**
 * Reads a rule document from text. The format comes from `format`, else from the file name, else from the text.
 *
 * @example
 * const file = loadRuleFile(readFileSync('guild.yaml', 'utf8'), { file: 'guild.yaml' });
 * const placed = result.problems.map((p) => file.place(p)); // guild.yaml:12:9 …
 */
export function loadRuleFile(text: string, options: { file?: string; format?: RuleFileFormat } = {}): RuleFile {
  const file = options.file ?? '<input>';
  const format = options.format ?? formatOfPath(file) ?? sniff(text);
  if (format === 'dsl') {
    const dsl = parseDsl(text, { file });
    return {
      file,
      format,
      text,
      value: dsl.document,
      problems: dsl.problems,
      dsl,
      place: (problem) => placeInDsl(file, dsl, problem),
    };
  }
  const source = new SourceFile(text, { file, format });
  return { file, format, text, value: source.value, problems: source.problems, source, place: (problem) => source.place(problem) };
}

function sniff(text: string): RuleFileFormat {
  if (/^\s*[{[]/.test(text)) return 'json';
  // The DSL starts with a keyword line (`guild "…"`, `rule …`); YAML with `key:`.
  return /^\s*(?:#[^\n]*\n\s*)*(guild|rule|module|use)\s/.test(text) ? 'dsl' : 'yaml';
}

function placeInDsl(file: string, dsl: DslParseResult, problem: Problem): SourceProblem {
  const key = pointsAtKey(problem);
  let pointer = problem.pointer;
  let span: DslSpan | undefined;
  for (;;) {
    span = (key ? dsl.keyPositions.get(pointer) : undefined) ?? dsl.positions.get(pointer) ?? dsl.keyPositions.get(pointer);
    if (span || pointer === '') break;
    const tokens = parsePointerTokens(pointer);
    tokens.pop();
    pointer = tokens.length === 0 ? '' : pointerOf('', ...tokens);
  }
  const s = span ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return { ...problem, file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn + 1 };
}

/** Writes a document as YAML in Rulecord's canonical layout (two-space indents; short flat objects on one line). */
export function toYaml(value: unknown): string {
  const doc = new Document(value, { keepUndefined: false });
  visit(doc, {
    Map(_, node) {
      if (shortFlat(node)) node.flow = true;
    },
    Seq(_, node) {
      if (shortFlat(node)) node.flow = true;
    },
  });
  return doc.toString(YAML_OPTIONS);
}

/** How every YAML document is written (`fmt`, `compile --to yaml`, the edit API). */
export const YAML_OPTIONS = { indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0, flowCollectionPadding: true } as const;

function shortFlat(node: Node): boolean {
  const items = isMap(node) ? node.items.map((p) => p.value) : isSeq(node) ? node.items : [];
  if (items.length === 0) return true;
  if (items.length > 4) return false;
  if (!items.every((i) => isScalar(i))) return false;
  const length = items.reduce<number>((n, i) => n + String((i as { value: unknown }).value).length + 8, 0);
  return length <= 70 && items.every((i) => !String((i as { value: unknown }).value).includes('\n'));
}

/** Writes a document as JSON (two-space indents, final newline). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes a document in the given format. Throws `RC_DSL_UNPRINTABLE` when it cannot be written in the DSL. */
export function printDocument(value: unknown, format: RuleFileFormat): string {
  if (format === 'dsl') return printDsl(value);
  if (format === 'json') return toJson(value);
  return toYaml(value);
}

export interface FormatResult {
  /** The formatted text (the input itself when it cannot be formatted). */
  output: string;
  changed: boolean;
  /** Syntax problems: a file with syntax errors is left as it is. */
  problems: SourceProblem[];
  /** Why a readable file was left as it is, if it was. */
  skipped?: string;
}

/**
 * Puts a rule file in canonical layout without changing what it says: YAML keeps its comments, key order and quoting
 * (only indentation and spacing change); JSON gets two-space indents; the DSL is printed again. Never adds default
 * values. Idempotent: formatting the output again changes nothing.
 */
export function formatRuleFile(text: string, options: { file?: string; format?: RuleFileFormat } = {}): FormatResult {
  const loaded = loadRuleFile(text, options);
  if (loaded.problems.length > 0) return { output: text, changed: false, problems: loaded.problems };
  let output: string;
  if (loaded.format === 'yaml') {
    output = loaded.source ? loaded.source.document.toString(YAML_OPTIONS) : text;
  } else if (loaded.format === 'json') {
    output = toJson(loaded.value);
  } else {
    const dsl = loaded.dsl as DslParseResult;
    const formatted = formatDsl(text, dsl);
    if (typeof formatted !== 'string') return { output: text, changed: false, problems: [], skipped: formatted.skipped };
    output = formatted;
  }
  return { output, changed: output !== text, problems: [] };
}

/** The DSL printed again, keeping comments that stand on their own lines between items. */
function formatDsl(text: string, dsl: DslParseResult): string | { skipped: string } {
  if (dsl.comments.length === 0) return printDsl(dsl.document);
  // Comments between items travel with the item that follows them; a comment inside an item has no place the
  // printer can keep, so such a file is left as written rather than lose it.
  const lines = text.split('\n');
  const itemStart = /^(guild|module|rule|use|set)\b/;
  const leading: string[][] = [];
  let pending: string[] = [];
  let inItem = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (itemStart.test(line)) {
      leading.push(pending);
      pending = [];
      inItem = true;
      continue;
    }
    if (trimmed.startsWith('#')) {
      if (inItem && /^\s/.test(line)) return { skipped: 'it has comments inside a rule, which the DSL printer cannot keep' };
      pending.push(line.trimEnd());
      inItem = false;
      continue;
    }
    if (trimmed === '') continue;
    if (trimmed.includes('#') && /#[^"]*$/.test(trimmed) && !/"[^"]*#/.test(trimmed)) {
      return { skipped: 'it has comments at the end of lines, which the DSL printer cannot keep' };
    }
  }
  const printed = printDsl(dsl.document).replace(/\n$/, '');
  const blocks = printed.split(/\n\n(?=(?:guild|module|rule|use|set)\b)/);
  // `guild`/`set` lines of the head share one block; count items per block to hand out the comments.
  const out: string[] = [];
  let index = 0;
  for (const block of blocks) {
    const items = block.split('\n').filter((l) => itemStart.test(l)).length;
    const comments = leading.slice(index, index + items).flat();
    index += items;
    out.push([...comments, block].join('\n'));
  }
  const trailing = pending.length > 0 ? `\n\n${pending.join('\n')}` : '';
  return `${out.join('\n\n')}${trailing}\n`;
}

/** A `SourceProblem` for a file that cannot be read at all. */
export function fileProblem(file: string, message: string, code: 'RC_FILE_READ' | 'RC_FILE_FORMAT' = 'RC_FILE_READ'): SourceProblem {
  return sourceProblem(code, message, { file, line: 1, column: 1 });
}
