import { RulecordError } from '../errors/error.js';
import type {
  ActionDefinition,
  EventDefinition,
  FactDefinition,
  ModuleDefinition,
  TemplateDefinition,
} from './module.js';

/**
 * Every module of a deployment, indexed by name. Built once at start-up with `createRegistry`; validation,
 * compilation and the runtime look facts, actions, events and templates up here.
 */
export interface Registry {
  readonly modules: readonly ModuleDefinition[];
  module(id: string): ModuleDefinition | undefined;
  fact(name: string): FactDefinition | undefined;
  action(name: string): ActionDefinition | undefined;
  event(name: string): EventDefinition | undefined;
  /** `'anti-spam@2'` for a version, `'anti-spam'` for the latest one. */
  template(ref: string): TemplateDefinition | undefined;
  /** The module that declares a fact, action, event or template (by name / template id). */
  ownerOf(name: string): ModuleDefinition | undefined;
  facts(): FactDefinition[];
  actions(): ActionDefinition[];
  events(): EventDefinition[];
  /** Every version of every template. */
  templates(): TemplateDefinition[];
}

/** Module and template ids: kebab-case. */
export const KEBAB_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** Fact, action and event names: `area.name`, optionally more dotted segments (`message.capsRatio`). */
export const ITEM_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-zA-Z][a-zA-Z0-9]*)+$/;
/** Fact names the engine provides itself: `now`, and `event.<path>` reading the event payload. */
export const RESERVED_FACT_AREA = 'event';

function registryError(
  code: 'RC_REGISTRY_DUPLICATE' | 'RC_REGISTRY_BAD_NAME',
  message: string,
  fix: string,
): RulecordError {
  return new RulecordError(code, message, { kind: 'bug', fix });
}

/** Splits `'anti-spam@2'` into id and version (`undefined` = latest); `null` when malformed. */
export function parseTemplateRef(ref: string): { id: string; version: number | undefined } | null {
  const match = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:@([1-9]\d*))?$/.exec(ref);
  if (!match) return null;
  return { id: match[1] ?? '', version: match[2] === undefined ? undefined : Number(match[2]) };
}

/**
 * Builds the registry of a set of modules.
 *
 * @example
 * const registry = createRegistry([moderation, automod, xp]);
 * registry.action('message.delete')?.description;
 * @throws RulecordError `RC_REGISTRY_DUPLICATE` when two modules declare the same id or name,
 *   `RC_REGISTRY_BAD_NAME` when a name is malformed or outside the module's id and `areas`.
 */
