import type { ErrorObject } from 'ajv';
import { checkCondition } from '../compile/index.js';
import { errorCodeInfo } from '../errors/codes.js';
import type { Problem } from '../errors/error.js';
import type { JsonObject } from '../model/document.js';
import { isDuration, parseDuration } from '../model/duration.js';
import type { ModuleCheckContext, ModuleDefinition, Tier } from '../model/module.js';
import { getAtPointer, joinPointer, parsePointer } from '../model/pointer.js';
import { parseTemplateRef, type Registry } from '../model/registry.js';
import { instantiateTemplate, type ResolvedRule } from '../model/template.js';
import { describeValue, translateAjvErrors, type TranslateOptions } from './ajv.js';
import { compiledRegistry, coreDocumentValidator, type CompiledRegistry } from './document-schema.js';
import { compileValue } from '../runtime/variables.js';
import { hasPlaceholder, placeholderPart } from './placeholders.js';
import { didYouMean, suggest } from './suggest.js';

/** A validated rule set, ready to compile: template uses instantiated, module settings with their defaults. */
export interface ResolvedRuleSet {
  guild: string;
  /**
   * Module settings by module id: the guild's own over its templates' over the schema's defaults. Every module with a
   * settings schema is here (with its defaults when nothing configures it), unless its schema requires something that
   * nobody gave; a module without a schema is here only when the document or a template configures it.
   */
  modules: Record<string, JsonObject>;
  rules: ResolvedRule[];
}

export type ValidationResult =
  { ok: true; /** warnings only */ problems: Problem[]; ruleSet: ResolvedRuleSet } | { ok: false; problems: Problem[] };

type Obj = Record<string, unknown>;
/** Module settings a template use brings: where the use is, which template, its `modules`. */
interface TemplateSettings {
  at: string;
  template: string;
  modules: Record<string, JsonObject>;
}
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const STEP_OPTIONS = new Set(['retry', 'onError', 'as']);
const MAX_WALK_DEPTH = 200;

/**
 * The first segment of `path` that a payload schema says is not there (it lists `properties`, the segment is not one
 * of them, and no `additionalProperties` / `patternProperties` schema admits it); `undefined` when the path fits or
 * the schema does not say.
 */
function missingField(schema: unknown, path: readonly string[]): { field: string; known: string[] } | undefined {
  let node = schema;
  for (const segment of path) {
    if (!isObject(node) || node.anyOf || node.oneOf || node.allOf || node.$ref) return undefined;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (segment === 'length' && (types.includes('array') || types.includes('string'))) return undefined;
    if (/^\d+$/.test(segment) && types.includes('array')) {
      node = node.items;
      continue;
    }
    const properties = node.properties;
    if (!isObject(properties)) return undefined;
    if (Object.hasOwn(properties, segment)) {
      node = properties[segment];
      continue;
    }
    if (isObject(node.additionalProperties) || isObject(node.patternProperties)) return undefined;
    return { field: segment, known: Object.keys(properties) };
  }
  return undefined;
}

