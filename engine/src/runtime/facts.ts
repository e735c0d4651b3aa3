import type { Clock } from '../clock/clock.js';
import type { GuildDiscord } from '../discord/port.js';
import { RulecordError } from '../errors/error.js';
import type { JsonObject, RuleEvent } from '../model/document.js';
import type { FactContext, FactDefinition, RunServices } from '../model/module.js';
import type { GuildState } from '../state/port.js';
import type { TraceError, TraceFact } from '../trace/model.js';
import { RUNTIME_CODES } from './codes.js';
import type { ConditionSet, FactReader, Registry } from './deps.js';
import { PENDING } from './deps.js';
import { safeGet, splitPath } from './path.js';

type Entry =
  | { state: 'done'; value: unknown; ms: number; cost: TraceFact['cost']; params: JsonObject | undefined; name: string }
  | {
      state: 'error';
      error: RulecordError;
      ms: number;
      cost: TraceFact['cost'];
      params: JsonObject | undefined;
      name: string;
    }
  | { state: 'pending'; promise: Promise<void>; cost: TraceFact['cost']; params: JsonObject | undefined; name: string };

export function toTraceError(error: unknown): TraceError {
  if (error instanceof RulecordError) {
    return {
      code: error.code,
      message: error.message,
      kind: error.kind,
      ...(error.pointer !== undefined ? { pointer: error.pointer } : {}),
      ...(error.fix !== undefined ? { fix: error.fix } : {}),
    };
  }
  return {
    code: RUNTIME_CODES.RC_ACTION_FAILED,
    message: error instanceof Error ? error.message : String(error),
    kind: 'bug',
  };
}

function factFailure(name: string, e: unknown): RulecordError {
  return e instanceof RulecordError
    ? e
    : new RulecordError(
        RUNTIME_CODES.RC_FACT_FAILED,
        `The fact "${name}" failed: ${e instanceof Error ? e.message : String(e)}`,
        {
          kind: 'bug',
          cause: e,
        },
      );
}

// Conditions hand the same (frozen) params object on every read: key it once (and the full key of its last fact name).
const paramKeys = new WeakMap<object, { p: string; name: string; key: string }>();
const NONE_KEYS: readonly string[] = Object.freeze([]);
const isPseudo = (name: string): boolean => name === 'now' || name === 'event' || name.startsWith('event.');
/** What a pseudo-fact reads: `now`, the whole payload, or the payload path of `event.<path>`. */
type Pseudo = 'now' | 'event' | readonly string[];
/** `event.a.b` → `['a', 'b']`, computed once per name. */
const eventPaths = new Map<string, string[]>();

const factKey = (name: string, params: JsonObject | undefined): string => {
  if (params === undefined) return name;
  let c = paramKeys.get(params);
  if (c === undefined) {
    const p = JSON.stringify(params);
    c = { p, name, key: `${name}\u0000${p}` };
    paramKeys.set(params, c);
  } else if (c.name !== name) {
    c = { p: c.p, name, key: `${name}\u0000${c.p}` };
    paramKeys.set(params, c);
  }
  return c.key;
};

/** The pseudo-fact `name` is (its `event.<path>` split once per name), or null for a fact a module provides. */
function pseudoOf(name: string): Pseudo | null {
  if (!isPseudo(name)) return null;
  if (name === 'now' || name === 'event') return name;
  let path = eventPaths.get(name);
  if (path === undefined) {
    path = splitPath(name.slice(6));
    if (eventPaths.size < 10_000) eventPaths.set(name, path);
  }
  return path;
}

/**
 * How an event reads each fact slot of a rule set's `ConditionSet` (see `FactReader`): its memo key, and either the
 * pseudo-fact it is or its definition, worked out once per loaded rule set (`GuildRules.factPlan`) instead of on every
 * read.
 */
interface PlannedFact {
  readonly slot: number;
  readonly name: string;
  readonly params: JsonObject | undefined;
  readonly key: string;
  readonly pseudo: Pseudo | null;
  readonly def: FactDefinition | undefined;
}
export interface FactPlan {
  readonly slots: readonly PlannedFact[];
  /** The provided facts of `slots` by memo key: a read by name of a planned fact uses its slot. */
  readonly byKey: ReadonlyMap<string, PlannedFact>;
}

