/**
 * Allowed-origin patterns: `https://shop.example`, `https://*.shop.example` (any subdomain),
 * `http://localhost:*` (any port). Scheme and host must match; a pattern without a port matches
 * the scheme's default port only.
 */
const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\*|\d{1,5}))?$/i;

interface ParsedPattern {
  scheme: string;
  anySubdomain: boolean;
  host: string;
  port: string | null;
}

function parsePattern(pattern: string): ParsedPattern | null {
  const match = PATTERN.exec(pattern.trim());
  if (!match) return null;
  const [, scheme = "", star, host = "", port] = match;
  return { scheme: scheme.toLowerCase(), anySubdomain: star !== undefined, host: host.toLowerCase(), port: port ?? null };
}

export function isValidOriginPattern(pattern: string): boolean {
  return parsePattern(pattern) !== null;
}

function parseOrigin(origin: string): { scheme: string; host: string; port: string } | null {
  try {
    const url = new URL(origin);
    if (url.origin !== origin.toLowerCase() && url.origin !== origin) return null;
    return { scheme: url.protocol.slice(0, -1), host: url.hostname.toLowerCase(), port: url.port };
  } catch {
    return null;
  }
}

export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  return patterns.some((raw) => {
    const pattern = parsePattern(raw);
    if (!pattern || pattern.scheme !== parsed.scheme) return false;
    const hostMatches = pattern.anySubdomain ? parsed.host.endsWith(`.${pattern.host}`) : parsed.host === pattern.host;
    if (!hostMatches) return false;
    if (pattern.port === "*") return true;
    return (pattern.port ?? "") === parsed.port;
  });
}
