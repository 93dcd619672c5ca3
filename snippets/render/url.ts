/**
 * Pure helpers of the renderer: which URLs may become links or images, and the `url_matches`
 * glob of pop-up triggers. No DOM, so they run (and are tested) in Node.
 */

/** The absolute URL if `url`, resolved against `base`, is http(s); otherwise null (never a `javascript:` or `data:` link). */
export function safeUrl(url: unknown, base: string): string | null {
  if (typeof url !== "string" || !url) return null;
  try {
    const resolved = new URL(url, base);
    return resolved.protocol === "http:" || resolved.protocol === "https:" ? resolved.href : null;
  } catch {
    return null;
  }
}

/**
 * Whether the whole `value` matches `pattern`, in which `*` stands for any run of characters and
 * everything else is literal. No regular expression is built from the pattern: its literal parts
 * are found left to right with `indexOf` (the leftmost occurrence is always safe), so matching never
 * backtracks.
 */
export function globMatch(value: string, pattern: string): boolean {
  const parts = pattern.split("*");
  const last = parts.pop() as string;
  let at = 0;
  for (const [i, part] of parts.entries()) {
    // The first part anchored at the start, the others the leftmost occurrence after the previous one.
    const found = i ? value.indexOf(part, at) : value.startsWith(part) ? 0 : -1;
    if (found < 0) return false;
    at = found + part.length;
  }
  // The last part anchored at the end, after everything before it; without a star, the whole value.
  return parts.length ? value.length - last.length >= at && value.endsWith(last) : value === last;
}