/** The plan of a set's fact slots, for the set as compiled so far (a loaded rule set's set no longer grows). */
export function factPlan(conditions: ConditionSet, registry: Registry): FactPlan {
  const slots = conditions.slotFacts().map(({ name, params }, slot): PlannedFact => {
    const pseudo = pseudoOf(name);
    const def = pseudo === null ? registry.fact(name) : undefined;
    return { slot, name, params, key: factKey(name, params), pseudo, def };
  });
  return { slots, byKey: new Map(slots.filter((p) => p.pseudo === null).map((p) => [p.key, p])) };
}

/** A planned fact not read yet this event. */
const UNREAD_SLOT: unique symbol = Symbol('fact not read');
/** A planned fact that is not a value: its provider threw, or is still resolving. */
class Unsettled {
  constructor(
    readonly error: RulecordError | undefined,
    readonly promise: Promise<void> | undefined,
    readonly ms: number,
  ) {}
}

/** `ctx.settings(moduleId)`, made once per loaded rule set (its settings object), not per event. */
const settingsReaders = new WeakMap<Record<string, JsonObject>, FactContext['settings']>();
function settingsReader(settings: Record<string, JsonObject>): FactContext['settings'] {
  let read = settingsReaders.get(settings);
  if (read === undefined) {
    read = <T>(moduleId: string) => (settings[moduleId] ?? {}) as T;
    settingsReaders.set(settings, read);
  }
  return read;
}

/**
 * An event's fact memo: a few keys (one per fact and params an event reads, ~10 here), so two parallel arrays with a
 * linear scan, turning into a Map past 32 keys. Keys are the condition's own strings, so comparisons are mostly by
 * reference.
 */
class Memo {
  private readonly keys: string[] = [];
  private readonly entries: Entry[] = [];
  private map: Map<string, Entry> | undefined;

  get(key: string): Entry | undefined {
    if (this.map !== undefined) return this.map.get(key);
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.entries[i];
    return undefined;
  }

  set(key: string, entry: Entry): void {
    if (this.map !== undefined) {
      this.map.set(key, entry);
      return;
    }
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) {
        this.entries[i] = entry;
        return;
      }
    }
    this.add(key, entry);
  }

  /** Keys held. */
  get size(): number {
    return this.map !== undefined ? this.map.size : this.keys.length;
  }

  /** `set` for a key known to be absent (no scan). */
  add(key: string, entry: Entry): void {
    if (this.map !== undefined) {
      this.map.set(key, entry);
      return;
    }
    this.keys.push(key);
    this.entries.push(entry);
    if (this.keys.length > 32) this.map = new Map(this.keys.map((k, i) => [k, this.entries[i] as Entry]));
  }

  /** A promise that settles when every pending entry has: the entry's own when there is one. */
  pending(): Promise<unknown> {
    let one: Promise<void> | undefined;
    let all: Promise<void>[] | undefined;
    const add = (e: Entry): void => {
      if (e.state !== 'pending') return;
      if (one === undefined) one = e.promise;
      else (all ??= [one]).push(e.promise);
    };
    if (this.map !== undefined) for (const e of this.map.values()) add(e);
    else for (const e of this.entries) add(e);
    return all !== undefined ? Promise.all(all) : (one ?? Promise.resolve());
  }

  forEach(f: (entry: Entry, key: string) => void): void {
    if (this.map !== undefined) {
      for (const [key, entry] of this.map) f(entry, key);
      return;
    }
    for (let i = 0; i < this.keys.length; i++) f(this.entries[i] as Entry, this.keys[i] as string);
  }
}

/** What a FactContext is made of, per event and guild. */
export interface FactEnvironment {
  event: RuleEvent;
  guildId: string;
  clock: Clock;
  state: GuildState;
  discord: GuildDiscord;
  services: Partial<RunServices>;
  settings: Record<string, JsonObject>;
}

