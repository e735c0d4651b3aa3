import { RulecordError } from '@rulecord/engine';
import { DURATION_PATTERN, KEYWORD_WORDS, NAME_PATTERN } from './lexer.js';

const NAME_RE = new RegExp(`^(?:${NAME_PATTERN.source})$`);
const DURATION_RE = new RegExp(`^(?:${DURATION_PATTERN.source})$`);
const WIDTH = 100;

const SYMBOL_BY_OPERATOR: Record<string, string> = {
  equal: '==',
  notEqual: '!=',
  lessThan: '<',
  lessThanInclusive: '<=',
  greaterThan: '>',
  greaterThanInclusive: '>=',
  in: 'in',
  notIn: 'not in',
  contains: 'contains',
  doesNotContain: 'not contains',
};
const STEP_OPTIONS = new Set(['retry', 'onError', 'as']);

type Obj = Record<string, unknown>;

/**
 * Writes a rule document in the DSL. Every valid document can be written, and `parseDsl(printDsl(doc))` gives it
 * back unchanged (the same JSON, in the same key order for rules). Throws `RC_DSL_UNPRINTABLE` for data that is not
 * a rule document at all (run `validate` first).
 *
 * @example
 * printDsl({ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1', rules: [] }); // 'guild "1"\n'
 */
export function printDsl(document: unknown): string {
  if (!isObj(document)) unprintable('', 'the document is not an object');
  if (document.apiVersion === undefined || document.kind === undefined) {
    unprintable('', 'the document has no `apiVersion` or `kind`');
  }
  const blocks: string[] = [];
  const head: string[] = [];
  if (document.apiVersion !== 'rulecord/v1') head.push(`set apiVersion = ${value(document.apiVersion, '')}`);
  if (document.kind !== 'RuleSet') head.push(`set kind = ${value(document.kind, '')}`);
  if (Object.hasOwn(document, 'guild')) head.push(`guild ${value(document.guild, '')}`);
  if (head.length > 0) blocks.push(head.join('\n'));
  if (Object.hasOwn(document, 'modules')) {
    const modules = document.modules;
    if (isObj(modules) && Object.keys(modules).length > 0) {
      for (const [id, settings] of Object.entries(modules))
        blocks.push(`module ${value(id, '')} ${value(settings, '')}`);
    } else blocks.push(`set modules = ${value(modules, '')}`);
  }
  const extra: string[] = [];
  for (const [key, v] of Object.entries(document)) {
    if (['apiVersion', 'kind', 'guild', 'modules', 'rules'].includes(key)) continue;
    extra.push(`set ${printKey(key)} = ${value(v, '')}`);
  }
  if (extra.length > 0) blocks.push(extra.join('\n'));
  const rules = document.rules;
  if (rules === undefined) unprintable('/rules', 'the document has no `rules` list');
  if (!Array.isArray(rules)) unprintable('/rules', '`rules` is not a list');
  rules.forEach((entry, i) => blocks.push(printEntry(entry, `/rules/${i}`)));
  return `${blocks.join('\n\n')}\n`;
}

function printEntry(entry: unknown, pointer: string): string {
  if (!isObj(entry)) unprintable(pointer, 'a rule is not an object');
  if (!Object.hasOwn(entry, 'id')) unprintable(pointer, 'a rule has no `id`');
  return Object.hasOwn(entry, 'use') ? printUse(entry, pointer) : printRule(entry);
}

function printUse(entry: Obj, pointer: string): string {
  const use = entry.use;
  if (
    !isObj(use) ||
    !Object.hasOwn(use, 'template') ||
    Object.keys(use).some((k) => k !== 'template' && k !== 'inputs')
  ) {
    unprintable(`${pointer}/use`, '`use` must hold `template` and optionally `inputs`');
  }
  const lines = [`use ${value(use.template, '')} as ${value(entry.id, '')}`];
  if (Object.hasOwn(use, 'inputs')) lines.push(`  inputs ${value(use.inputs, '  ')}`);
  for (const [key, v] of Object.entries(entry)) {
    if (key === 'id' || key === 'use') continue;
    if (key === 'mode') lines.push(`  mode ${value(v, '  ')}`);
    else if (key === 'enabled') lines.push(enabledLine(v));
    else lines.push(`  set ${printKey(key)} = ${value(v, '  ')}`);
  }
  return lines.join('\n');
}

function enabledLine(v: unknown): string {
  if (v === true) return '  enabled';
  if (v === false) return '  disabled';
  return `  enabled ${value(v, '  ')}`;
}