/** Merges settings: objects deeply, everything else (lists included) replaced by `over`. */
function mergeSettings(under: unknown, over: unknown, depth = 0): unknown {
  if (!isObject(under) || !isObject(over) || depth > MAX_WALK_DEPTH) return structuredClone(over);
  const out: Obj = structuredClone(under);
  for (const [k, v] of Object.entries(over)) {
    const merged = mergeSettings(Object.hasOwn(out, k) ? out[k] : undefined, v, depth + 1);
    Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

class Validation {
  readonly problems: Problem[] = [];
  constructor(
    readonly registry: Registry,
    readonly compiled: CompiledRegistry,
    readonly tier: Tier,
  ) {}

  error(code: string, message: string, pointer: string, fix?: string, sink: Problem[] = this.problems): void {
    sink.push(
      fix === undefined
        ? { code, message, pointer, severity: 'error' }
        : { code, message, pointer, fix, severity: 'error' },
    );
  }

  warning(code: string, message: string, pointer: string, fix: string, sink: Problem[] = this.problems): void {
    sink.push({ code, message, pointer, fix, severity: 'warning' });
  }

  /** `event.<path>`: a warning when a trigger event's payload schema lists its fields and the path is not one. */
  eventField(path: readonly string[], written: string, at: string, triggers: readonly string[], sink: Problem[]): void {
    if (path.length === 0) return;
    const lacking: string[] = [];
    let hint = '';
    for (const trigger of triggers) {
      const missing = missingField(this.registry.event(trigger)?.payload, path);
      if (missing) {
        lacking.push(trigger);
        hint ||= didYouMean(missing.field, missing.known);
      }
    }
    if (lacking.length === 0) return;
    this.warning(
      'RC_UNKNOWN_EVENT_FIELD',
      `\`${written}\` is not a field of ${lacking.map((t) => `\`${t}\``).join(', ')}: it reads as nothing.${hint}`,
      at,
      'Check the spelling against the event’s payload (docs/reference lists every event’s fields).',
      sink,
    );
  }

  schema(
    errors: readonly ErrorObject[] | null | undefined,
    data: unknown,
    options: TranslateOptions,
    sink: Problem[],
  ): void {
    sink.push(...translateAjvErrors(errors, data, options));
  }

  premium(what: string, isPremium: boolean, pointer: string, sink: Problem[]): void {
    if (isPremium && this.tier === 'free') {
      this.error(
        'RC_PREMIUM_REQUIRED',
        `${what} is premium-only, and this guild is on the free tier.`,
        pointer,
        'Upgrade the guild to premium, or remove it from the rule set.',
        sink,
      );
    }
  }

  isPremium(name: string, own: boolean | undefined): boolean {
    return Boolean(own) || Boolean(this.registry.ownerOf(name)?.premium);
  }

  /** Checks one rule (written, or instantiated from a template) into `sink`. */
  rule(rule: Obj, at: string, sink: Problem[]): void {
    const id = typeof rule.id === 'string' ? rule.id : undefined;
    if (!this.compiled.rule(rule)) {
      this.schema(
        this.compiled.rule.errors,
        rule,
        {
          base: at,
          code: 'RC_BAD_RULE',
          durationCode: 'RC_BAD_DURATION',
          noun: 'field',
          owner: id ? `of rule \`${id}\`` : '',
          root: id ? `Rule \`${id}\`` : 'A rule',
          codeFor: (path) => (path === '/id' ? 'RC_BAD_RULE_ID' : undefined),
        },
        sink,
      );
    }

    const triggers: string[] = [];
    const names =
      typeof rule.on === 'string'
        ? [[rule.on, joinPointer(at, 'on')] as const]
        : Array.isArray(rule.on)
          ? rule.on.map((n, i) => [n, joinPointer(at, 'on', i)] as const)
          : [];
    for (const [name, pointer] of names) {
      if (typeof name !== 'string') continue;
      if (this.registry.event(name)) triggers.push(name);
      else {
        this.error(
          'RC_UNKNOWN_EVENT',
          `Unknown event \`${name}\`.${didYouMean(
            name,
            this.registry.events().map((e) => e.name),
          )}`,
          pointer,
          'Use an event of an installed module (docs list them per module).',
          sink,
        );
      }
    }

    if (Object.hasOwn(rule, 'if')) {
      sink.push(...checkCondition(rule.if, joinPointer(at, 'if')));
      this.walkLeaves(rule.if, joinPointer(at, 'if'), 0, (leaf, pointer) => {
        if (typeof leaf.fact === 'string' && leaf.fact !== '') {
          this.fact(leaf.fact, joinPointer(pointer, 'fact'), leaf, pointer, triggers, sink);
        }
        if (isObject(leaf.value) && typeof leaf.value.fact === 'string' && leaf.value.fact !== '') {
          this.fact(
            leaf.value.fact,
            joinPointer(pointer, 'value', 'fact'),
            leaf.value,
            joinPointer(pointer, 'value'),
            triggers,
            sink,
          );
        }
      });
    }

    if (Array.isArray(rule.then)) {
      const stepNames = new Set<string>();
      rule.then.forEach((step, i) => this.step(step, joinPointer(at, 'then', i), triggers, stepNames, sink));
    }
  }

  walkLeaves(node: unknown, pointer: string, depth: number, visit: (leaf: Obj, pointer: string) => void): void {
    if (depth > MAX_WALK_DEPTH || !isObject(node)) return;
    let boolean = false;
    for (const key of ['any', 'all'] as const) {
      const children = node[key];
      if (Object.hasOwn(node, key)) boolean = true;
      if (Array.isArray(children))
        children.forEach((child, i) => this.walkLeaves(child, joinPointer(pointer, key, i), depth + 1, visit));
    }
    if (Object.hasOwn(node, 'not')) {
      boolean = true;
      this.walkLeaves(node.not, joinPointer(pointer, 'not'), depth + 1, visit);
    }
    if (!boolean && Object.hasOwn(node, 'fact')) visit(node, pointer);
  }

  /** A fact read by a condition leaf (or a `{ fact }` value reference) whose `params` live in `holder`. */
  fact(
    name: string,
    pointer: string,
    holder: Obj,
    holderPointer: string,
    triggers: readonly string[],
    sink: Problem[],
  ): void {
    if (name === 'now' || name === 'event') return;
    if (name.startsWith('event.')) {
      const path =
        typeof holder.path === 'string' && holder.path !== '' ? `${name.slice(6)}.${holder.path}` : name.slice(6);
      this.eventField(path.split('.'), `event.${path}`, pointer, triggers, sink);
      return;
    }
    const fact = this.registry.fact(name);
    if (!fact) {
      this.error(
        'RC_UNKNOWN_FACT',
        `Unknown fact \`${name}\`.${didYouMean(name, [...this.registry.facts().map((f) => f.name), 'now'])}`,
        pointer,
        'Use a fact of an installed module, `event.<field>` for a field of the event, or `now`.',
        sink,
      );
      return;
    }
    this.premium(`The fact \`${name}\``, this.isPremium(name, fact.premium), pointer, sink);
    if (fact.events) {
      const missing = triggers.filter((t) => !fact.events?.includes(t));
      if (missing.length > 0) {
        this.error(
          'RC_FACT_NOT_ON_EVENT',
          `The fact \`${name}\` is not available on ${missing.map((m) => `\`${m}\``).join(', ')}; it is available on ${fact.events.map((e) => `\`${e}\``).join(', ') || 'no event'}.`,
          pointer,
          'Trigger the rule on an event that carries what the fact needs, or use another fact.',
          sink,
        );
      }
    }
    const validate = this.compiled.factParams(name);
    const hasParams = Object.hasOwn(holder, 'params');
    const params = holder.params;
    if (validate) {
      if (hasParams && !isObject(params)) return; // checkCondition reports it
      const data = structuredClone(params ?? {});
      if (!validate(data)) {
        this.schema(
          validate.errors,
          data,
          {
            base: hasParams ? joinPointer(holderPointer, 'params') : holderPointer,
            code: 'RC_BAD_FACT_PARAMS',
            noun: 'parameter',
            owner: `of fact \`${name}\``,
            root: `The params of fact \`${name}\``,
          },
          sink,
        );
      }
    } else if (isObject(params) && Object.keys(params).length > 0) {
      this.error(
        'RC_BAD_FACT_PARAMS',
        `The fact \`${name}\` takes no parameters.`,
        joinPointer(holderPointer, 'params'),
        'Remove `params`.',
        sink,
      );
    }
  }

  step(step: unknown, at: string, triggers: readonly string[], stepNames: Set<string>, sink: Problem[]): void {
    if (!isObject(step)) {
      const fix =
        typeof step === 'string' && this.registry.action(step)
          ? `Write \`- ${step}: {}\` (an action with no parameters).`
          : 'Write e.g. `- message.delete: {}` or `- wait: 10m`.';
      this.error(
        'RC_BAD_STEP',
        `A step must be an object — one action with its parameters, or \`wait\` — not ${describeValue(step)}.`,
        at,
        fix,
        sink,
      );
      return;
    }
    const keys = Object.keys(step);
    if (Object.hasOwn(step, 'wait')) {
      const others = keys.filter((k) => k !== 'wait');
      if (others.length > 0) {
        this.error(
          'RC_BAD_STEP',
          `A \`wait\` step holds only \`wait\`, but this one also has ${others.map((o) => `\`${o}\``).join(', ')}.`,
          at,
          'Put the action in its own step after the `wait`.',
          sink,
        );
      }
      if (!isDuration(step.wait)) {
        let why = 'not a duration';
        try {
          parseDuration(step.wait as string);
        } catch (e) {
          why = e instanceof Error ? e.message : why;
        }
        this.error(
          'RC_BAD_DURATION',
          `\`wait\`: ${why}.`,
          joinPointer(at, 'wait'),
          'Write a duration such as `30s`, `10m`, `1h30m` or `2d`.',
          sink,
        );
      }
      return;
    }
    if (!this.compiled.stepOptions(step)) {
      this.schema(
        this.compiled.stepOptions.errors,
        step,
        {
          base: at,
          code: 'RC_BAD_STEP',
          durationCode: 'RC_BAD_DURATION',
          noun: 'step option',
          owner: '',
          root: 'The step',
        },
        sink,
      );
    }
    const actionKeys = keys.filter((k) => !STEP_OPTIONS.has(k));
    const known = actionKeys.filter((k) => this.registry.action(k) !== undefined);
    if (actionKeys.length === 0) {
      this.error(
        'RC_BAD_STEP',
        'The step has no action.',
        at,
        'Add one action with its parameters, e.g. `message.delete: {}`.',
        sink,
      );
    }
    if (known.length > 1) {
      this.error(
        'RC_BAD_STEP',
        `The step holds ${known.length} actions (${known.map((k) => `\`${k}\``).join(', ')}); a step runs one action.`,
        at,
        'Split it into one step per action.',
        sink,
      );
    }
    const single = known.length === 1 ? this.registry.action(known[0] ?? '') : undefined;
    const singleParams =
      single && isObject(single.params) && isObject(single.params.properties)
        ? Object.keys(single.params.properties)
        : [];
    for (const key of actionKeys) {
      if (known.includes(key)) continue;
      if (single && singleParams.includes(key)) {
        this.error(
          'RC_BAD_STEP',
          `\`${key}\` is a parameter of \`${single.name}\`, but it is written beside it.`,
          joinPointer(at, key),
          `Move it under \`${single.name}:\` (indent it one more level).`,
          sink,
        );
      } else if (!key.includes('.') && suggest(key, [...STEP_OPTIONS, 'wait']).length > 0) {
        this.error(
          'RC_BAD_STEP',
          `Unknown step option \`${key}\`.${didYouMean(key, [...STEP_OPTIONS, 'wait'])}`,
          joinPointer(at, key),
          'Step options are `retry`, `onError` and `as`; `wait` stands alone in its step.',
          sink,
        );
      } else {
        this.error(
          'RC_UNKNOWN_ACTION',
          `Unknown action \`${key}\`.${didYouMean(key, [...this.registry.actions().map((a) => a.name), ...STEP_OPTIONS])}`,
          joinPointer(at, key),
          'Use an action of an installed module, or a step option (`retry`, `onError`, `as`).',
          sink,
        );
      }
    }
    for (const name of known) this.action(name, step[name], joinPointer(at, name), triggers, stepNames, sink);
    if (typeof step.as === 'string') {
      if (stepNames.has(step.as)) {
        this.error(
          'RC_BAD_STEP',
          `Another step of this rule is already named \`${step.as}\`.`,
          joinPointer(at, 'as'),
          'Give each `as` a different name.',
          sink,
        );
      }
      stepNames.add(step.as);
    }
  }

  action(
    name: string,
    params: unknown,
    at: string,
    triggers: readonly string[],
    stepNames: ReadonlySet<string>,
    sink: Problem[],
  ): void {
    const action = this.registry.action(name);
    if (!action) return;
    this.premium(`The action \`${name}\``, this.isPremium(name, action.premium), at, sink);
    if (action.events) {
      const missing = triggers.filter((t) => !action.events?.includes(t));
      if (missing.length > 0) {
        this.error(
          'RC_ACTION_NOT_ON_EVENT',
          `The action \`${name}\` cannot run on ${missing.map((m) => `\`${m}\``).join(', ')}; it runs on ${action.events.map((e) => `\`${e}\``).join(', ') || 'no event'}.`,
          at,
          'Trigger the rule on an event the action supports, or use another action.',
          sink,
        );
      }
    }
    this.placeholders(params, at, stepNames, sink, 0, triggers);
    if (hasPlaceholder(params)) return;
    if (!isObject(params)) {
      this.error(
        'RC_BAD_PARAM',
        `The parameters of \`${name}\` must be an object, not ${describeValue(params)}.`,
        at,
        `Write \`${name}: {}\` when there are none.`,
        sink,
      );
      return;
    }
    const validate = this.compiled.params(name);
    if (validate && !validate(params)) {
      this.schema(
        validate.errors,
        params,
        {
          base: at,
          code: 'RC_BAD_PARAM',
          noun: 'parameter',
          owner: `of \`${name}\``,
          root: `The parameters of \`${name}\``,
        },
        sink,
      );
    }
  }

  /**
   * `{{ … }}` in action parameters, parsed as the runtime will (`compileValue`): a malformed placeholder, an unknown
   * variable or filter is reported now, and `steps.<name>` must name an earlier step's `as`.
   */
  placeholders(
    value: unknown,
    at: string,
    stepNames: ReadonlySet<string>,
    sink: Problem[],
    depth: number,
    triggers: readonly string[] = [],
  ): void {
    if (depth > MAX_WALK_DEPTH) return;
    if (typeof value === 'string') {
      if (!hasPlaceholder(value)) return;
      const { placeholders } = compileValue(placeholderPart(value), at, sink);
      for (const placeholder of placeholders) {
        if (placeholder.root === 'event')
          this.eventField(placeholder.path, `event.${placeholder.path.join('.')}`, at, triggers, sink);
        const name = placeholder.path[0];
        if (placeholder.root !== 'steps' || name === undefined || stepNames.has(name)) continue;
        this.error(
          'RC_BAD_PLACEHOLDER',
          `\`${placeholder.source}\` reads the result of step \`${name}\`, but no earlier step of this rule has \`as: ${name}\`.${didYouMean(name, stepNames)}`,
          at,
          `Add \`as: ${name}\` to the step whose result you want, before this one.`,
          sink,
        );
      }
      return;
    }
    if (Array.isArray(value))
      value.forEach((v, i) => this.placeholders(v, joinPointer(at, i), stepNames, sink, depth + 1, triggers));
    else if (isObject(value))
      for (const [k, v] of Object.entries(value))
        this.placeholders(v, joinPointer(at, k), stepNames, sink, depth + 1, triggers);
  }
}

