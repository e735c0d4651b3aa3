import type { CstElement, CstNode, CstNodeLocation, IToken } from 'chevrotain';
import type { Json, JsonObject } from '@rulecord/engine';
import { rulesParser } from './grammar.js';
import { pointerOf } from '../yaml/pointer.js';
import { closestKeyword } from './hints.js';

/** A span of DSL text, 1-based lines and columns (end inclusive, as chevrotain reports them). */
export interface DslSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A semantic mistake found while giving the CST its meaning. */
export interface VisitProblem {
  code: 'RC_DSL_DUPLICATE_CLAUSE' | 'RC_DSL_BAD_CLAUSE' | 'RC_DSL_SYNTAX';
  message: string;
  fix: string;
  span: DslSpan;
}

type Ctx = Record<string, CstElement[] | undefined>;

const OPERATOR_BY_SYMBOL: Record<string, string> = {
  '==': 'equal',
  '!=': 'notEqual',
  '<': 'lessThan',
  '<=': 'lessThanInclusive',
  '>': 'greaterThan',
  '>=': 'greaterThanInclusive',
  in: 'in',
  contains: 'contains',
  'not in': 'notIn',
  'not contains': 'doesNotContain',
};

// With defaults: the grammar's helper rules (`item`, `ruleClause`, `key`, `entry`…) are read by the methods of the
// rule that contains them, so this visitor only has methods for the rules it visits.
const BaseVisitor = rulesParser.getBaseCstVisitorConstructorWithDefaults<string, unknown>();

/**
 * Gives the CST its meaning: builds the rule document (plain JSON, key order as written) and remembers where each
 * JSON pointer came from, so problems found later by the engine point at the DSL text.
 */
export class DocumentBuilder extends BaseVisitor {
  readonly positions = new Map<string, DslSpan>();
  readonly keyPositions = new Map<string, DslSpan>();
  readonly problems: VisitProblem[] = [];
  /** Line where the previous step of the `then` being read ended (a lone word on it is not a new step). */
  private previousStepLine: number | undefined;

  document(ctx: Ctx): JsonObject {
    const doc: JsonObject = { apiVersion: 'rulecord/v1', kind: 'RuleSet' };
    const rules: Json[] = [];
    const seenTop = new Set<string>();
    for (const item of nodes(ctx.item)) {
      const c = item.children as Ctx;
      const g = first(c.guildClause);
      if (g) {
        this.once(seenTop, 'guild', g, 'the rule set');
        doc.guild = this.visit(firstNode(g, 'value'), '/guild') as Json;
        this.mark('/guild', g);
        continue;
      }
      const m = first(c.moduleClause);
      if (m) {
        const nameNode = firstNode(m, 'name');
        const name = this.visit(nameNode, '/modules/?') as Json;
        if (typeof name !== 'string') {
          this.bad(nameNode, 'a module name must be a name or a string', 'Write `module moderation { … }`.');
          continue;
        }
        const modules = this.objectAt(doc, 'modules');
        const pointer = pointerOf('/modules', name);
        if (Object.hasOwn(modules, name)) this.duplicate(m, `module ${name}`, 'the rule set');
        put(modules, name, this.visit(firstNode(m, 'settings'), pointer) as Json);
        this.keyPositions.set(pointer, spanOf(nameNode));
        continue;
      }
      const s = first(c.setClause);
      if (s) {
        const [key, value] = this.setPair(s, '');
        if (key === 'rules' && Array.isArray(value)) rules.push(...value);
        else put(doc, key, value);
        continue;
      }
      const r = first(c.ruleEntry);
      if (r) {
        rules.push(this.visit(r, pointerOf('/rules', rules.length)) as Json);
        continue;
      }
      const u = first(c.useEntry);
      if (u) rules.push(this.visit(u, pointerOf('/rules', rules.length)) as Json);
      const stray = first(c.stray);
      if (stray) this.stray(stray, 'an item (`guild`, `module`, `rule`, `use`)');
    }
    doc.rules = rules;
    return doc;
  }

  ruleEntry(ctx: Ctx, pointer: string): JsonObject {
    const rule: JsonObject = {};
    const idNode = nodes(ctx.id)[0];
    if (idNode) rule.id = this.visit(idNode, pointerOf(pointer, 'id')) as Json;
    this.markKey(pointerOf(pointer, 'id'), idNode);
    const seen = new Set<string>();
    for (const clauseNode of nodes(ctx.ruleClause)) {
      const clause = onlyChild(clauseNode);
      if (!clause) continue;
      this.ruleClause(clause, rule, pointer, seen);
    }
    this.markNode(pointer, ctx);
    return rule;
  }