/** What every context of an event holds as it is: the fields of a `FactContext` but `fact`. */
type ContextFields = Pick<FactContext, 'event' | 'guildId' | 'clock' | 'state' | 'discord' | 'services'>;

/**
 * The fields an event's fact context and its runs' action contexts share, written once here: `from`'s, and the
 * settings reader.
 */
export abstract class EventContextFields {
  readonly event: RuleEvent;
  readonly guildId: string;
  readonly clock: Clock;
  readonly state: GuildState;
  readonly discord: GuildDiscord;
  readonly services: Partial<RunServices>;
  readonly settings: FactContext['settings'];

  constructor(from: ContextFields, settings: FactContext['settings']) {
    this.event = from.event;
    this.guildId = from.guildId;
    this.clock = from.clock;
    this.state = from.state;
    this.discord = from.discord;
    this.services = from.services;
    this.settings = settings;
  }
}

/**
 * An event's `FactContext`: its fields, and `fact` made on first use (most providers never call it), a function that
 * may be called detached (`const { fact } = ctx`). It is also where the event's facts keep what they were made with (no
 * separate environment object per event: traces keep an event's facts for a while).
 */
class EventFactContext extends EventContextFields implements FactContext {
  readonly #facts: EventFacts;
  #fact: FactContext['fact'] | undefined;

  constructor(facts: EventFacts, env: FactEnvironment) {
    super(env, settingsReader(env.settings));
    this.#facts = facts;
  }

  get fact(): FactContext['fact'] {
    // Bound, not an arrow: an arrow gets its name set at run time under tsx (esbuild keepNames).
    return (this.#fact ??= this.#facts.get.bind(this.#facts) as FactContext['fact']);
  }
}

/**
 * The facts of ONE event: resolved lazily, memoised for every rule the event reaches, with a budget on `io` facts.
 * `now` is fixed when the event starts being processed, so every rule sees the same instant.
 */
export class EventFacts {
  /** Facts read by key that are not in the plan (made on the first: most events read only planned facts). */
  #memo: Memo | undefined;
  /** Made on first use (most events build no trace). */
  private traced: Map<string, TraceFact> | undefined;
  private ioCount = 0;
  readonly now: number;
  readonly #context: EventFactContext;
  /** Memo keys in the order they were read (a run's facts are the keys read while it evaluated). */
  readonly log: string[] = [];
  /** The synchronous reader handed to compiled conditions (one per event). */
  readonly reader: FactReader;
  /** The fact slots of the conditions this event runs (`usePlan`), read by slot. */
  #plan: FactPlan | undefined;
  /**
   * The planned facts' memo, by slot (made on the first read of one): a value, `UNREAD_SLOT`, or `Unsettled`. An event
   * reads about ten facts: one array instead of an entry object each and a scan of the keys.
   */
  #slots: unknown[] | undefined;
  /** How long each timed planned fact took, by slot (made on the first: most events time one fact or none). */
  #slotMs: number[] | undefined;
  #peek: ((name: string, params: JsonObject | undefined) => unknown) | undefined;

  constructor(
    private readonly registry: Registry,
    env: FactEnvironment,
    private readonly budget: number,
    seed?: Record<string, unknown>,
  ) {
    this.now = env.clock.now();
    this.#context = new EventFactContext(this, env);
    this.reader = (name, params, slot) => {
      const planned = slot === undefined ? undefined : this.#plan?.slots[slot];
      return planned !== undefined && planned.name === name && planned.params === params
        ? this.readPlanned(planned)
        : this.read(name, params);
    };
    if (seed !== undefined)
      for (const [key, value] of Object.entries(seed)) {
        const [name = key, p] = key.split('\u0000');
        this.memo().set(key, {
          state: 'done',
          value,
          ms: 0,
          cost: 'cheap',
          name,
          params: p === undefined ? undefined : (JSON.parse(p) as JsonObject),
        });
      }
  }