const isModuleProblem = (p: unknown): p is Problem & { fix: string } =>
  isObject(p) &&
  typeof p.code === 'string' &&
  /^RC_[A-Z0-9_]+$/.test(p.code) &&
  typeof p.message === 'string' &&
  p.message !== '' &&
  typeof p.pointer === 'string' &&
  (p.pointer === '' || p.pointer.startsWith('/')) &&
  typeof p.fix === 'string' &&
  p.fix !== '' &&
  (p.severity === 'error' || p.severity === 'warning');

/** Runs a module's `check`; a check that throws or answers something else than problems is the module's bug. */
function moduleCheck(module: ModuleDefinition, context: ModuleCheckContext): Problem[] {
  let found: unknown;
  let why: string | undefined;
  try {
    found = module.check?.(context);
  } catch (e) {
    why = `it threw ${e instanceof Error ? `\`${e.message}\`` : describeValue(e)}`;
  }
  if (why === undefined && !Array.isArray(found)) why = `it returned ${describeValue(found)} instead of a list`;
  const bad = Array.isArray(found) ? found.findIndex((p) => !isModuleProblem(p)) : -1;
  if (why === undefined && bad >= 0)
    why = `its problem ${bad} is not { code: RC_…, message, pointer, fix, severity: error | warning }`;
  if (why !== undefined) {
    return [
      {
        code: 'RC_MODULE_CHECK_FAILED',
        message: `The check of module \`${module.id}\` failed (${why}): its settings could not be checked.`,
        pointer: context.pointer,
        fix: `Report it to the author of module \`${module.id}\`: the bug is in its \`check\`.`,
        severity: 'error',
      },
    ];
  }
  return (found as (Problem & { fix: string })[]).map(({ code, message, pointer, fix, severity }) => ({
    code,
    message,
    pointer,
    fix,
    severity,
  }));
}

