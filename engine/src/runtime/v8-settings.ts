import { setFlagsFromString } from 'node:v8';

/**
 * The V8 settings a Rulecord process runs with: the server's command line applies them at start, and the benchmark
 * does too, so it measures what runs. Opt out with `RULECORD_V8_DEFAULTS=1` (every V8 default kept).
 *
 * Allocation-site pretenuring is turned off. V8 allocates objects of a code site straight in the old generation once
 * most of them survived a young collection. At start-up every trace bucket is still filling, so every per-event object
 * (an event's facts and memo, its runs, their traces) survives, and their sites get pretenured for good. From then on
 * each event's short-lived objects are born old: they go only in a full collection, and until then keep the young
 * objects they point to alive, which are copied and promoted in turn. Measured (docs/benchmarks.md): about 20% less
 * time per event in process and a quarter of the promotion on Redis; json-rules-engine, in the same process, is
 * unaffected. Set before the first rule set loads (V8 reads the flag at every allocation of a site).
 */
export function applyV8Settings(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RULECORD_V8_DEFAULTS === '1') return false;
  setFlagsFromString('--no-allocation-site-pretenuring');
  return true;
}
