import type { Json } from '../model/document.js';
import type { ActionContext } from '../model/module.js';

/** What the engine lets its own core actions reach of the run that calls them (never exposed to modules). */
export interface RunHandle {
  note(message: string, data?: Json): void;
  readonly depth: number;
  readonly shadow: boolean;
}

const handles = new WeakMap<ActionContext, RunHandle>();

export function attachRun(ctx: ActionContext, handle: RunHandle): void {
  handles.set(ctx, handle);
}

/** The run behind an action context, for the core module (`log.trace`). */
export function runOf(ctx: ActionContext): RunHandle | undefined {
  return handles.get(ctx);
}
