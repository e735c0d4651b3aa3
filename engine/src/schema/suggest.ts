/** Levenshtein distance, for "did you mean …?" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known names closest to `name` (case-insensitive edit distance within a third of the length, at least 2),
 * best first, at most `max`. Names that share the part after the dot (`mesage.delete` ↔ `message.delete`) rank well.
 */
export function suggest(name: string, known: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  // Names are short; a long string is no typo of one (and the distance is quadratic in the lengths).
  if (lower.length > 200) return [];
  const limit = Math.max(2, Math.ceil(lower.length / 3));
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    if (c.length > 200) continue;
    let distance = Math.abs(c.length - lower.length) > limit ? limit + 1 : editDistance(lower, c);
    // `delete` for `message.delete`: the name without its area is a strong hint.
    const tail = c.slice(c.indexOf('.') + 1);
    if (tail === lower || c.endsWith(`.${lower}`)) distance = Math.min(distance, 1);
    if (distance <= limit) scored.push({ candidate, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, max).map((s) => s.candidate);
}

/** ` Did you mean `a` or `b`?` — or `''` when there is nothing close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const found = suggest(name, known);
  if (found.length === 0) return '';
  const quoted = found.map((f) => `\`${f}\``);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return ` Did you mean ${list}?`;
}