function printRule(rule: Obj): string {
  const lines = [`rule ${value(rule.id, '')}`];
  const I = '  ';
  for (const [key, v] of Object.entries(rule)) {
    switch (key) {
      case 'id':
        break;
      case 'description':
        lines.push(`${I}description ${value(v, I)}`);
        break;
      case 'enabled':
        lines.push(enabledLine(v));
        break;
      case 'on':
        lines.push(`${I}on ${list(v, I)}`);
        break;
      case 'tags':
        // `tags a` reads as `[a]`, so a one-tag list needs no brackets; a tags value that is not a list needs `set`.
        if (Array.isArray(v) && v.length === 1 && !Array.isArray(v[0])) lines.push(`${I}tags ${value(v[0], I)}`);
        else if (Array.isArray(v)) lines.push(`${I}tags ${list(v, I)}`);
        else lines.push(`${I}set tags = ${value(v, I)}`);
        break;
      case 'mode':
        lines.push(`${I}mode ${value(v, I)}`);
        break;
      case 'where':
        lines.push(...whereLines(v));
        break;
      case 'if':
        if (isObj(v) && conditionPrintable(v)) lines.push(`${I}if ${condition(v, 'top', I)}`);
        else lines.push(`${I}set if = ${value(v, I)}`);
        break;
      case 'then':
        if (Array.isArray(v) && v.every(isObj)) {
          lines.push(`${I}then`);
          for (const step of v) lines.push(`${I}${I}${printStep(step, I + I)}`);
        } else lines.push(`${I}set then = ${value(v, I)}`);
        break;
      case 'limits':
        lines.push(...limitsLines(v));
        break;
      case 'concurrency':
        if (isObj(v) && sameKeys(v, ['mode', 'per']))
          lines.push(`${I}concurrency ${value(v.mode, I)} per ${perValue(v.per)}`);
        else lines.push(`${I}concurrency ${value(v, I)}`);
        break;
      default:
        lines.push(`${I}set ${printKey(key)} = ${value(v, I)}`);
    }
  }
  return lines.join('\n');
}

function whereLines(where: unknown): string[] {
  const I = '  ';
  if (!isObj(where)) return [`${I}set where = ${value(where, I)}`];
  const entries = Object.entries(where);
  if (entries.length === 0) return [`${I}where {}`];
  const lines: string[] = [];
  for (const [field, v] of entries) {
    const f = printKey(field);
    const subs = isObj(v) ? Object.entries(v) : [];
    const sugar = subs.length > 0 && subs.every(([k]) => k === 'in' || k === 'notIn' || isBareName(k));
    if (!sugar) {
      lines.push(`${I}where ${f} ${value(v, I)}`);
      continue;
    }
    for (const [sub, sv] of subs) {
      const word = sub === 'in' ? 'in' : sub === 'notIn' ? 'not in' : `${sub} of`;
      lines.push(`${I}where ${f} ${word} ${value(sv, I)}`);
    }
  }
  return lines;
}

function limitsLines(limits: unknown): string[] {
  const I = '  ';
  const sugar =
    isObj(limits) &&
    Object.keys(limits).length > 0 &&
    Object.entries(limits).every(
      ([k, v]) =>
        (k === 'cooldown' && isObj(v) && sameKeys(v, ['window', 'per'])) ||
        (k === 'rate' && isObj(v) && sameKeys(v, ['max', 'window', 'per'])),
    );
  if (!sugar) return [`${I}limits ${value(limits, I)}`];
  return Object.entries(limits as Obj).map(([k, v]) => {
    const o = v as Obj;
    return k === 'cooldown'
      ? `${I}cooldown ${value(o.window, I)} per ${perValue(o.per)}`
      : `${I}rate ${value(o.max, I)} per ${value(o.window, I)} per ${perValue(o.per)}`;
  });
}

function perValue(v: unknown): string {
  return v === 'guild' ? 'guild' : value(v, '');
}

function printStep(step: Obj, indent: string): string {
  const raw = (): string => `step ${value(step, indent)}`;
  const keys = Object.keys(step);
  if (keys.length === 1 && keys[0] === 'wait') return `wait ${value(step.wait, indent)}`;
  const actions = keys.filter((k) => !STEP_OPTIONS.has(k));
  if (actions.length !== 1 || actions[0] === 'wait') return raw();
  const action = actions[0] as string;
  const retry = step.retry;
  if (Object.hasOwn(step, 'retry') && typeof retry === 'number') return raw();
  // A one-word action is quoted: written bare it would read as a misspelt clause word (actions are `area.name`).
  let line = action.includes('.') ? printName(action) : JSON.stringify(action);
  const params = step[action];
  if (isObj(params)) {
    const entries = Object.entries(params);
    if (entries.length > 0) {
      const inline = entries.map(([k, v]) => `${printKey(k)}: ${value(v, indent + '  ')}`).join(', ');
      if (!inline.includes('\n') && indent.length + line.length + 1 + inline.length <= WIDTH) line += ` ${inline}`;
      else line += ` ${block(entries, indent)}`;
    }
  } else line += ` with ${value(params, indent)}`;
  const options: string[] = [];
  for (const key of keys) {
    const v = step[key];
    if (key === 'retry') {
      if (
        isObj(v) &&
        Object.hasOwn(v, 'attempts') &&
        Object.keys(v).every((k) => k === 'attempts' || k === 'backoff')
      ) {
        options.push(
          `retry ${value(v.attempts, indent)} times${Object.hasOwn(v, 'backoff') ? ` backoff ${value(v.backoff, indent)}` : ''}`,
        );
      } else options.push(`retry ${value(v, indent)}`);
    } else if (key === 'onError') options.push(`on error ${value(v, indent)}`);
    else if (key === 'as') options.push(`as ${value(v, indent)}`);
  }
  for (const o of options) line += `\n${indent}  ${o}`;
  return line;
}

