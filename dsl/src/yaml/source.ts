import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Node,
  type ParsedNode,
  type YAMLError,
} from 'yaml';
import type { Problem } from '@rulecord/engine';
import { sourceProblem, type SourceProblem } from '../errors.js';
import { parsePointerTokens } from './pointer.js';
import { stringifyYaml } from './stringify.js';

/** A place in a file: 1-based line and column, and the 0-based offset. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}
export interface Span {
  start: Position;
  end: Position;
}

export type SourceFormat = 'yaml' | 'json';

/**
 * A rule document read from YAML or JSON text, keeping what a person wrote: comments, key order, quoting. It maps
 * JSON pointers to places in the text and edits values in place, so `rulecord fmt` and the studio can change one
 * value without rewriting the rest.
 *
 * @example
 * const file = loadSource(text, { file: 'guild.yaml' });
 * if (file.problems.length === 0) {
 *   file.set('/rules/0/mode', 'shadow');
 *   writeFileSync('guild.yaml', file.toString());
 * }
 */
export class SourceFile {
  readonly file: string;
  readonly format: SourceFormat;
  readonly text: string;
  /** Syntax problems (RC_YAML_*); when not empty, `value` is whatever could be recovered. */
  readonly problems: SourceProblem[];
  readonly document: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(text: string, options: { file?: string; format?: SourceFormat } = {}) {
    this.file = options.file ?? '<input>';
    this.format = options.format ?? guessFormat(this.file, text);
    this.text = text;
    this.lines = new LineCounter();
    const docs = parseAllDocuments(text, {
      lineCounter: this.lines,
      prettyErrors: true,
      uniqueKeys: true,
      keepSourceTokens: false,
    });
    const list = Array.isArray(docs) ? docs : [];
    this.document = (list[0] ?? new Document(null)) as Document.Parsed;
    this.problems = [];
    let syntaxReported = false;
    for (const error of list.flatMap((d) => d.errors)) {
      if (error.code === 'DUPLICATE_KEY') this.problems.push(this.yamlProblem('RC_YAML_DUPLICATE_KEY', error));
      else if (!syntaxReported) {
        // One YAML mistake usually makes the parser report several errors at the same place: keep the first.
        syntaxReported = true;
        this.problems.push(this.yamlProblem('RC_YAML_SYNTAX', error));
      }
    }
    if (!syntaxReported) {
      try {
        this.document.toJS({ maxAliasCount: 1000 });
      } catch (error) {
        syntaxReported = true;
        this.problems.push(
          sourceProblem(
            'RC_YAML_SYNTAX',
            `YAML: ${(error as Error).message}`,
            { file: this.file, line: 1, column: 1 },
            'Use fewer aliases (`*name`); write the values out instead.',
          ),
        );
      }
    }
    const second = list[1];
    if (second && !syntaxReported) {
      const at = this.position(second.range[0]);
      this.problems.push(
        sourceProblem(
          'RC_YAML_MULTIPLE_DOCUMENTS',
          `${this.file} holds ${list.length} YAML documents; a rule-set file holds exactly one`,
          { file: this.file, line: at.line, column: at.column },
        ),
      );
    }
  }

  /** The document as plain JSON data (aliases resolved). */
  get value(): unknown {
    try {
      return this.document.toJS({ maxAliasCount: 1000 });
    } catch {
      // Too many aliases (a "billion laughs" file): the problem was recorded when the file was read.
      return null;
    }
  }

