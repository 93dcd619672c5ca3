/**
 * Whether a URL may be put into a page as a link or an image: `https:`, `http:` or relative.
 * Browsers ignore tabs, newlines and leading control characters in a scheme (`java\tscript:`
 * runs), so those are dropped before the scheme is read.
 */
export function isSafeUrl(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what browsers strip from URLs, so they are stripped here too
  const compact = value.replace(/[\u0000-\u0020\u007f]/g, "");
  if (compact.length === 0) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  if (!scheme) return true;
  return ["http", "https"].includes((scheme[1] ?? "").toLowerCase());
}
