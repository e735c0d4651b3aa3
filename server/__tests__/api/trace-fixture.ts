// A trace of one rule run, as the trace feed and the stream hand it out: the tests choose what they filter on.
import type { Trace, TraceOutcome } from '@rulecord/engine';

export function sampleTrace(t: {
  id: string;
  guildId: string;
  rule: string;
  at: number;
  /** The event's author (what the `user` filter matches). */
  user: string;
  outcome?: TraceOutcome;
}): Trace {
  return {
    id: t.id,
    runId: `run-${t.id}`,
    segment: 0,
    guildId: t.guildId,
    rule: { id: t.rule, pointer: '/rules/0' },
    ruleSetVersion: 'v',
    trigger: { id: `e-${t.id}`, type: 'message.create', at: t.at, depth: 0, payload: { author: { id: t.user } } },
    mode: 'enforce',
    outcome: t.outcome ?? 'fired',
    where: { result: true, checks: [] },
    condition: null,
    facts: [],
    limits: [],
    actions: [],
    notes: [],
    errors: 0,
    startedAt: t.at,
    finishedAt: t.at,
    durationMs: 0,
  };
}
