// A trace as a store receives it, for the trace store tests: the n-th one of this test file (ids `t<n>`, `run<n>`,
// times `n`), with only its outcome, guild and rule chosen by the test.
import type { Trace, TraceOutcome } from '../../src/index.js';
import { sampleTrace } from '../../src/testing/index.js';

let n = 0;

export function trace(outcome: TraceOutcome, guildId = 'g1', rule = 'r'): Trace {
  n++;
  return sampleTrace({
    id: `t${n}`,
    runId: `run${n}`,
    eventId: `e${n}`,
    guildId,
    rule,
    at: n,
    outcome,
    payload: { n },
  });
}