export function createRegistry(modules: readonly ModuleDefinition[]): Registry {
  const moduleById = new Map<string, ModuleDefinition>();
  const owner = new Map<string, ModuleDefinition>();
  const facts = new Map<string, FactDefinition>();
  const actions = new Map<string, ActionDefinition>();
  const events = new Map<string, EventDefinition>();
  const templates = new Map<string, TemplateDefinition[]>();

  for (const module of modules) {
    if (typeof module.id !== 'string' || !KEBAB_ID.test(module.id)) {
      throw registryError(
        'RC_REGISTRY_BAD_NAME',
        `Module id ${JSON.stringify(module.id)} is not kebab-case.`,
        'Use a kebab-case id such as `automod`.',
      );
    }
    if (moduleById.has(module.id)) {
      throw registryError(
        'RC_REGISTRY_DUPLICATE',
        `Module \`${module.id}\` is registered twice.`,
        'Register each module once.',
      );
    }
    moduleById.set(module.id, module);
    const areas = new Set([module.id, ...(module.areas ?? [])]);

    const add = <T extends { name: string }>(kind: 'fact' | 'action' | 'event', map: Map<string, T>, item: T): void => {
      const name = item.name;
      if (typeof name !== 'string' || !ITEM_NAME.test(name)) {
        throw registryError(
          'RC_REGISTRY_BAD_NAME',
          `Module \`${module.id}\`: ${kind} name ${JSON.stringify(name)} is not of the form \`area.name\`.`,
          'Name it `<area>.<camelCaseName>`, e.g. `message.capsRatio`.',
        );
      }
      const area = name.slice(0, name.indexOf('.'));
      if (kind === 'fact' && area === RESERVED_FACT_AREA) {
        throw registryError(
          'RC_REGISTRY_BAD_NAME',
          `Module \`${module.id}\`: fact \`${name}\` uses the reserved area \`event\` (\`event.<path>\` reads the event payload).`,
          'Choose another area for the fact.',
        );
      }
      if (!areas.has(area)) {
        throw registryError(
          'RC_REGISTRY_BAD_NAME',
          `Module \`${module.id}\`: ${kind} \`${name}\` is outside the module's areas (${[...areas].map((a) => `\`${a}\``).join(', ')}).`,
          `Rename it to \`${module.id}.${name.slice(area.length + 1)}\`, or add \`${area}\` to the module's \`areas\`.`,
        );
      }
      const previous = owner.get(`${kind}:${name}`);
      if (map.has(name) || previous) {
        throw registryError(
          'RC_REGISTRY_DUPLICATE',
          `The ${kind} \`${name}\` is declared by module \`${previous?.id ?? module.id}\` and again by \`${module.id}\`.`,
          'Names are global: rename one of them.',
        );
      }
      map.set(name, item);
      owner.set(`${kind}:${name}`, module);
      if (!owner.has(name)) owner.set(name, module);
    };

    for (const fact of module.facts ?? []) add('fact', facts, fact);
    for (const action of module.actions ?? []) add('action', actions, action);
    for (const event of module.events ?? []) add('event', events, event);

    for (const template of module.templates ?? []) {
      if (typeof template.id !== 'string' || !KEBAB_ID.test(template.id)) {
        throw registryError(
          'RC_REGISTRY_BAD_NAME',
          `Module \`${module.id}\`: template id ${JSON.stringify(template.id)} is not kebab-case.`,
          'Use a kebab-case id such as `anti-spam`.',
        );
      }
      if (!Number.isSafeInteger(template.version) || template.version < 1) {
        throw registryError(
          'RC_REGISTRY_BAD_NAME',
          `Module \`${module.id}\`: template \`${template.id}\` has version ${String(template.version)}; versions are whole numbers from 1.`,
          'Number template versions 1, 2, 3…',
        );
      }
      const versions = templates.get(template.id) ?? [];
      const clash = versions.find((t) => t.version === template.version);
      if (clash) {
        throw registryError(
          'RC_REGISTRY_DUPLICATE',
          `Template \`${template.id}@${template.version}\` is declared twice.`,
          'Give the new one a higher version.',
        );
      }
      const otherOwner = owner.get(`template:${template.id}`);
      if (otherOwner && otherOwner !== module) {
        throw registryError(
          'RC_REGISTRY_DUPLICATE',
          `Template \`${template.id}\` is declared by modules \`${otherOwner.id}\` and \`${module.id}\`.`,
          'Template ids are global: rename one of them.',
        );
      }
      owner.set(`template:${template.id}`, module);
      versions.push(template);
      versions.sort((a, b) => a.version - b.version);
      templates.set(template.id, versions);
    }
  }

  const frozenModules = Object.freeze([...modules]);
  return {
    modules: frozenModules,
    module: (id) => moduleById.get(id),
    fact: (name) => facts.get(name),
    action: (name) => actions.get(name),
    event: (name) => events.get(name),
    template(ref) {
      const parsed = parseTemplateRef(ref);
      if (!parsed) return undefined;
      const versions = templates.get(parsed.id);
      if (!versions) return undefined;
      return parsed.version === undefined ? versions.at(-1) : versions.find((t) => t.version === parsed.version);
    },
    ownerOf: (name) =>
      owner.get(`fact:${name}`) ??
      owner.get(`action:${name}`) ??
      owner.get(`event:${name}`) ??
      owner.get(`template:${name}`),
    facts: () => [...facts.values()],
    actions: () => [...actions.values()],
    events: () => [...events.values()],
    templates: () => [...templates.values()].flat(),
  };
}
