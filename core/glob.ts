/**
 * Glob patterns of the `matches` operator: `*` stands for any run of characters on one line,
 * everything else is literal and case-sensitive, and the whole value must match.
 *
 * The pattern is split on `*` once; its literal segments are then found left to right with
 * `indexOf` (the first anchored at the start, the last at the end). Taking the leftmost
 * occurrence of each middle segment is always safe, so matching never backtracks: it costs at
 * most O(value length × pattern length), where a regular expression built from the pattern took
 * time cubic in the value's length.
 */
export interface Glob {
  /** The literal runs between the stars; a pattern without a star has exactly one. */
  readonly segments: readonly [string, ...string[]];
}

export function compileGlob(pattern: string): Glob {
  const [first = "", ...rest] = pattern.split("*");
  return { segments: [first, ...rest] };
}

/** Patterns come from campaigns, so few are live at once; the bound only caps memory. */
const MAX_CACHED_GLOBS = 1_000;
const cache = new Map<string, Glob>();

function cachedGlob(pattern: string): Glob {
  let glob = cache.get(pattern);
  if (!glob) {
    if (cache.size >= MAX_CACHED_GLOBS) cache.clear();
    glob = compileGlob(pattern);
    cache.set(pattern, glob);
  }
  return glob;
}

/** Line breaks as JavaScript's `.` sees them: the former regex's `*` never spanned one. */
function spansLineBreak(value: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

export function globMatches(value: string, glob: Glob): boolean {
  const { segments } = glob;
  const first = segments[0];
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] as string;
  const lastStart = value.length - last.length;
  if (lastStart < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    const found = value.indexOf(segment, at);
    // A later occurrence would only widen the gap and end later, so the leftmost decides.
    if (found < 0 || found + segment.length > lastStart || spansLineBreak(value, at, found)) return false;
    at = found + segment.length;
  }
  return !spansLineBreak(value, at, lastStart);
}

/** Whether `value` matches `pattern`; the pattern is compiled once and reused. */
export function matchesGlob(value: string, pattern: string): boolean {
  return globMatches(value, cachedGlob(pattern));
}
