import type { IRecognitionException, IToken, ILexingError } from 'chevrotain';
import type { JsonObject } from '@rulecord/engine';
import { dslLexer } from './lexer.js';
import { closestKeyword } from './hints.js';
import { rulesParser } from './grammar.js';
import { DocumentBuilder, type DslSpan } from './visitor.js';
import { sourceProblem, type SourceProblem } from '../errors.js';

export interface DslParseResult {
  /** The rule document; with problems, whatever could be recovered. */
  document: JsonObject;
  /** Syntax and clause problems, at most one per top-level item (a typo does not cascade). */
  problems: SourceProblem[];
  /** Where the value at each JSON pointer was written. */
  positions: ReadonlyMap<string, DslSpan>;
  /** Where the key (clause, action name, object key) of each JSON pointer was written. */
  keyPositions: ReadonlyMap<string, DslSpan>;
  /** Comments of the text, in order (the printer does not carry them; `fmt` refuses to drop them). */
  comments: { line: number; column: number; text: string }[];
}

/**
 * Parses DSL text into a rule document.
 *
 * @example
 * const { document, problems } = parseDsl('guild "1"\nrule hello\n  on member.join\n  then message.send channel: "2", content: "Hi!"\n');
 */
export function parseDsl(text: string, options: { file?: string } = {}): DslParseResult {
  const file = options.file ?? '<input>';
  const lexed = dslLexer.tokenize(text);
  const tooDeep = nestingTooDeep(lexed.tokens);
  if (tooDeep) {
    // The parser and the visitor recurse once per level; refuse before they run out of stack.
    return {
      document: { apiVersion: 'rulecord/v1', kind: 'RuleSet', rules: [] },
      problems: [
        sourceProblem(
          'RC_DSL_SYNTAX',
          `brackets or \`not\`s are nested more than ${MAX_DEPTH} deep here`,
          {
            file,
            line: tooDeep.startLine as number,
            column: tooDeep.startColumn as number,
          },
          'Nest less deeply; no rule needs that many levels.',
        ),
      ],
      positions: new Map(),
      keyPositions: new Map(),
      comments: [],
    };
  }
  rulesParser.input = lexed.tokens;
  const cst = rulesParser.document();
  const parseErrors = [...rulesParser.errors];
  const builder = new DocumentBuilder();
  const document = (builder.visit(cst, '') as JsonObject | undefined) ?? {
    apiVersion: 'rulecord/v1',
    kind: 'RuleSet',
    rules: [],
  };

  // Items start at `rule`, `use` and `module`: keep one problem per item, so one typo gives one error.
  const itemStarts = lexed.tokens
    .filter(
      (t, i) => /^Kw_(rule|use|module)$/.test(t.tokenType.name) && lexed.tokens[i + 1]?.tokenType.name !== 'Colon',
    )
    .map((t) => t.startOffset);
  const segmentOf = (offset: number): number => {
    let i = -1;
    for (const start of itemStarts) if (start <= offset) i++;
    return i;
  };
  const lineStarts = computeLineStarts(text);
  // Problems are placed on lines of the text, so their line has a start.
  const offsetOf = (line: number, column: number): number => (lineStarts[line - 1] as number) + column - 1;

  // `first`: a problem that explains the others at its place (a condition missing its operator makes recovery read
  // its fact as a stray word too).
  const candidates: { offset: number; problem: SourceProblem; first?: boolean }[] = [];
  for (const error of lexed.errors) candidates.push({ offset: error.offset, problem: lexProblem(file, text, error) });
  for (const p of builder.problems) {
    candidates.push({
      offset: offsetOf(p.span.line, p.span.column),
      problem: sourceProblem(
        p.code,
        p.message,
        { file, line: p.span.line, column: p.span.column, endLine: p.span.endLine, endColumn: p.span.endColumn + 1 },
        p.fix,
      ),
    });
  }
  // After a syntax error, recovery may resynchronise in the wrong place (`per guild` reads like a new `guild` item)
  // and report errors further on. A later item's error is kept only if that item, read on its own, is wrong too.
  let firstErrorSegment: number | undefined;
  const itemEnd = (segment: number): number => itemStarts[segment + 1] ?? text.length;
  for (const error of parseErrors) {
    const missing = missingOperator(file, error, lexed.tokens);
    const p = missing ?? parseProblem(file, error, lexed.tokens);
    const offset = offsetOf(p.line, p.column);
    const segment = segmentOf(offset);
    if (firstErrorSegment === undefined) firstErrorSegment = segment;
    else if (
      segment > firstErrorSegment &&
      segment >= 0 &&
      !segmentHasErrors(text.slice(itemStarts[segment], itemEnd(segment)))
    )
      continue;
    candidates.push({ offset, problem: p, ...(missing ? { first: true } : {}) });
  }
  const problems: SourceProblem[] = [];
  const seenSegments = new Set<number>();
  candidates.sort((a, b) => a.offset - b.offset || Number(b.first ?? false) - Number(a.first ?? false));
  for (const { offset, problem } of candidates) {
    const segment = segmentOf(offset);
    if (seenSegments.has(segment)) continue;
    seenSegments.add(segment);
    const open = unclosedBefore(lexed.tokens, offset);
    if (open && problem.code === 'RC_DSL_SYNTAX') {
      // Everything after an unclosed bracket is read as inside it: report the bracket, and nothing after it.
      problem.message += `; the \`${open.image}\` opened at ${open.startLine}:${open.startColumn} is not closed`;
      problem.fix = `Close it with \`${CLOSER[open.image]}\` where its content ends.`;
      problems.push(problem);
      break;
    }
    problems.push(problem);
  }
  const comments = (lexed.groups.comments ?? []).map((t) => ({
    line: t.startLine as number,
    column: t.startColumn as number,
    text: t.image,
  }));
  return { document, problems, positions: builder.positions, keyPositions: builder.keyPositions, comments };
}