  useEntry(ctx: Ctx, pointer: string): JsonObject {
    const entry: JsonObject = {};
    const idNode = nodes(ctx.id)[0];
    const templateNode = nodes(ctx.template)[0];
    if (idNode) entry.id = this.visit(idNode, pointerOf(pointer, 'id')) as Json;
    const use: JsonObject = {};
    if (templateNode) use.template = this.visit(templateNode, pointerOf(pointer, 'use', 'template')) as Json;
    entry.use = use;
    const seen = new Set<string>();
    for (const inputs of nodes(ctx.inputsClause)) {
      this.once(seen, 'inputs', inputs, 'a template use');
      use.inputs = this.visit(firstNode(inputs, 'value'), pointerOf(pointer, 'use', 'inputs')) as Json;
    }
    // Clauses other than `inputs` are collected in the order written.
    const others = [
      ...nodes(ctx.modeClause),
      ...nodes(ctx.enabledClause),
      ...nodes(ctx.disabledClause),
      ...nodes(ctx.setClause),
    ];
    others.sort((a, b) => startOffset(a) - startOffset(b));
    for (const clause of others) this.ruleClause(clause, entry, pointer, seen);
    this.markNode(pointer, ctx);
    return entry;
  }

  private ruleClause(clause: CstNode, rule: JsonObject, pointer: string, seen: Set<string>): void {
    const c = clause.children as Ctx;
    const at = (key: string, ...rest: (string | number)[]): string => pointerOf(pointer, key, ...rest);
    switch (clause.name) {
      case 'descriptionClause':
        this.once(seen, 'description', clause);
        rule.description = this.visit(firstNode(clause, 'value'), at('description')) as Json;
        this.markKey(at('description'), clause);
        return;
      case 'onClause':
        this.once(seen, 'on', clause);
        rule.on = this.valueList(firstNode(clause, 'valueList'), at('on'));
        this.markKey(at('on'), clause);
        return;
      case 'tagsClause':
        this.once(seen, 'tags', clause);
        {
          // Tags are always a list: `tags automod` is `[automod]`.
          const tags = this.valueList(firstNode(clause, 'valueList'), at('tags'));
          rule.tags = Array.isArray(tags) ? tags : [tags];
        }
        this.markKey(at('tags'), clause);
        return;
      case 'whereClause':
        this.where(clause, rule, at('where'));
        return;
      case 'ifClause':
        this.once(seen, 'if', clause);
        rule.if = this.visit(firstNode(clause, 'condition'), at('if')) as Json;
        this.markKey(at('if'), clause);
        return;
      case 'thenClause': {
        this.once(seen, 'then', clause);
        const steps: Json[] = [];
        this.previousStepLine = tokens(c.Kw_then)[0]?.startLine;
        for (const step of nodes(c.step)) {
          steps.push(this.visit(step, at('then', steps.length)) as Json);
          this.previousStepLine = step.location?.endLine;
        }
        this.previousStepLine = undefined;
        rule.then = steps;
        this.mark(at('then'), clause);
        this.markKey(at('then'), clause);
        return;
      }
      case 'modeClause':
        this.once(seen, 'mode', clause);
        rule.mode = this.visit(firstNode(clause, 'value'), at('mode')) as Json;
        this.markKey(at('mode'), clause);
        return;
      case 'enabledClause':
      case 'disabledClause': {
        this.once(seen, 'enabled', clause, undefined, '`enabled` / `disabled`');
        const v = nodes(c.value)[0];
        rule.enabled = clause.name === 'disabledClause' ? false : v ? (this.visit(v, at('enabled')) as Json) : true;
        if (!v) this.mark(at('enabled'), clause);
        this.markKey(at('enabled'), clause);
        return;
      }
      case 'cooldownClause':
      case 'rateClause': {
        const which = clause.name === 'cooldownClause' ? 'cooldown' : 'rate';
        this.once(seen, which, clause);
        const limits = this.objectAt(rule, 'limits');
        // Keys in the order the YAML documentation writes them: `{ per, max, window }`.
        const value: JsonObject = {};
        value.per = this.visit(firstNode(clause, 'per'), at('limits', which, 'per')) as Json;
        if (which === 'rate') value.max = this.visit(firstNode(clause, 'max'), at('limits', 'rate', 'max')) as Json;
        value.window = this.visit(firstNode(clause, 'window'), at('limits', which, 'window')) as Json;
        limits[which] = value;
        this.mark(at('limits', which), clause);
        this.markKey(at('limits', which), clause);
        if (!this.positions.has(at('limits'))) this.mark(at('limits'), clause);
        return;
      }
      case 'limitsClause':
        this.once(seen, 'limits', clause);
        if (seen.has('cooldown') || seen.has('rate')) {
          this.bad(
            clause,
            '`limits { … }` cannot be combined with `cooldown` or `rate` lines',
            'Use either `limits { … }` or `cooldown`/`rate` lines.',
          );
        }
        rule.limits = this.visit(firstNode(clause, 'value'), at('limits')) as Json;
        this.markKey(at('limits'), clause);
        return;
      case 'concurrencyClause': {
        this.once(seen, 'concurrency', clause);
        const mode = this.visit(firstNode(clause, 'mode'), at('concurrency')) as Json;
        const perNode = nodes(c.per)[0];
        if (perNode) {
          rule.concurrency = { mode, per: this.visit(perNode, at('concurrency', 'per')) as Json };
          this.positions.set(at('concurrency', 'mode'), spanOf(firstNode(clause, 'mode')));
          this.mark(at('concurrency'), clause);
        } else rule.concurrency = mode;
        this.markKey(at('concurrency'), clause);
        return;
      }
      case 'setClause': {
        const [key, value] = this.setPair(clause, pointer);
        if (Object.hasOwn(rule, key)) this.duplicate(clause, key, 'this rule');
        put(rule, key, value);
        return;
      }
      case 'stray':
        this.stray(clause, 'a clause (`on`, `where`, `if`, `then`, `mode`…) or a new `rule`');
        return;
      default:
        // Clauses that cannot appear here were refused by the grammar.
        return;
    }
  }

