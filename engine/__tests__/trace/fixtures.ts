// A trace as a store receives it, for the trace store tests: the n-th one of this test file (ids `t<n>`, `run<n>`,
// times `n`), with only its outcome, guild and rule chosen by the test.
import type { Trace, TraceOutcome } from '../../src/index.js';

let n = 0;

export function trace(outcome: TraceOutcome, guildId = 'g1', rule = 'r'): Trace {
  n++;
  return {
    id: `t${n}`,
    runId: `run${n}`,
    segment: 0,
    guildId,
    rule: { id: rule, pointer: '/rules/0' },
    ruleSetVersion: 'v',
    trigger: { id: `e${n}`, type: 'message.create', at: n, depth: 0, payload: { n } },
    mode: 'enforce',
    outcome,
    where: { result: true, checks: [] },
    condition: null,
    facts: [],
    limits: [],
    actions: [],
    notes: [],
    errors: 0,
    startedAt: n,
    finishedAt: n,
    durationMs: 0,
  };
}