/**
 * A module's problem points into the complete settings, which the document may not spell out: a value that comes from
 * a template use is reported at that use (naming the place inside the template's settings), a default at the nearest
 * place the document has.
 */
function placeModuleProblem(p: Problem, doc: Obj, moduleId: string, templates: readonly TemplateSettings[]): Problem {
  if (getAtPointer(doc, p.pointer) !== undefined) return p;
  const tokens = parsePointer(p.pointer); // well-formed: `isModuleProblem` checked it
  if (tokens[0] === 'modules' && tokens[1] === moduleId) {
    // Lists are replaced and objects merged key by key, so the last template that has the place is where it comes from.
    const inner = joinPointer('', ...tokens.slice(2));
    const origin = [...templates].reverse().find((t) => getAtPointer(t.modules[moduleId], inner) !== undefined);
    if (origin) {
      return {
        ...p,
        pointer: joinPointer(origin.at, 'use'),
        message: `In the \`${moduleId}\` settings of template \`${origin.template}\`${inner ? ` (at ${inner})` : ''}: ${p.message}`,
      };
    }
  }
  while (tokens.length > 0 && getAtPointer(doc, joinPointer('', ...tokens)) === undefined) tokens.pop();
  return { ...p, pointer: joinPointer('', ...tokens) };
}

