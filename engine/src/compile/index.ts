// Conditions: compiler, operators, checks, dotted paths. Re-exported from the package entry.
export { PENDING, ConditionSet, compileCondition, isFactRef, MAX_CONDITION_DEPTH } from './compiler.js';
export type {
  Pending,
  FactReader,
  LeafResult,
  CompiledCondition,
  CompileOptions,
  ConditionMemo,
  ConditionProgram,
} from './compiler.js';
export { checkCondition, suggestOperators, MAX_CONDITION_LEAVES } from './check.js';
export { builtinOperators, operatorTable, jreOperatorNames, resolveOperator, operatorDecorators } from './operators.js';
export type { OperatorDefinition, OperatorTable, OperatorValueProblem } from './operators.js';
export { getPath, splitPath, pathProblem, factPathValue } from './path.js';
export { regexSafety, compileRegex } from './regex.js';
export type { RegexSafety } from './regex.js';
