import { Lexer, createToken, type TokenType } from 'chevrotain';

/**
 * Tokens of the rules DSL. Newlines are plain whitespace: every clause starts with a keyword, so the grammar never
 * needs them, and an admin may break a long line anywhere.
 */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments' });

/** A name: `no-shouting`, `message.capsRatio`, `anti-spam@2`, `roles.0`. */
export const NAME_PATTERN = /[A-Za-z_][A-Za-z0-9_]*(?:[-.@][A-Za-z0-9_]+)*/;
export const Name = createToken({ name: 'Name', pattern: NAME_PATTERN });

export const StringLit = createToken({
  name: 'StringLit',
  pattern: /"(?:[^"\\\n\r]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/,
});
/** `30s`, `10m`, `1h30m`, `250ms`: a duration, read as the string it is. */
export const DURATION_PATTERN = /\d+(?:ms|[smhdw])(?:\d+(?:ms|[smhdw]))*(?![A-Za-z0-9_])/;
export const DurationLit = createToken({ name: 'DurationLit', pattern: DURATION_PATTERN });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/ });

export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });

export const Comparison = createToken({ name: 'Comparison', pattern: Lexer.NA });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, categories: [Comparison], label: "'=='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, categories: [Comparison], label: "'!='" });
export const LtEq = createToken({ name: 'LtEq', pattern: /<=/, categories: [Comparison], label: "'<='" });
export const GtEq = createToken({ name: 'GtEq', pattern: />=/, categories: [Comparison], label: "'>='" });
export const Lt = createToken({ name: 'Lt', pattern: /</, categories: [Comparison], label: "'<'" });
export const Gt = createToken({ name: 'Gt', pattern: />/, categories: [Comparison], label: "'>'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });

/** Every keyword is also accepted as a key before `:` (`{ in: [...] }`), through this category. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });

const keyword = (word: string): TokenType =>
  createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Name,
    categories: [Keyword],
    label: `'${word}'`,
  });

export const Guild = keyword('guild');
export const Module = keyword('module');
export const Rule = keyword('rule');
export const Use = keyword('use');
export const As = keyword('as');
export const Inputs = keyword('inputs');
export const Description = keyword('description');
export const On = keyword('on');
export const Where = keyword('where');
export const If = keyword('if');
export const Then = keyword('then');
export const Mode = keyword('mode');
export const Enabled = keyword('enabled');
export const Disabled = keyword('disabled');
export const Cooldown = keyword('cooldown');
export const Rate = keyword('rate');
export const Per = keyword('per');
export const Limits = keyword('limits');
export const Concurrency = keyword('concurrency');
export const Tags = keyword('tags');
export const Wait = keyword('wait');
export const Step = keyword('step');
export const Retry = keyword('retry');
export const Times = keyword('times');
export const Backoff = keyword('backoff');
export const ErrorKw = keyword('error');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const In = keyword('in');
export const Contains = keyword('contains');
export const Of = keyword('of');
export const At = keyword('at');
export const With = keyword('with');
export const Set = keyword('set');
export const True = keyword('true');
export const False = keyword('false');
export const Null = keyword('null');

export const KEYWORDS: readonly TokenType[] = [
  Guild,
  Module,
  Rule,
  Use,
  As,
  Inputs,
  Description,
  On,
  Where,
  If,
  Then,
  Mode,
  Enabled,
  Disabled,
  Cooldown,
  Rate,
  Per,
  Limits,
  Concurrency,
  Tags,
  Wait,
  Step,
  Retry,
  Times,
  Backoff,
  ErrorKw,
  And,
  Or,
  Not,
  In,
  Contains,
  Of,
  At,
  With,
  Set,
  True,
  False,
  Null,
];
/** The words a bare name may not be (the printer quotes them). */
export const KEYWORD_WORDS: ReadonlySet<string> = new globalThis.Set(KEYWORDS.map((t) => (t.name ?? '').slice(3)));

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  DurationLit,
  NumberLit,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Colon,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Equals,
  Comparison,
  Keyword,
  ...KEYWORDS,
  Name,
];

export const dslLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
