import { RulecordError } from '../errors/error.js';
import type { Json, JsonObject } from '../model/document.js';
import type { ActionContext, FactContext, Logger } from '../model/module.js';
import type { Scheduler } from '../timers/port.js';
import { RUNTIME_CODES } from './codes.js';
import { RUN_HANDLE, type RunHandle } from './run-handle.js';
import type { CompiledRule } from './compile-rules.js';
import type { EventRun, Run } from './run.js';
import { TIMER_KINDS, add } from './run.js';
import { EventContextFields } from './facts.js';

/** What every action context of one rule shares (made once per compiled rule). */
export interface RuleContextParts {
  readonly rule: ActionContext['rule'];
  readonly log: Logger;
}

/**
 * The context handed to a run's actions: one per run that reaches an action. The event's fact context is shared as it
 * is; what actions seldom use (`emit`, `schedule`, `cancelTimer`, the run handle of core actions) is made on first
 * use, each a function that may be called detached (`const { emit } = ctx`).
 */
export class RunActionContext extends EventContextFields implements ActionContext {
  readonly rule: ActionContext['rule'];
  readonly log: Logger;
  readonly #run: Run;
  readonly #scheduler: Scheduler;
  readonly #emitDepth: number;
  #emit: ActionContext['emit'] | undefined;
  #schedule: ActionContext['schedule'] | undefined;
  #cancel: ActionContext['cancelTimer'] | undefined;
  #handle: RunHandle | undefined;

  constructor(run: Run, parts: RuleContextParts, scheduler: Scheduler, emitDepth: number) {
    const base = run.ev.facts;
    super(base, base.settings);
    this.rule = parts.rule;
    this.log = parts.log;
    this.#run = run;
    this.#scheduler = scheduler;
    this.#emitDepth = emitDepth;
  }

  /** The event's own reader, bound on first use (most actions read no fact). */
  get fact(): FactContext['fact'] {
    return this.#run.ev.facts.fact;
  }

  get emit(): ActionContext['emit'] {
    return (this.#emit ??= emitter(this.#run.ev, this.#run.rule, this.#emitDepth));
  }

  get schedule(): ActionContext['schedule'] {
    if (this.#schedule !== undefined) return this.#schedule;
    const scheduler = this.#scheduler;
    const guildId = this.guildId;
    this.#schedule = async (timer) => {
      await scheduler.schedule({
        id: `evt.${timer.id}`,
        guildId,
        kind: TIMER_KINDS.event,
        dueAt: timer.at,
        payload: { type: timer.event.type, payload: timer.event.payload },
        ...(timer.cron !== undefined ? { cron: timer.cron } : {}),
        ...(timer.timezone !== undefined ? { timezone: timer.timezone } : {}),
      });
    };
    return this.#schedule;
  }

  get cancelTimer(): ActionContext['cancelTimer'] {
    if (this.#cancel !== undefined) return this.#cancel;
    const scheduler = this.#scheduler;
    const guildId = this.guildId;
    this.#cancel = (id) => scheduler.cancel(guildId, `evt.${id}`);
    return this.#cancel;
  }

  /** The run, for the engine's own core actions (`runOf`). */
  get [RUN_HANDLE](): RunHandle {
    if (this.#handle !== undefined) return this.#handle;
    const run = this.#run;
    const clock = this.clock;
    this.#handle = {
      depth: run.ev.depth,
      shadow: run.shadow,
      note: (message: string, data?: Json) =>
        add(run.trace, 'notes', { at: clock.now(), message, ...(data !== undefined ? { data } : {}) }),
    };
    return this.#handle;
  }
}

/** `ctx.emit` of one run: the event re-enters the router after the run, within the depth limit. */
function emitter(ev: EventRun, rule: CompiledRule, emitDepth: number): ActionContext['emit'] {
  return (type, payload) => {
    if (ev.depth + 1 > emitDepth) {
      throw new RulecordError(
        RUNTIME_CODES.RC_EMIT_DEPTH,
        `Rule "${rule.id}" emitted "${type}" at depth ${ev.depth + 1}, deeper than the limit of ${emitDepth}: rules are emitting events in a loop.`,
        {
          kind: 'user',
          pointer: rule.pointer,
          fix: 'Break the loop: add a condition so the rule does not react to the event it (indirectly) emits.',
        },
      );
    }
    const body: JsonObject = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
    add(ev, 'emitted', { type, payload: body, ruleId: rule.id });
  };
}