  private where(clause: CstNode, rule: JsonObject, pointer: string): void {
    const c = clause.children as Ctx;
    const objectNode = nodes(c.object)[0];
    if (objectNode) {
      if (rule.where !== undefined) this.duplicate(clause, 'where', 'this rule');
      rule.where = this.visit(objectNode, pointer) as Json;
      this.markKey(pointer, clause);
      return;
    }
    const where = this.objectAt(rule, 'where');
    if (!this.positions.has(pointer)) this.mark(pointer, clause);
    this.markKey(pointer, clause);
    const fieldNode = firstNode(clause, 'field');
    const field = this.keyText(fieldNode);
    const valueNode = nodes(c.value)[0];
    if (!valueNode) return;
    const sub = c.notIn ? 'notIn' : c.Kw_in ? 'in' : (tokens(c.sub)[0]?.image ?? undefined);
    if (sub === undefined) {
      if (Object.hasOwn(where, field)) this.duplicate(clause, `where ${field}`, 'this rule');
      put(where, field, this.visit(valueNode, pointerOf(pointer, field)) as Json);
      this.keyPositions.set(pointerOf(pointer, field), spanOf(fieldNode));
      return;
    }
    const target = where[field];
    let obj: JsonObject;
    if (target === undefined) {
      obj = {};
      put(where, field, obj);
      this.mark(pointerOf(pointer, field), clause);
      this.keyPositions.set(pointerOf(pointer, field), spanOf(fieldNode));
    } else if (target !== null && typeof target === 'object' && !Array.isArray(target)) obj = target;
    else {
      this.bad(clause, `\`where ${field}\` is given twice`, `Keep one \`where ${field}\` line.`);
      return;
    }
    if (Object.hasOwn(obj, sub))
      this.duplicate(clause, `where ${field} ${sub === 'notIn' ? 'not in' : sub}`, 'this rule');
    put(obj, sub, this.visit(valueNode, pointerOf(pointer, field, sub)) as Json);
    this.keyPositions.set(pointerOf(pointer, field, sub), spanOf(clause));
  }

  valueList(node: CstNode | CstNode[], pointer: string): Json {
    const n = Array.isArray(node) ? node[0] : node;
    if (!n) return null;
    const values = nodes((n.children as Ctx).value);
    if (values.length === 1 && values[0]) return this.visit(values[0], pointer) as Json;
    const list = values.map((v, i) => this.visit(v, pointerOf(pointer, i)) as Json);
    this.mark(pointer, n);
    return list;
  }