/**
 * Validates a rule document against the registry and the guild's tier, and resolves it: template uses are
 * instantiated, module settings get their defaults. Then each module's own `check` (`ModuleDefinition.check`) looks at
 * what a schema cannot see (a cron expression that never fires…). Every problem carries a stable code, a JSON pointer
 * into `doc` and a fix — one per real mistake, never ajv's raw cascade. Never throws on any JSON input (a module whose own
 * schema does not compile is a bug of that module: `RC_REGISTRY_BAD_SCHEMA` is thrown when a document first uses it;
 * `checkRegistrySchemas` finds it at start-up).
 *
 * @example
 * const result = validateRuleSet(yaml.parse(text), registry, { tier: 'free' });
 * if (!result.ok) for (const p of result.problems) console.log(p.pointer, p.message);
 */
export function validateRuleSet(doc: unknown, registry: Registry, options: { tier: Tier }): ValidationResult {
  const v = new Validation(registry, compiledRegistry(registry), options.tier);
  const { problems } = v;
  let data: unknown;
  try {
    data = structuredClone(doc);
  } catch {
    v.error(
      'RC_BAD_DOCUMENT',
      'The document is not plain data (JSON or YAML).',
      '',
      'Pass the parsed YAML or JSON of the rule set.',
    );
    return { ok: false, problems };
  }
  if (!isObject(data)) {
    v.error(
      'RC_BAD_DOCUMENT',
      `A rule document must be an object, not ${describeValue(data)}.`,
      '',
      'Start it with `apiVersion: rulecord/v1`, `kind: RuleSet`, `guild:` and `rules:`.',
    );
    return { ok: false, problems };
  }
  const compiled = v.compiled;
  if (!compiled.envelope(data)) {
    v.schema(
      compiled.envelope.errors,
      data,
      {
        base: '',
        code: 'RC_BAD_DOCUMENT',
        noun: 'field',
        owner: '',
        root: 'The document',
        codeFor: (path) => (path.startsWith('/modules/') ? 'RC_BAD_SETTINGS' : undefined),
      },
      problems,
    );
  }

  // Modules named in the document.
  const docModules = isObject(data.modules) ? data.modules : {};
  for (const [id, settings] of Object.entries(docModules)) {
    const module = registry.module(id);
    const at = joinPointer('/modules', id);
    if (!module) {
      v.error(
        'RC_UNKNOWN_MODULE',
        `Unknown module \`${id}\`.${didYouMean(
          id,
          registry.modules.map((m) => m.id),
        )}`,
        at,
        'Remove these settings, or install the module.',
      );
      continue;
    }
    v.premium(`The module \`${id}\``, Boolean(module.premium), at, problems);
    if (!isObject(settings)) continue; // the envelope reported it
  }

  // Rules and template uses.
  const rules: ResolvedRule[] = [];
  const templateSettings: TemplateSettings[] = [];
  const ids = new Map<string, string>();
  const entries = Array.isArray(data.rules) ? data.rules : [];
  entries.forEach((entry, i) => {
    const at = joinPointer('/rules', i);
    if (!isObject(entry)) {
      v.error(
        'RC_BAD_RULE',
        `A rule must be an object (\`id\`, \`on\`, \`then\`…) or a template use (\`id\`, \`use\`), not ${describeValue(entry)}.`,
        at,
        'See docs/rules.md for the shape of a rule.',
      );
      return;
    }
    if (typeof entry.id === 'string') {
      const first = ids.get(entry.id);
      if (first !== undefined) {
        v.error(
          'RC_DUPLICATE_RULE_ID',
          `The id \`${entry.id}\` is already used by ${first}.`,
          joinPointer(at, 'id'),
          'Give each rule and template use its own id.',
        );
      } else ids.set(entry.id, at);
    }
    if (!Object.hasOwn(entry, 'use')) {
      v.rule(entry, at, problems);
      rules.push({ ...(entry as unknown as ResolvedRule), pointer: at });
      return;
    }

    // A template use.
    const before = problems.length;
    const useIdText = typeof entry.id === 'string' ? entry.id : undefined;
    if (!compiled.templateUse(entry)) {
      v.schema(
        compiled.templateUse.errors,
        entry,
        {
          base: at,
          code: 'RC_BAD_RULE',
          noun: 'field',
          owner: useIdText ? `of template use \`${useIdText}\`` : '',
          root: 'The template use',
          codeFor: (path) =>
            path === '/id' ? 'RC_BAD_RULE_ID' : path === '/use/template' ? 'RC_UNKNOWN_TEMPLATE' : undefined,
        },
        problems,
      );
    }
    const use = isObject(entry.use) ? entry.use : {};
    const ref = use.template;
    if (typeof ref !== 'string') return;
    const refAt = joinPointer(at, 'use', 'template');
    const template = registry.template(ref);
    if (!template) {
      const parsed = parseTemplateRef(ref);
      const versions = parsed
        ? registry
            .templates()
            .filter((t) => t.id === parsed.id)
            .map((t) => t.version)
        : [];
      if (parsed && versions.length > 0) {
        v.error(
          'RC_UNKNOWN_TEMPLATE',
          `Template \`${parsed.id}\` has no version ${String(parsed.version)}; installed: ${versions.join(', ')}.`,
          refAt,
          `Use \`${parsed.id}@${versions.at(-1)}\`, or \`${parsed.id}\` for the latest.`,
        );
      } else if (parsed) {
        v.error(
          'RC_UNKNOWN_TEMPLATE',
          `Unknown template \`${ref}\`.${didYouMean(parsed.id, new Set(registry.templates().map((t) => t.id)))}`,
          refAt,
          'Use an installed template (the studio’s gallery lists them).',
        );
      }
      return;
    }
    v.premium(
      `The template \`${template.id}@${template.version}\``,
      v.isPremium(template.id, template.premium),
      refAt,
      problems,
    );
    for (const id of Object.keys(template.modules ?? {})) {
      if (registry.module(id)?.premium && !v.isPremium(template.id, template.premium)) {
        v.premium(
          `The template \`${template.id}@${template.version}\` configures module \`${id}\`, which`,
          true,
          refAt,
          problems,
        );
      }
    }
    if (problems.slice(before).some((p) => p.severity === 'error')) return;

    const inputs = isObject(use.inputs) ? (use.inputs as JsonObject) : {};
    const useId = String(entry.id);
    const instance = instantiateTemplate(template, inputs, useId, at);
    problems.push(...instance.problems);
    for (const instantiated of instance.rules) {
      const { pointer: _p, template: _t, ...written } = instantiated;
      const original = written.id.slice(useId.length + 1);
      if (typeof entry.enabled === 'boolean') instantiated.enabled = entry.enabled;
      if (entry.mode === 'enforce' || entry.mode === 'shadow') instantiated.mode = entry.mode;
      const inner: Problem[] = [];
      v.rule({ ...written, id: original }, '', inner);
      for (const p of inner) {
        problems.push({
          ...p,
          pointer: joinPointer(at, 'use'),
          message: `In rule \`${original}\` of template \`${template.id}@${template.version}\`${p.pointer ? ` (at ${p.pointer})` : ''}: ${p.message}`,
        });
      }
      rules.push(instantiated);
    }
    if (template.modules)
      templateSettings.push({ at, template: `${template.id}@${template.version}`, modules: template.modules });
  });

  // Module settings: the templates' under the guild's own, then the schema's defaults.
  const modules: Record<string, JsonObject> = {};
  const checkable = new Map<ModuleDefinition, JsonObject>();
  for (const module of registry.modules) {
    const own = isObject(docModules[module.id]) ? docModules[module.id] : undefined;
    let merged: unknown = {};
    for (const t of templateSettings)
      if (isObject(t.modules[module.id])) merged = mergeSettings(merged, t.modules[module.id]);
    if (own !== undefined) merged = mergeSettings(merged, own);
    const validate = compiled.settings(module.id);
    const mentioned = own !== undefined || templateSettings.some((t) => Object.hasOwn(t.modules, module.id));
    if (!validate) {
      if (mentioned) modules[module.id] = merged as JsonObject;
      checkable.set(module, merged as JsonObject);
      continue;
    }
    if (validate(merged)) {
      modules[module.id] = merged as JsonObject;
      checkable.set(module, merged as JsonObject);
    } else if (mentioned) {
      v.schema(
        validate.errors,
        merged,
        {
          base: joinPointer('/modules', module.id),
          code: 'RC_BAD_SETTINGS',
          noun: 'setting',
          owner: `of module \`${module.id}\``,
          root: `The settings of module \`${module.id}\``,
        },
        problems,
      );
    }
  }

  // What only the modules know (`ModuleDefinition.check`), on settings their schema accepted.
  const hooked = [...checkable].filter(([module]) => typeof module.check === 'function');
  if (hooked.length > 0) {
    const errorsAt = problems.filter((p) => p.severity === 'error').map((p) => p.pointer);
    const validRules = rules.filter((r) => !errorsAt.some((at) => at === r.pointer || at.startsWith(`${r.pointer}/`)));
    for (const [module, settings] of hooked) {
      problems.push(
        ...moduleCheck(module, {
          guild: typeof data.guild === 'string' ? data.guild : '',
          tier: options.tier,
          settings,
          pointer: joinPointer('/modules', module.id),
          modules,
          rules: validRules,
        }).map((p) => placeModuleProblem(p, data, module.id, templateSettings)),
      );
    }
  }

  // The last word: the core document schema. The precise checks above explain every mistake it can see; should
  // one slip through them, it is still reported rather than loaded.
  const core = coreDocumentValidator();
  if (!problems.some((p) => p.severity === 'error') && !core(doc)) {
    const unexplained = (core.errors ?? []).filter(
      (e) => !/^\/modules(\/|$)/.test(e.instancePath) && !/^\/rules\/\d+\/use\/inputs(\/|$)/.test(e.instancePath),
    );
    if (unexplained.length > 0) {
      v.schema(
        unexplained,
        doc,
        { base: '', code: 'RC_SCHEMA', noun: 'field', owner: '', root: 'The document' },
        problems,
      );
      if (!problems.some((p) => p.severity === 'error')) {
        v.error(
          'RC_SCHEMA',
          'The document does not fit the rule-set schema.',
          '',
          'Check it against the schema in your editor.',
        );
      }
    }
  }

  // Every problem says how to fix it: the general fix of its code where the check had nothing more specific.
  for (const p of problems) {
    const fix = p.fix ?? errorCodeInfo(p.code)?.fix;
    if (fix !== undefined) p.fix = fix;
  }
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  return { ok: true, problems, ruleSet: { guild: String(data.guild), modules, rules } };
}