  /** Offset → line and column. */
  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line, col } = this.lines.linePos(clamped);
    return { line, column: col, offset: clamped };
  }

  /**
   * Where a pointer is in the text. With `key: true` and a pointer that ends at a mapping entry, the span of the key
   * (for "unknown key" problems); otherwise the span of the value. A pointer that leads nowhere (a missing
   * property) gives the span of the deepest node it reaches.
   */
  locate(pointer: string, options: { key?: boolean } = {}): Span & { exact: boolean } {
    const tokens = parsePointerTokens(pointer);
    let node: unknown = this.document.contents;
    let keyNode: unknown = undefined;
    let exact = true;
    for (const token of tokens) {
      node = this.resolveAlias(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyString(p.key) === token);
        if (!pair) {
          exact = false;
          break;
        }
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.items.length) {
        keyNode = undefined;
        node = node.items[Number(token)];
      } else {
        exact = false;
        break;
      }
    }
    const target = exact && options.key && keyNode !== undefined ? keyNode : node;
    const range = rangeOf(target) ?? rangeOf(this.document.contents) ?? [0, 0];
    return { start: this.position(range[0]), end: this.position(range[1]), exact };
  }

  /** An engine `Problem` placed at its node: the key for unknown keys, the value for bad values. */
  place(problem: Problem): SourceProblem {
    const span = this.locate(problem.pointer, { key: pointsAtKey(problem) });
    const placed: SourceProblem = {
      ...problem,
      file: this.file,
      line: span.start.line,
      column: span.start.column,
      endLine: span.end.line,
      endColumn: span.end.column,
    };
    return placed;
  }

  /** Sets the value at a pointer, keeping comments and the order of other keys; `/-` appends to a list. */
  set(pointer: string, value: unknown): void {
    const tokens = parsePointerTokens(pointer);
    if (tokens.length === 0) {
      this.document.contents = this.document.createNode(value) as ParsedNode;
      return;
    }
    const parentTokens = tokens.slice(0, -1);
    const last = tokens[tokens.length - 1] as string;
    const parent = parentTokens.length === 0 ? this.document.contents : this.document.getIn(parentTokens, true);
    if (isSeq(parent) && last === '-') {
      parent.add(this.document.createNode(value));
      return;
    }
    if (isMap(parent)) {
      const pair = parent.items.find((p) => keyString(p.key) === last);
      if (pair) {
        pair.value = this.replacement(pair.value, value);
        return;
      }
      parent.add(this.document.createPair(last, value));
      return;
    }
    if (isSeq(parent) && /^(0|[1-9]\d*)$/.test(last) && Number(last) < parent.items.length) {
      parent.items[Number(last)] = this.replacement(parent.items[Number(last)], value);
      return;
    }
    this.document.setIn(tokens, value);
  }

  /** A node for `value` that keeps the comments (and, for a string, the quoting) of the node it replaces. */
  private replacement(old: unknown, value: unknown): Node {
    if (isScalar(old) && (value === null || typeof value !== 'object')) {
      if (typeof value !== 'string' || typeof old.value !== 'string') delete old.type;
      old.value = value;
      return old;
    }
    const node = this.document.createNode(value) as Node;
    if (old !== null && typeof old === 'object') {
      const o = old as { comment?: string | null; commentBefore?: string | null; spaceBefore?: boolean };
      if (o.comment) node.comment = o.comment;
      if (o.commentBefore) node.commentBefore = o.commentBefore;
      if (o.spaceBefore) node.spaceBefore = o.spaceBefore;
    }
    return node;
  }

  /** Removes the value at a pointer; returns whether something was there. */
  delete(pointer: string): boolean {
    const tokens = parsePointerTokens(pointer);
    if (tokens.length === 0) return false;
    const parentTokens = tokens.slice(0, -1);
    const last = tokens[tokens.length - 1] as string;
    const parent = parentTokens.length === 0 ? this.document.contents : this.document.getIn(parentTokens, true);
    if (isMap(parent)) {
      const index = parent.items.findIndex((p) => keyString(p.key) === last);
      if (index < 0) return false;
      parent.items.splice(index, 1);
      return true;
    }
    if (isSeq(parent) && /^(0|[1-9]\d*)$/.test(last) && Number(last) < parent.items.length) {
      parent.items.splice(Number(last), 1);
      return true;
    }
    return false;
  }

  /** The text of the (possibly edited) document: YAML keeps comments; JSON is printed with two-space indents. */
  toString(): string {
    if (this.format === 'json') return `${JSON.stringify(this.value, null, 2)}\n`;
    return stringifyYaml(this.document);
  }

  private resolveAlias(node: unknown): unknown {
    let current = node;
    for (let i = 0; i < 100 && isAlias(current); i++) current = current.resolve(this.document);
    return current;
  }

  private yamlProblem(code: 'RC_YAML_SYNTAX' | 'RC_YAML_DUPLICATE_KEY', error: YAMLError): SourceProblem {
    const at = this.position(error.pos[0]);
    const end = this.position(error.pos[1]);
    // yaml's message repeats the place and quotes the line; the problem carries the place separately.
    const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.code;
    const kind = this.format === 'json' ? 'JSON' : 'YAML';
    return sourceProblem(code, `${kind}: ${message}`, {
      file: this.file,
      line: at.line,
      column: at.column,
      endLine: end.line,
      endColumn: end.column,
    });
  }
}

/** Parses YAML or JSON text into a `SourceFile`. */
export function loadSource(text: string, options: { file?: string; format?: SourceFormat } = {}): SourceFile {
  return new SourceFile(text, options);
}

/**
 * Whether a problem is about a key rather than a value: unknown fields, actions and modules are reported on the key
 * the author typed.
 */
export function pointsAtKey(problem: Pick<Problem, 'code' | 'message'> & { pointer?: string }): boolean {
  if (problem.code === 'RC_UNKNOWN_ACTION' || problem.code === 'RC_UNKNOWN_MODULE') return true;
  if (problem.code === 'RC_PREMIUM_REQUIRED' && problem.pointer !== undefined) {
    // A premium action (`then/0/<action>`) or module (`modules/<id>`) is named by its key.
    const tokens = parsePointerTokens(problem.pointer);
    const last = tokens[tokens.length - 1] ?? '';
    return (
      (tokens[tokens.length - 3] === 'then' && last.includes('.')) || (tokens[0] === 'modules' && tokens.length === 2)
    );
  }
  return /\bunknown (field|property|key|parameter|setting|input)\b|additional propert|is not allowed|must NOT have additional/i.test(
    problem.message,
  );
}

function guessFormat(file: string, text: string): SourceFormat {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function rangeOf(node: unknown): [number, number] | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const range = (node as Partial<Node>).range;
  if (!range) return undefined;
  return [range[0], range[1]];
}
