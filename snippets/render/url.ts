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
  if (parts.length === 1) return value === pattern;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  const end = value.length - last.length;
  if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