  condition(ctx: Ctx, pointer: string): Json {
    const parts = nodes(ctx.andCondition);
    if (parts.length === 1 && parts[0]) return this.visit(parts[0], pointer) as Json;
    this.markNode(pointer, ctx);
    return { any: parts.map((p, i) => this.visit(p, pointerOf(pointer, 'any', i)) as Json) };
  }

  andCondition(ctx: Ctx, pointer: string): Json {
    const parts = nodes(ctx.unaryCondition);
    if (parts.length === 1 && parts[0]) return this.visit(parts[0], pointer) as Json;
    this.markNode(pointer, ctx);
    return { all: parts.map((p, i) => this.visit(p, pointerOf(pointer, 'all', i)) as Json) };
  }

  unaryCondition(ctx: Ctx, pointer: string): Json {
    const inner = nodes(ctx.unaryCondition)[0];
    if (inner) {
      this.markNode(pointer, ctx);
      return { not: this.visit(inner, pointerOf(pointer, 'not')) as Json };
    }
    return this.visit(firstOf(ctx.primaryCondition), pointer) as Json;
  }

  primaryCondition(ctx: Ctx, pointer: string): Json {
    const inner =
      nodes(ctx.condition)[0] ?? nodes(ctx.object)[0] ?? nodes(ctx.groupCondition)[0] ?? nodes(ctx.leafCondition)[0];
    return inner ? (this.visit(inner, pointer) as Json) : null;
  }

  groupCondition(ctx: Ctx, pointer: string): Json {
    const kindToken = tokens(ctx.kind)[0];
    const kind = kindToken?.image ?? 'all';
    this.markNode(pointer, ctx);
    if (kind !== 'all' && kind !== 'any') {
      if (kindToken) {
        this.problems.push({
          code: 'RC_DSL_BAD_CLAUSE',
          message: `\`${kind} of (…)\` is not a condition group`,
          fix: 'Write `all of (a, b)` (every condition holds) or `any of (a, b)` (at least one holds).',
          span: tokenSpan(kindToken),
        });
      }
    }
    const key = kind === 'any' ? 'any' : 'all';
    return { [key]: nodes(ctx.condition).map((c, i) => this.visit(c, pointerOf(pointer, key, i)) as Json) };
  }

  leafCondition(ctx: Ctx, pointer: string): Json {
    const factToken = tokens(ctx.fact)[0];
    const leaf: JsonObject = {};
    if (factToken) {
      leaf.fact = factToken.tokenType.name === 'StringLit' ? (JSON.parse(factToken.image) as string) : factToken.image;
      this.positions.set(pointerOf(pointer, 'fact'), tokenSpan(factToken));
    }
    leaf.operator = this.operatorName(firstOf(ctx.operator), pointerOf(pointer, 'operator'));
    const expected = nodes(ctx.expected)[0];
    if (expected) leaf.value = this.visit(expected, pointerOf(pointer, 'value')) as Json;
    const path = nodes(ctx.path)[0];
    if (path) leaf.path = this.visit(path, pointerOf(pointer, 'path')) as Json;
    const params = nodes(ctx.params)[0];
    if (params) leaf.params = this.visit(params, pointerOf(pointer, 'params')) as Json;
    this.markNode(pointer, ctx);
    return leaf;
  }

  params(ctx: Ctx, pointer: string): Json {
    return this.entries(ctx, pointer);
  }

  private operatorName(node: CstNode | undefined, pointer: string): string {
    if (!node) return '';
    const toks = allTokens(node);
    const firstToken = toks[0];
    if (!firstToken) return '';
    this.positions.set(pointer, { ...tokenSpan(firstToken), ...endOf(toks[toks.length - 1] ?? firstToken) });
    if (firstToken.tokenType.name === 'StringLit') return JSON.parse(firstToken.image) as string;
    if (firstToken.tokenType.name === 'Name') return firstToken.image;
    if (firstToken.tokenType.name === 'Equals') {
      this.problems.push({
        code: 'RC_DSL_BAD_CLAUSE',
        message: '`=` is not a comparison',
        fix: 'To compare, write `==` (equal) or `!=` (not equal).',
        span: tokenSpan(firstToken),
      });
      return 'equal';
    }
    const text = toks.map((t) => t.image).join(' ');
    return (Object.hasOwn(OPERATOR_BY_SYMBOL, text) ? OPERATOR_BY_SYMBOL[text] : undefined) ?? text;
  }