  /**
   * Reads the slots of `conditions` by their plan (see `factPlan`): the rule set this event runs. Facts already in the
   * memo (a seed) move to their slots.
   */
  usePlan(plan: FactPlan): void {
    this.#plan = plan;
    this.#slots = undefined;
    if (this.#memo === undefined) return;
    this.#memo.forEach((entry, key) => {
      const p = plan.byKey.get(key);
      if (p === undefined || entry.state === 'pending') return;
      const slots = this.slotsOf(plan);
      if (entry.state === 'done') slots[p.slot] = entry.value;
      else slots[p.slot] = new Unsettled(entry.error, undefined, entry.ms);
      if (entry.ms !== 0) (this.#slotMs ??= [])[p.slot] = entry.ms;
    });
  }

  private slotsOf(plan: FactPlan): unknown[] {
    return (this.#slots ??= new Array<unknown>(plan.slots.length).fill(UNREAD_SLOT));
  }

  /** `read` of a planned slot: no pseudo-fact test, no key to make, no registry lookup, no entry. */
  private readPlanned(p: PlannedFact): unknown {
    if (p.pseudo !== null) {
      this.log.push(p.name);
      return this.pseudoAt(p.pseudo);
    }
    const slots = this.#slots ?? this.slotsOf(this.#plan as FactPlan);
    let v = slots[p.slot];
    if (v === UNREAD_SLOT) v = this.startSlot(p, slots);
    if (v instanceof Unsettled) {
      if (v.error === undefined) return PENDING;
      this.log.push(p.key);
      throw v.error;
    }
    this.log.push(p.key);
    return v;
  }

  /** Resolves a planned fact into its slot (as `start` does into an entry): its value, or an `Unsettled`. */
  private startSlot(p: PlannedFact, slots: unknown[]): unknown {
    const def = this.checkedDef(p.name, p.def);
    const timed = def.cost === 'io';
    let started = timed ? performance.now() : 0;
    let result: unknown;
    try {
      result = def.resolve(this.context, p.params);
    } catch (e) {
      return (slots[p.slot] = new Unsettled(
        factFailure(p.name, e),
        undefined,
        timed ? performance.now() - started : 0,
      ));
    }
    if (!(result instanceof Promise)) {
      if (timed) (this.#slotMs ??= [])[p.slot] = performance.now() - started;
      return (slots[p.slot] = result);
    }
    if (!timed) started = performance.now();
    const promise = result.then(
      (value: unknown) => {
        (this.#slotMs ??= [])[p.slot] = performance.now() - started;
        slots[p.slot] = value;
      },
      (e: unknown) => {
        slots[p.slot] = new Unsettled(factFailure(p.name, e), undefined, performance.now() - started);
      },
    );
    return (slots[p.slot] = new Unsettled(undefined, promise, 0));
  }

  /**
   * A fact's memo entry by key, from its slot when it is planned (a new object: for traces, snapshots and peeks, not
   * for the conditions' reads).
   */
  private entryOf(key: string): Entry | undefined {
    const p = this.#plan?.byKey.get(key);
    if (p === undefined) return this.#memo?.get(key);
    const v = this.#slots?.[p.slot] ?? UNREAD_SLOT;
    if (v === UNREAD_SLOT) return undefined;
    const cost = p.def?.cost ?? 'cheap';
    const { name, params } = p;
    if (!(v instanceof Unsettled))
      return { state: 'done', value: v, ms: this.#slotMs?.[p.slot] ?? 0, cost, name, params };
    if (v.error !== undefined) return { state: 'error', error: v.error, ms: v.ms, cost, name, params };
    return { state: 'pending', promise: v.promise as Promise<void>, cost, name, params };
  }

  /** A reader of what is already resolved (PENDING otherwise), that logs nothing: to replay a condition for its trace. */
  get peek(): (name: string, params: JsonObject | undefined) => unknown {
    this.#peek ??= this.peekInto(null);
    return this.#peek;
  }

  /** `peek` that pushes the memo key of every fact it reads into `keys` (the facts a replayed condition saw). */
  peekInto(keys: string[] | null): (name: string, params: JsonObject | undefined) => unknown {
    return (name, params) => {
      if (isPseudo(name)) {
        keys?.push(name);
        return this.pseudoValue(name);
      }
      const key = factKey(name, params);
      const entry = this.entryOf(key);
      if (!entry || entry.state === 'pending') return PENDING;
      keys?.push(key);
      if (entry.state === 'error') throw entry.error;
      return entry.value;
    };
  }

  /** What providers and actions see. */
  get context(): FactContext {
    return this.#context;
  }

  /** The memo of facts read by key that are not planned, made on first use. */
  private memo(): Memo {
    return (this.#memo ??= new Memo());
  }

  /** Pseudo-facts: `event.<path>` (the payload) and `now`. */
  private pseudoValue(name: string): unknown {
    const pseudo = pseudoOf(name);
    return pseudo === null ? undefined : this.pseudoAt(pseudo);
  }

  private pseudoAt(pseudo: Pseudo): unknown {
    if (pseudo === 'now') return this.now;
    if (pseudo === 'event') return this.#context.event.payload;
    return safeGet(this.#context.event.payload, pseudo);
  }

  /** The definition of a fact about to be resolved: an unknown fact and one past the io budget throw. */
  private checkedDef(name: string, def: FactDefinition | undefined): FactDefinition {
    if (!def) {
      throw new RulecordError(
        RUNTIME_CODES.RC_UNKNOWN_FACT,
        `The fact "${name}" is not provided by any registered module.`,
        {
          fix: 'Check the spelling, or enable the module that provides it.',
        },
      );
    }
    if (def.cost === 'io') {
      this.ioCount++;
      if (this.ioCount > this.budget) {
        throw new RulecordError(
          RUNTIME_CODES.RC_FACT_BUDGET,
          `This event needed more than ${this.budget} io facts (reading "${name}").`,
          {
            fix: 'Narrow the rules with `where` or with conditions on event fields (evaluated before io facts), or split the rule set so one event needs fewer io facts.',
          },
        );
      }
    }
    return def;
  }

  private start(name: string, params: JsonObject | undefined, key: string, known: FactDefinition | undefined): Entry {
    const def = this.checkedDef(name, known);
    const cost = def.cost ?? 'cheap';
    // Timed when it may take a while: io facts, and any fact that answers with a promise (from when it did). A cheap
    // synchronous fact takes well under a microsecond; timing it would cost as much again, so its trace shows 0.
    const timed = cost === 'io';
    let started = timed ? performance.now() : 0;
    let result: unknown;
    // `read` found no entry for `key`: unless the provider read facts meanwhile, it can be added without a scan.
    const memo = this.memo();
    const size = memo.size;
    try {
      result = def.resolve(this.context, params);
    } catch (e) {
      const entry: Entry = {
        state: 'error',
        error: factFailure(name, e),
        ms: timed ? performance.now() - started : 0,
        cost,
        name,
        params,
      };
      memo.set(key, entry);
      return entry;
    }
    // Any provider may answer synchronously (an io fact on in-process state does): then its value is there at once.
    if (!(result instanceof Promise)) {
      const entry: Entry = {
        state: 'done',
        value: result,
        ms: timed ? performance.now() - started : 0,
        cost,
        name,
        params,
      };
      if (memo.size === size) memo.add(key, entry);
      else memo.set(key, entry);
      return entry;
    }
    if (!timed) started = performance.now();
    const promise = result.then(
      (value: unknown) => {
        memo.set(key, { state: 'done', value, ms: performance.now() - started, cost, name, params });
      },
      (e: unknown) => {
        memo.set(key, {
          state: 'error',
          error: factFailure(name, e),
          ms: performance.now() - started,
          cost,
          name,
          params,
        });
      },
    );
    const entry: Entry = { state: 'pending', promise, cost, name, params };
    if (memo.size === size) memo.add(key, entry);
    else memo.set(key, entry);
    return entry;
  }

  /**
   * Reads a fact for a condition: a value, or PENDING while an async provider runs (await `settle()` and evaluate
   * again). Throws the fact's error. Every read is logged for the trace.
   */
  read(name: string, params: JsonObject | undefined): unknown {
    if (isPseudo(name)) {
      this.log.push(name);
      return this.pseudoValue(name);
    }
    return this.readKey(name, params, factKey(name, params));
  }

  /** A provided fact by its memo key: resolved on first read (its slot when it is planned). */
  private readKey(name: string, params: JsonObject | undefined, key: string): unknown {
    const planned = this.#plan?.byKey.get(key);
    if (planned !== undefined) return this.readPlanned(planned);
    const entry = this.#memo?.get(key) ?? this.start(name, params, key, this.registry.fact(name));
    if (entry.state === 'pending') return PENDING;
    this.log.push(key);
    if (entry.state === 'error') throw entry.error;
    return entry.value;
  }

  /**
   * The facts read since log position `from` (up to `to`), after those of `first` (a replayed condition's), once each,
   * with the values they had.
   */
  traceFacts(from: number, to = this.log.length, first: readonly string[] = NONE_KEYS): TraceFact[] {
    if (from >= to && first.length === 0) return [];
    const keys = first.length === 0 ? this.log.slice(from, to) : [...first, ...this.log.slice(from, to)];
    const out: TraceFact[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      // Lists of one run are short: a linear scan beats a Set.
      let seen = false;
      for (let j = 0; j < i; j++) {
        if (keys[j] === key) {
          seen = true;
          break;
        }
      }
      if (!seen) out.push(this.traceFact(key));
    }
    return out;
  }

  /** One TraceFact per memo key and event, shared by every trace of the event that read it (never mutated). */
  private traceFact(key: string): TraceFact {
    const traced = (this.traced ??= new Map());
    let fact = traced.get(key);
    if (fact) return fact;
    const entry = this.entryOf(key);
    if (!entry) fact = { name: key, value: this.pseudoValue(key), ms: 0, cost: 'event' };
    else {
      fact = {
        name: entry.name,
        ...(entry.params !== undefined ? { params: entry.params } : {}),
        value: entry.state === 'done' ? entry.value : undefined,
        ms: entry.state === 'pending' ? 0 : entry.ms,
        cost: entry.cost,
        ...(entry.state === 'error' ? { error: toTraceError(entry.error) } : {}),
      };
      if (entry.state === 'pending') return fact;
    }
    traced.set(key, fact);
    return fact;
  }

  /** Waits for every fact still resolving (most often one: then that one promise, with no list and no `all`). */
  settle(): Promise<unknown> {
    const slots = this.#slots;
    let promise: Promise<unknown> | undefined;
    let more: Promise<unknown>[] | undefined;
    if (slots !== undefined)
      for (const v of slots) {
        if (!(v instanceof Unsettled) || v.promise === undefined) continue;
        if (promise === undefined) promise = v.promise;
        else (more ??= [promise]).push(v.promise);
      }
    const memo = this.#memo;
    if (promise === undefined) return memo?.pending() ?? Promise.resolve();
    if (memo !== undefined && memo.size > 0) (more ??= [promise]).push(memo.pending());
    return more !== undefined ? Promise.all(more) : promise;
  }

  /** A fact as a promise (for `ctx.fact`, variables and actions). */
  async get(name: string, params?: JsonObject): Promise<unknown> {
    for (;;) {
      const v = this.read(name, params);
      if (v !== PENDING) return v;
      await this.settle();
    }
  }

  /** Longest registered fact name that prefixes `path` (`xp.level.value` → `xp.level` + `value`). */
  splitFactPath(path: readonly string[]): { name: string; rest: string[] } | undefined {
    for (let n = path.length; n >= 1; n--) {
      const name = path.slice(0, n).join('.');
      if (name === 'now' || name.startsWith('event') || this.registry.fact(name)) return { name, rest: path.slice(n) };
    }
    return undefined;
  }

  /** Resolved facts as JSON, for a parked run's context. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#memo?.forEach((e, key) => {
      if (e.state === 'done' && e.value !== undefined) out[key] = e.value;
    });
    const slots = this.#slots;
    if (slots !== undefined)
      for (const p of (this.#plan as FactPlan).slots) {
        const v = slots[p.slot];
        if (v !== UNREAD_SLOT && v !== undefined && !(v instanceof Unsettled)) out[p.key] = v;
      }
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  }
}
