/** One dependency `/readyz` checks: `check` rejects (or times out) when the dependency is unreachable. */
export interface ReadinessCheck {
  /** Named in the 503 answer: `database`, `redis`. */
  readonly name: string;
  check(): Promise<unknown>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
  /** Names of the failing dependencies. */
  failing: string[];
}

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, ms: Date.now() - started }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message || error.name : String(error);
        return [name, { ok: false, error: message, ms: Date.now() - started }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const failing = results.filter(([, r]) => !r.ok).map(([name]) => name);
  return { ready: failing.length === 0, checks: Object.fromEntries(results), failing };
}
