import type { Json } from '../model/document.js';
import type { ActionContext } from '../model/module.js';

/** What the engine lets its own core actions reach of the run that calls them (never exposed to modules). */
export interface RunHandle {
  note(message: string, data?: Json): void;
  readonly depth: number;
  readonly shadow: boolean;
}

/** Where an engine-made action context keeps its run (a symbol: not a field a module sees or can name). */
export const RUN_HANDLE: unique symbol = Symbol('rulecord.run');

/** The run behind an action context, for the core module (`log.trace`). */
export function runOf(ctx: ActionContext): RunHandle | undefined {
  return (ctx as ActionContext & { [RUN_HANDLE]?: RunHandle })[RUN_HANDLE];
}