  step(ctx: Ctx, pointer: string): Json {
    const wait = nodes(ctx.duration)[0];
    if (wait) {
      this.markNode(pointer, ctx);
      const value = this.visit(wait, pointerOf(pointer, 'wait')) as Json;
      this.keyPositions.set(pointerOf(pointer, 'wait'), spanOfCtx(ctx));
      return { wait: value };
    }
    const raw = nodes(ctx.raw)[0];
    if (raw) return this.visit(raw, pointer) as Json;
    return this.visit(firstOf(ctx.actionStep), pointer) as Json;
  }

  actionStep(ctx: Ctx, pointer: string): Json {
    const actionToken = tokens(ctx.action)[0];
    const action = actionToken
      ? actionToken.tokenType.name === 'StringLit'
        ? (JSON.parse(actionToken.image) as string)
        : actionToken.image
      : '';
    const step: JsonObject = {};
    const paramsPointer = pointerOf(pointer, action);
    // Actions are always `area.name`. A lone word on the line of the step before it is the rest of that step
    // (unquoted text, or a parameter without `:`); a lone word that looks like a clause word is a misspelt clause.
    const loneWord = actionToken !== undefined && actionToken.tokenType.name === 'Name' && !action.includes('.');
    if (loneWord && this.previousStepLine !== undefined && actionToken.startLine === this.previousStepLine) {
      this.problems.push({
        code: 'RC_DSL_SYNTAX',
        message: `unexpected \`${action}\`; a step ends at the end of its parameters`,
        fix: 'Put text with spaces between double quotes ("New account"), and write each parameter as `key: value`, separated by commas.',
        span: tokenSpan(actionToken),
      });
    } else if (loneWord && action.length >= 3 && closestKeyword(action)) {
      this.stray({ Name: [actionToken] }, 'an action (`area.name`) or a clause (`on`, `where`, `if`, `mode`…)');
    }
    const object = nodes(ctx.object)[0];
    const withValue = nodes(ctx.value)[0];
    const inline = nodes(ctx.inlineParams)[0];
    if (object) put(step, action, this.visit(object, paramsPointer) as Json);
    else if (withValue) put(step, action, this.visit(withValue, paramsPointer) as Json);
    else if (inline) {
      put(step, action, this.entries(inline.children as Ctx, paramsPointer));
      this.mark(paramsPointer, inline);
    } else {
      put(step, action, {});
      if (actionToken) this.positions.set(paramsPointer, tokenSpan(actionToken));
    }
    if (actionToken) this.keyPositions.set(paramsPointer, tokenSpan(actionToken));
    const seen = new Set<string>();
    for (const option of nodes(ctx.stepOption)) {
      const o = option.children as Ctx;
      if (o.Kw_retry) {
        this.once(seen, 'retry', option, 'this step');
        const attempts = this.visit(firstNode(option, 'attempts'), pointerOf(pointer, 'retry', 'attempts')) as Json;
        const backoffNode = nodes(o.backoff)[0];
        if (o.Kw_times) {
          const retry: JsonObject = { attempts };
          if (backoffNode) retry.backoff = this.visit(backoffNode, pointerOf(pointer, 'retry', 'backoff')) as Json;
          step.retry = retry;
          this.mark(pointerOf(pointer, 'retry'), option);
        } else {
          if (backoffNode || typeof attempts === 'number') {
            this.bad(
              option,
              '`retry` needs `times` after the number of attempts',
              'Write `retry 3 times` or `retry 3 times backoff 10s`.',
            );
          }
          step.retry = this.visit(firstNode(option, 'attempts'), pointerOf(pointer, 'retry')) as Json;
        }
        this.keyPositions.set(pointerOf(pointer, 'retry'), spanOf(option));
      } else if (o.Kw_error) {
        this.once(seen, 'on error', option, 'this step');
        step.onError = this.visit(firstNode(option, 'onError'), pointerOf(pointer, 'onError')) as Json;
        this.keyPositions.set(pointerOf(pointer, 'onError'), spanOf(option));
      } else {
        this.once(seen, 'as', option, 'this step');
        step.as = this.visit(firstNode(option, 'as'), pointerOf(pointer, 'as')) as Json;
        this.keyPositions.set(pointerOf(pointer, 'as'), spanOf(option));
      }
    }
    this.markNode(pointer, ctx);
    return step;
  }