/** Whether a piece of DSL text (one item) has a syntax error when read on its own. */
function segmentHasErrors(text: string): boolean {
  const lexed = dslLexer.tokenize(text);
  if (lexed.errors.length > 0) return true;
  rulesParser.input = lexed.tokens;
  rulesParser.document();
  return rulesParser.errors.length > 0;
}

const CLOSER: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/**
 * The innermost bracket opened before `offset` that is never closed, if any. A bracket closed further on is not the
 * cause of an error inside it (`if (a 1)` lacks an operator, not a `)`); a closer of another kind closes nothing.
 */
function unclosedBefore(tokens: IToken[], offset: number): IToken | undefined {
  const stack: IToken[] = [];
  for (const t of tokens) {
    if (t.image === '{' || t.image === '[' || t.image === '(') stack.push(t);
    else if (stack.length > 0 && CLOSER[(stack[stack.length - 1] as IToken).image] === t.image) stack.pop();
  }
  return stack.filter((t) => t.startOffset < offset).pop();
}

const MAX_DEPTH = 100;

/** The first token past `MAX_DEPTH` levels of brackets or consecutive `not`s, if any. */
function nestingTooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  let nots = 0;
  for (const t of tokens) {
    if (t.image === '{' || t.image === '[' || t.image === '(') depth++;
    else if (t.image === '}' || t.image === ']' || t.image === ')') depth = Math.max(0, depth - 1);
    nots = t.tokenType.name === 'Kw_not' ? nots + 1 : 0;
    if (depth > MAX_DEPTH || nots > MAX_DEPTH) return t;
  }
  return undefined;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lexProblem(file: string, text: string, error: ILexingError): SourceProblem {
  const ch = text.charAt(error.offset);
  // The lexer tracks full positions (lexer.ts): its errors always have a line and a column.
  const where = { file, line: error.line as number, column: error.column as number };
  if (ch === '"') {
    return sourceProblem(
      'RC_DSL_BAD_CHARACTER',
      'this string is not closed on its line',
      where,
      'Close the string with `"` before the end of the line; write a line break inside a string as `\\n`.',
    );
  }
  if (ch === "'") {
    return sourceProblem(
      'RC_DSL_BAD_CHARACTER',
      'strings are written between double quotes',
      where,
      'Replace the single quotes with double quotes: "like this".',
    );
  }
  // Tabs are whitespace (lexer.ts), so the character is always a visible one.
  return sourceProblem(
    'RC_DSL_BAD_CHARACTER',
    `unexpected character ${JSON.stringify(ch)}`,
    where,
    'Remove the character, or put the text between double quotes.',
  );
}

function parseProblem(file: string, error: IRecognitionException, all: IToken[]): SourceProblem {
  const token = error.token;
  const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
  // Positions are tracked in full (lexer.ts). An error at the end comes after a last token: an empty text has no
  // syntax error (a document is any number of items).
  const previous = all[all.length - 1] as IToken;
  const line = (atEnd ? previous.endLine : token.startLine) as number;
  const column = atEnd ? (previous.endColumn as number) + 1 : (token.startColumn as number);
  const where = {
    file,
    line,
    column,
    endLine: atEnd ? line : (token.endLine as number),
    endColumn: atEnd ? column : (token.endColumn as number) + 1,
  };
  const expected = expectedFrom(error.message);
  const found = atEnd ? 'the end of the text' : `\`${token.image}\``;
  if (expected.length === 1 && expected[0] === 'EOF') {
    expected.splice(0, 1, 'a clause (`on`, `where`, `if`, `then`, `mode`…)', 'a new `rule`');
  }
  let message = `unexpected ${found}`;
  if (expected.length > 0) message += `; expected ${formatList(expected)}`;
  const fix = hintFor(token, expected, atEnd);
  return sourceProblem('RC_DSL_SYNTAX', message, where, fix);
}

