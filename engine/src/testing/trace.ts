import type { Trace, TraceOutcome } from '../trace/model.js';

/**
 * A trace of one rule run with nothing recorded beyond its outcome, for tests of trace stores, feeds and streams:
 * the caller chooses what those filter on (id, guild, rule, time, outcome, trigger payload).
 */
export function sampleTrace(t: {
  id: string;
  guildId: string;
  rule: string;
  at: number;
  outcome: TraceOutcome;
  /** The trigger event's id (default `e-<id>`) and payload. */
  eventId?: string;
  payload?: Trace['trigger']['payload'];
  runId?: string;
}): Trace {
  return {
    id: t.id,
    runId: t.runId ?? `run-${t.id}`,
    segment: 0,
    guildId: t.guildId,
    rule: { id: t.rule, pointer: '/rules/0' },
    ruleSetVersion: 'v',
    trigger: { id: t.eventId ?? `e-${t.id}`, type: 'message.create', at: t.at, depth: 0, payload: t.payload ?? {} },
    mode: 'enforce',
    outcome: t.outcome,
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