  object(ctx: Ctx, pointer: string): Json {
    this.markNode(pointer, ctx);
    return this.entries(ctx, pointer);
  }

  array(ctx: Ctx, pointer: string): Json {
    this.markNode(pointer, ctx);
    return nodes(ctx.value).map((v, i) => this.visit(v, pointerOf(pointer, i)) as Json);
  }

  perValue(ctx: Ctx, pointer: string): Json {
    const guild = tokens(ctx.Kw_guild)[0];
    if (guild) {
      this.positions.set(pointer, tokenSpan(guild));
      return 'guild';
    }
    return this.visit(firstOf(ctx.value), pointer) as Json;
  }

  value(ctx: Ctx, pointer: string): Json {
    const object = nodes(ctx.object)[0];
    if (object) return this.visit(object, pointer) as Json;
    const array = nodes(ctx.array)[0];
    if (array) return this.visit(array, pointer) as Json;
    const token = firstToken(ctx);
    if (!token) return null;
    this.positions.set(pointer, tokenSpan(token));
    return tokenValue(token);
  }

  private entries(ctx: Ctx, pointer: string): JsonObject {
    const out: JsonObject = {};
    for (const entry of nodes(ctx.entry)) {
      const e = entry.children as Ctx;
      const keyNode = firstOf(e.key);
      const key = this.keyText(keyNode);
      const valueNode = nodes(e.value)[0];
      const p = pointerOf(pointer, key);
      if (Object.hasOwn(out, key)) {
        this.problems.push({
          code: 'RC_DSL_DUPLICATE_CLAUSE',
          message: `the key \`${key}\` is given twice in the same object`,
          fix: 'Keep one of the two entries.',
          span: spanOf(entry),
        });
      }
      put(out, key, valueNode ? (this.visit(valueNode, p) as Json) : null);
      if (keyNode) this.keyPositions.set(p, spanOf(keyNode));
    }
    return out;
  }

  private setPair(clause: CstNode, pointer: string): [string, Json] {
    const c = clause.children as Ctx;
    const keyNode = firstOf(c.key);
    const key = this.keyText(keyNode);
    const p = pointerOf(pointer, key);
    const value = this.visit(firstNode(clause, 'value'), p) as Json;
    this.keyPositions.set(p, spanOf(clause));
    return [key, value];
  }

  private keyText(node: CstNode | undefined): string {
    const token = node ? firstToken(node.children as Ctx) : undefined;
    if (!token) return '';
    return token.tokenType.name === 'StringLit' ? (JSON.parse(token.image) as string) : token.image;
  }

  private objectAt(parent: JsonObject, key: string): JsonObject {
    const existing = parent[key];
    if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) return existing;
    const created: JsonObject = {};
    parent[key] = created;
    return created;
  }

  private once(seen: Set<string>, clause: string, node: CstNode, where = 'this rule', label = `\`${clause}\``): void {
    if (seen.has(clause)) this.duplicate(node, label.replace(/`/g, ''), where);
    seen.add(clause);
  }

  private duplicate(node: CstNode, clause: string, where: string): void {
    this.problems.push({
      code: 'RC_DSL_DUPLICATE_CLAUSE',
      message: `\`${clause}\` is given twice in ${where}`,
      fix: `Keep one \`${clause}\` clause (the second one is reported here).`,
      span: spanOf(node),
    });
  }

  stray(node: CstNode | Ctx, expected?: string): void {
    if (!expected) return;
    const token = firstToken(((node as CstNode).children ?? node) as Ctx);
    if (!token) return;
    const near = closestKeyword(token.image);
    this.problems.push({
      code: 'RC_DSL_SYNTAX',
      message: `unexpected \`${token.image}\`; expected ${expected}`,
      fix: near
        ? `Did you mean \`${near}\`? Each line of a rule starts with a clause word (on, where, if, then, mode, cooldown…).`
        : 'Start each clause of a rule with its word (on, where, if, then…), and put text between double quotes. See docs/dsl.md.',
      span: tokenSpan(token),
    });
  }

  private bad(node: CstNode, message: string, fix: string): void {
    this.problems.push({ code: 'RC_DSL_BAD_CLAUSE', message, fix, span: spanOf(node) });
  }

  private mark(pointer: string, node: CstNode): void {
    this.positions.set(pointer, spanOf(node));
  }

  private markKey(pointer: string, node: CstNode | undefined): void {
    if (node) this.keyPositions.set(pointer, spanOf(node));
  }

  private markNode(pointer: string, ctx: Ctx): void {
    this.positions.set(pointer, spanOfCtx(ctx));
  }
}