/**
 * A condition written without its operator (`if message.length 10`): chevrotain sees no alternative at the fact,
 * because every condition that starts with a name continues with an operator. Reported at the fact, naming what
 * stands where the operator should be.
 */
function missingOperator(file: string, error: IRecognitionException, all: IToken[]): SourceProblem | undefined {
  const token = error.token;
  if (error.name !== 'NoViableAltException' || token.tokenType.name !== 'Name') return undefined;
  const sequences = [...error.message.matchAll(/\d+\. \[([^\]]*)\]/g)].map((m) => (m[1] as string).split(', '));
  if (!sequences.some((seq) => seq[0] === 'Name' && seq[1] === 'Comparison')) return undefined;
  const next = all.find((t) => t.startOffset > token.startOffset);
  const found = next ? `\`${next.image}\`` : 'the end of the text';
  return sourceProblem(
    'RC_DSL_SYNTAX',
    `the condition on \`${token.image}\` has no operator: found ${found} where \`==\`, \`>\`, \`in\`, \`contains\`… should be`,
    {
      file,
      line: token.startLine as number,
      column: token.startColumn as number,
      endLine: token.endLine as number,
      endColumn: (token.endColumn as number) + 1,
    },
    'A condition is `fact operator value`, e.g. `message.length > 10`.',
  );
}

/** The first tokens of each sequence chevrotain says it expected, as the words an admin types. */
function expectedFrom(message: string): string[] {
  const out = new Set<string>();
  const single = /Expecting token of type --> (\S+) <--/.exec(message);
  if (single?.[1]) out.add(label(single[1]));
  for (const m of message.matchAll(/\d+\. \[([^\]]*)\]/g)) {
    const firstOfSeq = m[1]?.split(',')[0]?.trim();
    if (firstOfSeq) out.add(label(firstOfSeq));
  }
  if (out.size === 0 && /Expecting: expecting at least one iteration/.test(message)) out.add('a value');
  return [...out].slice(0, 8);
}

function label(name: string): string {
  if (/^'.*'$/.test(name)) return `\`${name.slice(1, -1)}\``;
  switch (name) {
    case 'Name':
      return 'a name';
    case 'StringLit':
      return 'a "string"';
    case 'NumberLit':
      return 'a number';
    case 'DurationLit':
      return 'a duration';
    case 'Comparison':
      return 'a comparison (`==`, `>`, …)';
    case 'Keyword':
      return 'a key';
    default:
      return name.startsWith('Kw_') ? `\`${name.slice(3)}\`` : name;
  }
}

function formatList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

function hintFor(token: IToken, expected: string[], atEnd: boolean): string {
  if (atEnd) return 'The text ends too early: finish the clause (a closing bracket or a value is probably missing).';
  const wantsValue = expected.includes('a "string"') && expected.includes('a number');
  if (wantsValue && token.tokenType.name.startsWith('Kw_')) {
    return `A value is missing before \`${token.image}\` (a number, a duration such as 10m, or text between double quotes).`;
  }
  if (token.image === '=') return 'To compare, write `==`; to set a value in an object, write `key: value`.';
  const near = token.tokenType.name === 'Name' ? closestKeyword(token.image) : undefined;
  if (near)
    return `Did you mean \`${near}\`? Each line of a rule starts with a clause word (on, where, if, then, mode, cooldown…).`;
  // The operator is missing, whatever comes in its place (`a(x: 1) 10`, `a at b "x"`).
  if (expected.some((e) => e.includes('a comparison')))
    return 'A condition is `fact operator value`, e.g. `message.length > 10`.';
  if (token.tokenType.name === 'Name')
    return 'Put text between double quotes, and start each clause of a rule with its word (on, where, if, then…). See docs/dsl.md.';
  if (token.tokenType.name === 'Colon')
    return 'A `key: value` entry belongs inside `{ … }`, or right after an action name.';
  // A missing closing bracket needs no hint here: `parseDsl` names the unclosed bracket instead.
  return 'See docs/dsl.md for the form of each clause.';
}
