import { Document, isMap, isNode, isScalar, isSeq, visit, type Node } from 'yaml';
import { YAML_OPTIONS, stringifyYaml } from './yaml/stringify.js';
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
  return {
    file,
    format,
    text,
    value: source.value,
    problems: source.problems,
    source,
    place: (problem) => source.place(problem),
  };
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
    span =
      (key ? dsl.keyPositions.get(pointer) : undefined) ?? dsl.positions.get(pointer) ?? dsl.keyPositions.get(pointer);
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
  // Lists first, so that a map whose value is a short flat list can then go on one line too.
  visit(doc, {
    Seq(_, node) {
      if (shortFlat(node)) node.flow = true;
    },
  });
  visit(doc, {
    Map(_, node) {
      if (shortFlat(node)) node.flow = true;
    },
  });
  // A blank line between rules, as people write them.
  const rules = isMap(doc.contents) ? doc.contents.get('rules', true) : undefined;
  if (isSeq(rules)) rules.items.forEach((item, i) => i > 0 && isNode(item) && (item.spaceBefore = true));
  return stringifyYaml(doc);
}

/** A small collection of scalars (or of short flow lists of scalars) that reads well on one line. */
function shortFlat(node: Node): boolean {
  const items = isMap(node) ? node.items.map((p) => p.value) : isSeq(node) ? node.items : [];
  if (items.length === 0) return true;
  if (items.length > 4) return false;
  let length = 0;
  for (const item of items) {
    if (isScalar(item)) {
      const text = String(item.value);
      if (text.includes('\n')) return false;
      length += text.length + 8;
    } else if (isSeq(item) && item.flow && items.length === 1) {
      length += item.items.reduce<number>((n, i) => n + String((i as { value?: unknown }).value).length + 4, 4);
    } else return false;
  }
  return length <= 70;
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
    output = stringifyYaml((loaded.source as SourceFile).document);
  } else if (loaded.format === 'json') {
    output = toJson(loaded.value);
  } else {
    const dsl = loaded.dsl as DslParseResult;
    const formatted = formatDsl(text, dsl);
    if (typeof formatted !== 'string')
      return { output: text, changed: false, problems: [], skipped: formatted.skipped };
    output = formatted;
  }
  return { output, changed: output !== text, problems: [] };
}

/**
 * The DSL printed again, with its comments put back: each comment goes before (or, at the end of a line, after) the
 * line it was written with, found again in the printed text. When that line changed beyond spacing, the file is left
 * as written rather than lose or misplace a comment.
 */
function formatDsl(text: string, dsl: DslParseResult): string | { skipped: string } {
  const printed = printDsl(dsl.document);
  if (dsl.comments.length === 0) return printed;
  // Lines are compared without quotes and extra spaces: the printer drops quotes a word does not need.
  const norm = (l: string): string =>
    l
      .trim()
      .replace(/"/g, '')
      .replace(/\s*,\s*/g, ', ')
      .replace(/\s+/g, ' ');
  const lines = text.split(/\r?\n/);
  const byLine = new Map(dsl.comments.map((c) => [c.line, c]));
  interface Anchor {
    code: string;
    leading: string[];
    trailing?: string;
  }
  const anchors: Anchor[] = [];
  let pending: string[] = [];
  lines.forEach((line, index) => {
    const comment = byLine.get(index + 1);
    const code = (comment ? line.slice(0, comment.column - 1) : line).trim();
    if (code === '') {
      if (comment) pending.push(comment.text.trimEnd());
      return;
    }
    const anchor: Anchor = { code: norm(code), leading: pending };
    if (comment) anchor.trailing = comment.text.trimEnd();
    anchors.push(anchor);
    pending = [];
  });
  const out = printed.replace(/\n$/, '').split('\n');
  const before = new Map<number, string[]>();
  const after = new Map<number, string>();
  let from = 0;
  for (const anchor of anchors) {
    if (anchor.leading.length === 0 && anchor.trailing === undefined) {
      const k = out.findIndex((l, i) => i >= from && norm(l) === anchor.code);
      if (k >= 0) from = k + 1;
      continue;
    }
    let k = out.findIndex((l, i) => i >= from && norm(l) === anchor.code);
    if (k < 0) k = out.findIndex((l, i) => norm(l) === anchor.code && !before.has(i) && !after.has(i));
    if (k < 0)
      return {
        skipped: `a commented line (\`${anchor.code}\`) is written differently by the printer, and its comment would be lost`,
      };
    if (anchor.leading.length > 0) before.set(k, [...(before.get(k) ?? []), ...anchor.leading]);
    if (anchor.trailing !== undefined) after.set(k, anchor.trailing);
    from = k + 1;
  }
  const result: string[] = [];
  out.forEach((line, i) => {
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    for (const c of before.get(i) ?? []) result.push(`${indent}${c}`);
    const trailing = after.get(i);
    result.push(trailing === undefined ? line : `${line} ${trailing}`);
  });
  if (pending.length > 0) result.push('', ...pending);
  return `${result.join('\n')}\n`;
}

/** A `SourceProblem` for a file that cannot be read at all. */
export function fileProblem(
  file: string,
  message: string,
  code: 'RC_FILE_READ' | 'RC_FILE_FORMAT' = 'RC_FILE_READ',
): SourceProblem {
  return sourceProblem(code, message, { file, line: 1, column: 1 });
}

export { YAML_OPTIONS, stringifyYaml };