/** Sets an own property, even `__proto__` (a plain assignment would change the prototype instead). */
function put(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function nodes(list: CstElement[] | undefined): CstNode[] {
  return (list ?? []).filter((e): e is CstNode => 'children' in e);
}
function tokens(list: CstElement[] | undefined): IToken[] {
  return (list ?? []).filter((e): e is IToken => 'image' in e);
}
function first(list: CstElement[] | undefined): CstNode | undefined {
  return nodes(list)[0];
}
function firstOf(list: CstElement[] | undefined): CstNode {
  // After error recovery a child may be missing; an empty value node stands in.
  return nodes(list)[0] ?? { name: 'value', children: {} };
}
function firstNode(node: CstNode, label: string): CstNode {
  const found = nodes((node.children as Ctx)[label])[0];
  // The grammar guarantees the child; after error recovery it may be missing, and an empty value stands in.
  return found ?? { name: 'value', children: {} };
}
/** Where a node starts in the text (nodes always carry their location: `nodeLocationTracking: 'full'`). */
function startOffset(node: CstNode): number {
  return (node.location as CstNodeLocation).startOffset;
}
function onlyChild(node: CstNode): CstNode | undefined {
  for (const list of Object.values(node.children)) {
    const n = nodes(list)[0];
    if (n) return n;
  }
  return undefined;
}
function firstToken(ctx: Ctx): IToken | undefined {
  let best: IToken | undefined;
  for (const list of Object.values(ctx)) {
    for (const t of tokens(list)) if (!best || t.startOffset < best.startOffset) best = t;
  }
  return best;
}
function allTokens(node: CstNode): IToken[] {
  const out: IToken[] = [];
  for (const list of Object.values(node.children)) {
    for (const e of list ?? []) {
      if ('image' in e) out.push(e);
      else out.push(...allTokens(e));
    }
  }
  return out.sort((a, b) => a.startOffset - b.startOffset);
}

/** The JSON value of a literal token. */
export function tokenValue(token: IToken): Json {
  switch (token.tokenType.name) {
    case 'StringLit':
      return JSON.parse(token.image) as string;
    case 'NumberLit':
      return token.image === '-0' ? -0 : (JSON.parse(token.image) as number);
    case 'Kw_true':
      return true;
    case 'Kw_false':
      return false;
    case 'Kw_null':
      return null;
    default:
      return token.image;
  }
}

// The lexer and the parser track full positions (lexer.ts, grammar.ts), so every token and every node that holds
// tokens has its lines and columns; a token inserted by error recovery has NaN there, never `undefined`.
function tokenSpan(token: IToken): DslSpan {
  return { line: token.startLine as number, column: token.startColumn as number, ...endOf(token) };
}
function endOf(token: IToken): { endLine: number; endColumn: number } {
  return { endLine: token.endLine as number, endColumn: token.endColumn as number };
}
function spanOf(node: CstNode | undefined): DslSpan {
  const loc = node?.location;
  if (!loc || Number.isNaN(loc.startOffset)) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return {
    line: loc.startLine as number,
    column: loc.startColumn as number,
    endLine: loc.endLine as number,
    endColumn: loc.endColumn as number,
  };
}
function spanOfCtx(ctx: Ctx): DslSpan {
  let lo: IToken | undefined;
  let hi: IToken | undefined;
  const visit = (list: CstElement[] | undefined): void => {
    for (const e of list ?? []) {
      if ('image' in e) {
        if (Number.isNaN(e.startOffset)) continue;
        if (!lo || e.startOffset < lo.startOffset) lo = e;
        if (!hi || e.startOffset > hi.startOffset) hi = e;
      } else for (const l of Object.values(e.children)) visit(l);
    }
  };
  for (const list of Object.values(ctx)) visit(list);
  if (!lo || !hi) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return { ...tokenSpan(lo), ...endOf(hi) };
}
