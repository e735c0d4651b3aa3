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
import { whereValue, type WhereSubject } from './where.js';

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
  /** Its place in the event's values (`SlotValues`): provided facts are numbered densely, a pseudo-fact has -1. */
  readonly slot: number;
  readonly name: string;
  readonly params: JsonObject | undefined;
  readonly key: string;
  readonly pseudo: Pseudo | null;
  readonly def: FactDefinition | undefined;
}
export interface FactPlan {
  /** By the set's fact slot (what a `FactReader` is handed). */
  readonly slots: readonly PlannedFact[];
  /** How many of them are provided facts (the length of an event's planned values: pseudo-facts take none). */
  readonly provided: number;
  /** The provided facts of `slots` by memo key: a read by name of a planned fact uses its slot. */
  readonly byKey: ReadonlyMap<string, PlannedFact>;
}

/** The plan of a set's fact slots, for the set as compiled so far (a loaded rule set's set no longer grows). */
export function factPlan(conditions: ConditionSet, registry: Registry): FactPlan {
  let provided = 0;
  const slots = conditions.slotFacts().map(({ name, params }): PlannedFact => {
    const pseudo = pseudoOf(name);
    const def = pseudo === null ? registry.fact(name) : undefined;
    return { slot: pseudo === null ? provided++ : -1, name, params, key: factKey(name, params), pseudo, def };
  });
  return { slots, provided, byKey: new Map(slots.filter((p) => p.pseudo === null).map((p) => [p.key, p])) };
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

/**
 * A memo of facts by slot: per slot a value, `UNREAD_SLOT` or `Unsettled`, and how long a timed fact took (made on the
 * first: most events time one fact or none). An event reads about ten facts: one array instead of an entry object each
 * and a scan of keys. The event's planned facts are its `EventFacts` itself (a subclass: no object of their own); its
 * facts read by key that are not planned have one of these (`ExtraFacts`).
 */
class SlotValues {
  values: unknown[];
  /**
   * How long each fact that answered with a promise took, as pairs `slot, ms` (made when the first one settles). Most
   * events have one such fact at most (a state read on a remote store), and the events' facts are what their kept
   * traces hold: two numbers, not one per slot.
   */
  ms: number[] | undefined;
  constructor(values: unknown[]) {
    this.values = values;
  }
  /** The time of the fact in `slot` (0: it answered directly, or is not read). */
  msOf(slot: number): number {
    const ms = this.ms;
    if (ms !== undefined) for (let i = 0; i < ms.length; i += 2) if (ms[i] === slot) return ms[i + 1] as number;
    return 0;
  }
  setMs(slot: number, ms: number): void {
    if (this.ms === undefined) this.ms = [slot, ms];
    else this.ms.push(slot, ms);
  }
}
const NO_VALUES: readonly unknown[] = Object.freeze([]);
/** The planned values of an event's facts before they are made (on the first read of one). */
const NOT_PLANNED = NO_VALUES as unknown[];
const unreadSlots = (n: number): unknown[] => new Array<unknown>(n).fill(UNREAD_SLOT);
/** An event's facts read by key that are not planned, each with a slot of its own. */
interface ExtraFacts {
  readonly facts: Map<string, PlannedFact>;
  readonly values: SlotValues;
}

/** `ctx.settings(moduleId)`, made once per loaded rule set (its settings object), not per event. */
const settingsReaders = new WeakMap<Record<string, JsonObject>, FactContext['settings']>();
function settingsReader(settings: Record<string, JsonObject>): FactContext['settings'] {
  let read = settingsReaders.get(settings);
  if (read === undefined) {
    read = readerOf(settings);
    settingsReaders.set(settings, read);
  }
  return read;
}
// Apart from `settingsReader` (called per event): a function that makes a closure allocates what it captures on every
// call, closure made or not.
function readerOf(settings: Record<string, JsonObject>): FactContext['settings'] {
  return <T>(moduleId: string) => (settings[moduleId] ?? {}) as T;
}

/**
 * The readers compiled conditions are handed, one pair per engine: the engine points them at an event's facts and
 * `where` subject for the length of one synchronous evaluation (`enter`), then back where they were (`leave`; a
 * dispatch made from inside an evaluation, by a provider, enters and leaves its own), so an event makes no reader
 * closures.
 */
export class ConditionReaders {
  facts: EventFacts | undefined;
  subject: WhereSubject | undefined;
  readonly read: FactReader;
  readonly whereRead: FactReader;
  /** What `enter` replaced, two entries per call (facts, then subject). */
  readonly #outer: (EventFacts | WhereSubject | undefined)[] = [];
  constructor() {
    this.read = (name, params, slot) => (this.facts as EventFacts).readSlot(name, params, slot);
    this.whereRead = (name) => whereValue(this.subject as WhereSubject, name);
  }

  /** Points the readers at an event, keeping where they pointed for `leave` (no allocation once the stack has grown). */
  enter(facts: EventFacts, subject: WhereSubject): this {
    this.#outer.push(this.facts, this.subject);
    this.facts = facts;
    this.subject = subject;
    return this;
  }

  /** Points the readers back where they were before the matching `enter`. */
  leave(): void {
    this.subject = this.#outer.pop() as WhereSubject | undefined;
    this.facts = this.#outer.pop() as EventFacts | undefined;
  }
}

/**
 * What the facts of every event of one guild share: the parts of a `FactContext` but the event, and how facts are
 * resolved (the registry, the io budget per event). Made once per guild (again when one part changes: a reloaded rule
 * set's settings, other services), not per event: an event's facts hold this one object instead of its eight fields.
 */
export class FactEnvironment {
  readonly settings: FactContext['settings'];
  constructor(
    readonly registry: Registry,
    readonly guildId: string,
    readonly clock: Clock,
    readonly state: GuildState,
    readonly discord: GuildDiscord,
    readonly services: Partial<RunServices>,
    /** The loaded rule set's module settings (what `settings` reads). */
    readonly settingsOf: Record<string, JsonObject>,
    /** Max `io` facts resolved per event. */
    readonly budget: number,
  ) {
    this.settings = settingsReader(settingsOf);
  }
}

/** What every context of an event holds as it is: the fields of a `FactContext` but `fact`. */
type ContextFields = Pick<FactContext, 'event' | 'guildId' | 'clock' | 'state' | 'discord' | 'services'>;

/**
 * The fields of a run's action context (`RunActionContext`): the event's fact context's (`from`), copied once per run
 * that reaches an action, and the settings reader.
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
 * The facts of ONE event: resolved lazily, memoised for every rule the event reaches, with a budget on `io` facts.
 * `now` is fixed when the event starts being processed, so every rule sees the same instant.
 *
 * It is also the event's `FactContext` (what providers are handed: `context`), with `fact` made on first use (most
 * providers never call it), a function that may be called detached (`const { fact } = ctx`). One object, not a
 * context beside it: traces keep an event's facts for a while, and every object they hold is copied by each
 * scavenge it lives through.
 */
export class EventFacts extends SlotValues implements FactContext {
  readonly event: RuleEvent;
  readonly #env: FactEnvironment;
  /** The event's own state handle when it has one (a `MarkedState`: its marker rides with its first operation). */
  #ownState: GuildState | undefined;
  /** Made on first use (most events build no trace). */
  #traced: Map<string, TraceFact> | undefined;
  #ioCount = 0;
  readonly now: number;
  #fact: FactContext['fact'] | undefined;
  /**
   * Memo keys in the order they were read while a run was going (`logFrom`): a run's trace lists the facts its
   * condition read (replayed) and then these. Reads made before any run starts (the candidates' program, most reads)
   * are not logged: nothing would read them (a quiet run's trace replays its condition).
   */
  #log: string[] | undefined;
  #logging = false;
  /** The fact slots of the conditions this event runs (`usePlan`), read by slot. */
  #plan: FactPlan | undefined;
  /**
   * Facts read by key that are not planned (`ctx.fact`, variables, a seed), each given a slot of its own on first read
   * (made on the first: most events read only planned facts).
   */
  #extra: ExtraFacts | undefined;
  #peek: ((name: string, params: JsonObject | undefined) => unknown) | undefined;

  /** `state`: the event's own handle, when it is not the guild's (`env.state`). */
  constructor(env: FactEnvironment, event: RuleEvent, seed?: Record<string, unknown>, state?: GuildState) {
    // The planned facts' memo (`values`, `ms`): made on the first read of one.
    super(NOT_PLANNED);
    this.event = event;
    this.#env = env;
    this.#ownState = state === env.state ? undefined : state;
    this.now = env.clock.now();
    if (seed !== undefined)
      for (const [key, value] of Object.entries(seed)) {
        const [name = key, p] = key.split('\u0000');
        const params = p === undefined ? undefined : (JSON.parse(p) as JsonObject);
        this.extras().values.values[this.extraFact(name, params, key, undefined).slot] = value;
      }
  }

  /**
   * Reads the slots of `conditions` by their plan (see `factPlan`): the rule set this event runs. Planned facts already
   * read by key (a seed) move to their slots.
   */
  usePlan(plan: FactPlan): void {
    this.#plan = plan;
    this.values = NOT_PLANNED;
    this.ms = undefined;
    const extra = this.#extra;
    if (extra === undefined) return;
    for (const [key, fact] of extra.facts) {
      const p = plan.byKey.get(key);
      const v = extra.values.values[fact.slot];
      if (p === undefined || v === UNREAD_SLOT || (v instanceof Unsettled && v.error === undefined)) continue;
      if (this.values === NOT_PLANNED) this.values = unreadSlots(plan.provided);
      this.values[p.slot] = v;
      const ms = extra.values.msOf(fact.slot);
      if (ms !== 0) this.setMs(p.slot, ms);
    }
  }

  /**
   * What compiled conditions read through (`FactReader`): by slot when `slot` is one of the plan's and names this fact,
   * by name otherwise. The engine hands conditions one reader that calls this on the event being evaluated (see
   * `ConditionReaders`), so an event makes no reader of its own.
   */
  readSlot(name: string, params: JsonObject | undefined, slot?: number): unknown {
    const planned = slot === undefined ? undefined : this.#plan?.slots[slot];
    return planned !== undefined && planned.name === name && planned.params === params
      ? this.readPlanned(planned)
      : this.read(name, params);
  }

  /** `read` of a planned slot: no pseudo-fact test, no key to make, no registry lookup, no entry. */
  private readPlanned(p: PlannedFact): unknown {
    if (p.pseudo !== null) {
      if (this.#logging) this.#note(p.name);
      return this.pseudoAt(p.pseudo);
    }
    if (this.values === NOT_PLANNED) this.values = unreadSlots((this.#plan as FactPlan).provided);
    return this.readIn(p, this);
  }

  /** A provided fact in its slot of `store`: resolved on first read, logged for the trace unless still pending. */
  private readIn(p: PlannedFact, store: SlotValues): unknown {
    let v = store.values[p.slot];
    if (v === UNREAD_SLOT) v = this.resolve(p, store);
    if (v instanceof Unsettled) {
      if (v.error === undefined) return PENDING;
      if (this.#logging) this.#note(p.key);
      throw v.error;
    }
    if (this.#logging) this.#note(p.key);
    return v;
  }

  /**
   * Runs a fact's provider into its slot: its value, or an `Unsettled` (an error, or a promise that writes the slot
   * when it settles). Timed when it answers with a promise (from then until it settles): what waits on a port or the
   * network. A synchronous answer (a cheap fact, or an io fact on in-process state) takes microseconds; timing it would
   * cost about as much again, so its trace shows 0.
   */
  private resolve(p: PlannedFact, store: SlotValues): unknown {
    const def = this.checkedDef(p.name, p.def);
    const slots = store.values;
    let result: unknown;
    try {
      result = def.resolve(this.context, p.params);
    } catch (e) {
      return (slots[p.slot] = new Unsettled(factFailure(p.name, e), undefined, 0));
    }
    // Any provider may answer synchronously (an io fact on in-process state does): then its value is there at once.
    if (!(result instanceof Promise)) return (slots[p.slot] = result);
    const started = performance.now();
    const promise = result.then(
      (value: unknown) => {
        store.setMs(p.slot, performance.now() - started);
        slots[p.slot] = value;
      },
      (e: unknown) => {
        slots[p.slot] = new Unsettled(factFailure(p.name, e), undefined, performance.now() - started);
      },
    );
    return (slots[p.slot] = new Unsettled(undefined, promise, 0));
  }

  private extras(): ExtraFacts {
    return (this.#extra ??= { facts: new Map(), values: new SlotValues([]) });
  }

  /** The slot of a fact read by key that is not planned: made on its first read. */
  private extraFact(
    name: string,
    params: JsonObject | undefined,
    key: string,
    def: FactDefinition | undefined,
  ): PlannedFact {
    const extra = this.extras();
    let fact = extra.facts.get(key);
    if (fact === undefined) {
      fact = { slot: extra.values.values.length, name, params, key, pseudo: null, def };
      extra.facts.set(key, fact);
      extra.values.values.push(UNREAD_SLOT);
    }
    return fact;
  }

  /** A provided fact's slot and the store it is in, by memo key: planned or not; undefined when never read. */
  private slotOf(key: string): { fact: PlannedFact; store: SlotValues | undefined } | undefined {
    const planned = this.#plan?.byKey.get(key);
    if (planned !== undefined) return { fact: planned, store: this };
    const fact = this.#extra?.facts.get(key);
    return fact === undefined ? undefined : { fact, store: this.#extra?.values };
  }

  /**
   * A fact's memo entry by key (a new object: for traces and peeks, not for the conditions' reads), or undefined when it
   * was not read.
   */
  private entryOf(key: string): Entry | undefined {
    const found = this.slotOf(key);
    if (found === undefined) return undefined;
    const { fact, store } = found;
    const v = store?.values[fact.slot] ?? UNREAD_SLOT;
    if (v === UNREAD_SLOT) return undefined;
    const cost = fact.def?.cost ?? 'cheap';
    const { name, params } = fact;
    if (!(v instanceof Unsettled))
      return { state: 'done', value: v, ms: store?.msOf(fact.slot) ?? 0, cost, name, params };
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

  /**
   * The event's handling is over: its own state handle, if it had one, is let go, so what outlives the event (its kept
   * traces, which replay from this memo) does not keep the handle and its marker's promise alive. From then on
   * `state` is the guild's handle; nothing reads it once the event is done.
   */
  detach(): void {
    this.#ownState = undefined;
  }

  get guildId(): string {
    return this.#env.guildId;
  }
  get clock(): Clock {
    return this.#env.clock;
  }
  get state(): GuildState {
    return this.#ownState ?? this.#env.state;
  }
  get discord(): GuildDiscord {
    return this.#env.discord;
  }
  get services(): Partial<RunServices> {
    return this.#env.services;
  }
  get settings(): FactContext['settings'] {
    return this.#env.settings;
  }

  /** What providers and actions see: this object, as a `FactContext`. */
  get context(): FactContext {
    return this;
  }

  get fact(): FactContext['fact'] {
    // Bound, not an arrow: an arrow gets its name set at run time under tsx (esbuild keepNames).
    return (this.#fact ??= this.get.bind(this) as FactContext['fact']);
  }

  /** Pseudo-facts: `event.<path>` (the payload) and `now`. */
  private pseudoValue(name: string): unknown {
    const pseudo = pseudoOf(name);
    return pseudo === null ? undefined : this.pseudoAt(pseudo);
  }

  private pseudoAt(pseudo: Pseudo): unknown {
    if (pseudo === 'now') return this.now;
    if (pseudo === 'event') return this.event.payload;
    return safeGet(this.event.payload, pseudo);
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
      this.#ioCount++;
      if (this.#ioCount > this.#env.budget) {
        throw new RulecordError(
          RUNTIME_CODES.RC_FACT_BUDGET,
          `This event needed more than ${this.#env.budget} io facts (reading "${name}").`,
          {
            fix: 'Narrow the rules with `where` or with conditions on event fields (evaluated before io facts), or split the rule set so one event needs fewer io facts.',
          },
        );
      }
    }
    return def;
  }

  /**
   * Reads a fact for a condition: a value, or PENDING while an async provider runs (await `settle()` and evaluate
   * again). Throws the fact's error. Every read is logged for the trace.
   */
  read(name: string, params: JsonObject | undefined): unknown {
    if (isPseudo(name)) {
      if (this.#logging) this.#note(name);
      return this.pseudoValue(name);
    }
    return this.readKey(name, params, factKey(name, params));
  }

  /** A provided fact by its memo key: resolved on first read (its slot when it is planned). */
  private readKey(name: string, params: JsonObject | undefined, key: string): unknown {
    const planned = this.#plan?.byKey.get(key);
    if (planned !== undefined) return this.readPlanned(planned);
    const extra = this.extras();
    const fact = extra.facts.get(key) ?? this.extraFact(name, params, key, this.#env.registry.fact(name));
    return this.readIn(fact, extra.values);
  }

  #note(key: string): void {
    const log = this.#log;
    if (log === undefined) this.#log = [key];
    // A short log is copied at its exact size: `push` would grow it by 16 places, kept as long as a trace keeps the
    // event's facts.
    else if (log.length < 8) this.#log = log.concat(key);
    else log.push(key);
  }

  /** Starts logging the facts read (a run starts): returns the log position its facts start at. */
  logFrom(): number {
    this.#logging = true;
    return this.logPosition;
  }

  /** Stops logging (no run is going: the next rules' conditions are evaluated). */
  stopLog(): void {
    this.#logging = false;
  }

  /** The log's end: a finished run's facts are the ones logged from its `logFrom()` to here. */
  get logPosition(): number {
    return this.#log === undefined ? 0 : this.#log.length;
  }

  /**
   * The facts logged from position `from` (up to `to`), after those of `first` (a replayed condition's), once each,
   * with the values they had.
   */
  traceFacts(from: number, to = this.logPosition, first: readonly string[] = NONE_KEYS): TraceFact[] {
    if (from >= to && first.length === 0) return [];
    const logged = this.#log === undefined || from >= to ? NONE_KEYS : this.#log.slice(from, to);
    const keys = first.length === 0 ? logged : [...first, ...logged];
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
    const traced = (this.#traced ??= new Map());
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
    let promise: Promise<unknown> | undefined;
    let more: Promise<unknown>[] | undefined;
    for (const store of [this, this.#extra?.values])
      for (const v of store?.values ?? NO_VALUES) {
        if (!(v instanceof Unsettled) || v.promise === undefined) continue;
        if (promise === undefined) promise = v.promise;
        else (more ??= [promise]).push(v.promise);
      }
    return more !== undefined ? Promise.all(more) : (promise ?? Promise.resolve());
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
      if (name === 'now' || name.startsWith('event') || this.#env.registry.fact(name))
        return { name, rest: path.slice(n) };
    }
    return undefined;
  }

  /** Resolved facts as JSON, for a parked run's context. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keep = (fact: PlannedFact, store: SlotValues | undefined): void => {
      const v = store?.values[fact.slot] ?? UNREAD_SLOT;
      if (v !== UNREAD_SLOT && v !== undefined && !(v instanceof Unsettled)) out[fact.key] = v;
    };
    for (const fact of this.#extra?.facts.values() ?? []) keep(fact, this.#extra?.values);
    for (const fact of this.#plan?.slots ?? []) if (fact.pseudo === null) keep(fact, this);
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  }
}
