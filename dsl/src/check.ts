import { validateRuleSet, type Registry, type Tier } from '@rulecord/engine';
import type { SourceProblem } from './errors.js';
import type { RuleFile } from './files.js';

/**
 * Validates a rule file (syntax, then schema and semantics against a registry) and places every problem at its
 * `file:line:column`. Syntax problems stop there: a document that could not be read is not validated further.
 *
 * @example
 * const file = loadRuleFile(text, { file: 'guild.yaml' });
 * const { problems } = checkRuleFile(file, createCatalogRegistry(), { tier: 'free' });
 */
export function checkRuleFile(
  file: RuleFile,
  registry: Registry,
  options: { tier: Tier },
): { ok: boolean; problems: SourceProblem[] } {
  if (file.problems.length > 0) return { ok: false, problems: sortProblems(file.problems) };
  const result = validateRuleSet(file.value, registry, { tier: options.tier });
  const problems = sortProblems(result.problems.map((p) => file.place(p)));
  return { ok: result.ok && !problems.some((p) => p.severity === 'error'), problems };
}

/** Orders problems by file, line and column (the order an editor lists them). */
export function sortProblems(problems: SourceProblem[]): SourceProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** `path:line:col: error RC_CODE message`, then `  fix: …` on its own line. */
export function formatProblemText(p: SourceProblem): string {
  const head = `${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code} ${p.message}`;
  return p.fix ? `${head}\n  fix: ${p.fix}` : head;
}

/** A GitHub Actions workflow annotation (`::error file=…,line=…,col=…::…`). */
export function formatProblemGithub(p: SourceProblem): string {
  const props = [`file=${escapeProperty(p.file)}`, `line=${p.line}`, `col=${p.column}`];
  if (p.endLine !== undefined) props.push(`endLine=${p.endLine}`);
  if (p.endColumn !== undefined && p.endLine === p.line) props.push(`endColumn=${p.endColumn}`);
  props.push(`title=${escapeProperty(p.code)}`);
  const text = p.fix ? `${p.message}\nfix: ${p.fix}` : p.message;
  return `::${p.severity === 'warning' ? 'warning' : 'error'} ${props.join(',')}::${escapeData(text)}`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
