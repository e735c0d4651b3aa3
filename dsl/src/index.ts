// The one public entry of @rulecord/dsl: rule documents as files (YAML/JSON with positions, the rules DSL).
export { DSL_ERROR_CODES, sourceProblem } from './errors.js';
export type { DslErrorCode, DslErrorCodeInfo, SourceProblem } from './errors.js';
export { SourceFile, loadSource, pointsAtKey } from './yaml/source.js';
export type { Position, Span, SourceFormat } from './yaml/source.js';
export { parsePointerTokens, pointerOf } from './yaml/pointer.js';
export { parseDsl } from './dsl/parse.js';
export type { DslParseResult } from './dsl/parse.js';
export type { DslSpan } from './dsl/visitor.js';
export { printDsl } from './dsl/print.js';
export { KEYWORD_WORDS as DSL_KEYWORDS } from './dsl/lexer.js';
export {
  formatOfPath,
  loadRuleFile,
  toYaml,
  toJson,
  printDocument,
  formatRuleFile,
  fileProblem,
  YAML_OPTIONS,
  stringifyYaml,
} from './files.js';
export type { RuleFile, RuleFileFormat, FormatResult } from './files.js';
export { checkRuleFile, sortProblems, formatProblemText, formatProblemGithub } from './check.js';
export { collectFiles, isTestFile } from './fs.js';
export type { FileKind } from './fs.js';
export { runRuleTestFile, formatRuleTestReport, matches as actionsMatch } from './rule-tests.js';
export type { ExpectedAction, RuleTestCaseResult, RuleTestFileResult } from './rule-tests.js';