// ── Conditions ──────────────────────────────────────────────────────────────────────────────────────────────

type CondContext = 'top' | 'and' | 'or' | 'not' | 'group';

function conditionPrintable(c: unknown): boolean {
  if (!isObj(c)) return false;
  const keys = Object.keys(c);
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any') && Array.isArray(c[keys[0]])) {
    return (c[keys[0]] as unknown[]).every(conditionPrintable);
  }
  if (keys.length === 1 && keys[0] === 'not' && isObj(c.not)) return conditionPrintable(c.not);
  return true;
}

/** A condition that `conditionPrintable` accepted: groups hold objects only. */
function condition(c: Obj, context: CondContext, indent: string): string {
  const keys = Object.keys(c);
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any') && Array.isArray(c[keys[0]])) {
    const kind = keys[0];
    const items = c[kind] as Obj[];
    if (items.length < 2) return `${kind} of (${items.map((x) => condition(x, 'group', indent)).join(', ')})`;
    const word = kind === 'all' ? 'and' : 'or';
    const parts = items.map((x) => condition(x, kind === 'all' ? 'and' : 'or', indent));
    if (context === 'top') return parts.join(`\n${indent}  ${word} `);
    const joined = parts.join(` ${word} `);
    return context === 'group' ? joined : `(${joined})`;
  }
  if (keys.length === 1 && keys[0] === 'not' && isObj(c.not)) return `not ${condition(c.not, 'not', indent)}`;
  if (isLeaf(c)) return leaf(c, indent);
  return value(c, indent);
}

function isLeaf(c: Obj): boolean {
  return (
    typeof c.fact === 'string' &&
    typeof c.operator === 'string' &&
    Object.hasOwn(c, 'value') &&
    (!Object.hasOwn(c, 'params') || isObj(c.params)) &&
    Object.keys(c).every((k) => ['fact', 'operator', 'value', 'path', 'params'].includes(k))
  );
}

function leaf(c: Obj, indent: string): string {
  let out = printName(c.fact as string);
  if (Object.hasOwn(c, 'params')) {
    out += `(${Object.entries(c.params as Obj)
      .map(([k, v]) => `${printKey(k)}: ${value(v, indent)}`)
      .join(', ')})`;
  }
  if (Object.hasOwn(c, 'path')) out += ` at ${value(c.path, indent)}`;
  const op = c.operator as string;
  const symbol =
    (Object.hasOwn(SYMBOL_BY_OPERATOR, op) ? SYMBOL_BY_OPERATOR[op] : undefined) ??
    (isBareName(op) ? op : JSON.stringify(op));
  return `${out} ${symbol} ${value(c.value, indent)}`;
}

// ── Values ──────────────────────────────────────────────────────────────────────────────────────────────────

/** A JSON value in DSL notation: `{ a: 1 }`, `[x, "two words"]`, `30s`, `"223344"`; long ones over several lines. */
export function value(v: unknown, indent: string): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) unprintable('', `the number ${String(v)} cannot be written in JSON`);
    return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  }
  if (typeof v === 'string') return isBareName(v) || DURATION_RE.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => value(x, indent + '  '));
    const inline = `[${items.join(', ')}]`;
    if (!inline.includes('\n') && indent.length + inline.length <= WIDTH - 20) return inline;
    return `[\n${items.map((x) => `${indent}  ${x}`).join('\n')}\n${indent}]`;
  }
  if (isObj(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    const inline = `{ ${entries.map(([k, x]) => `${printKey(k)}: ${value(x, indent + '  ')}`).join(', ')} }`;
    if (!inline.includes('\n') && indent.length + inline.length <= WIDTH - 20) return inline;
    return block(entries, indent);
  }
  return unprintable('', `a ${typeof v} is not JSON`);
}

function block(entries: [string, unknown][], indent: string): string {
  return `{\n${entries.map(([k, x]) => `${indent}  ${printKey(k)}: ${value(x, indent + '  ')}`).join('\n')}\n${indent}}`;
}

function list(v: unknown, indent: string): string {
  if (Array.isArray(v) && v.length >= 2) return v.map((x) => value(x, indent)).join(', ');
  return value(v, indent);
}

function printKey(k: string): string {
  return NAME_RE.test(k) ? k : JSON.stringify(k);
}

function printName(name: string): string {
  return isBareName(name) ? name : JSON.stringify(name);
}

function isBareName(s: string): boolean {
  return NAME_RE.test(s) && !KEYWORD_WORDS.has(s);
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sameKeys(o: Obj, keys: string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
}

function unprintable(pointer: string, why: string): never {
  throw new RulecordError(
    'RC_DSL_UNPRINTABLE',
    `cannot write this document in the DSL: ${why}${pointer ? ` (at ${pointer})` : ''}`,
    {
      pointer,
      fix: 'Validate the document (`rulecord validate`) and fix the problems it reports, then convert again.',
    },
  );
}
