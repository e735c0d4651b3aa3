// A trace of one rule run, as the trace feed and the stream hand it out: the tests choose what they filter on.
import type { Trace, TraceOutcome } from '@rulecord/engine';
import { sampleTrace as engineSample } from '@rulecord/engine/testing';

export function sampleTrace(t: {
  id: string;
  guildId: string;
  rule: string;
  at: number;
  /** The event's author (what the `user` filter matches). */
  user: string;
  outcome?: TraceOutcome;
}): Trace {
  return engineSample({ ...t, outcome: t.outcome ?? 'fired', payload: { author: { id: t.user } } });
}
