/**
 * The BullMQ job id of one occurrence of one timer: deterministic in (guildId, id, dueAt), so adding the same
 * occurrence twice (a retry of `schedule`, the reconciler) queues one job. Parts are URI-encoded: BullMQ refuses ':' in
 * custom ids, and '|' (encoded inside parts) keeps the three parts apart.
 *
 * @example
 * timerJobId('1122', 'giveaway:42', 1764072000000); // '1122|giveaway%3A42|1764072000000'
 */
export function timerJobId(guildId: string, id: string, dueAt: number): string {
  return `${encodeURIComponent(guildId)}|${encodeURIComponent(id)}|${dueAt}`;
}

/** The inverse of `timerJobId`; null for an id it did not make. */
export function parseTimerJobId(jobId: string): { guildId: string; id: string; dueAt: number } | null {
  const parts = jobId.split('|');
  if (parts.length !== 3) return null;
  const [g, i, d] = parts as [string, string, string];
  const dueAt = Number(d);
  if (!/^\d+$/.test(d) || !Number.isSafeInteger(dueAt)) return null;
  try {
    return { guildId: decodeURIComponent(g), id: decodeURIComponent(i), dueAt };
  } catch {
    return null;
  }
}
