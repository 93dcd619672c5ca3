import { parse as parseDomain } from "tldts";

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

/** A pattern, or null for one that is not valid (then it matches nothing, also if stored before a rule was added). */
function parsePattern(pattern: string): ParsedPattern | null {
  const match = PATTERN.exec(pattern.trim());
  if (!match) return null;
  const [, scheme = "", star, host = "", port] = match;
  const parsed = { scheme: scheme.toLowerCase(), anySubdomain: star !== undefined, host: host.toLowerCase(), port: port ?? null };
  return namesOneSite(parsed) && isPortPattern(parsed.port) ? parsed : null;
}

/** `*`, a TCP port, or none (the scheme's default). */
function isPortPattern(port: string | null): boolean {
  return port === null || port === "*" || Number(port) <= 65_535;
}

/**
 * Whether a pattern stays within one site by the public suffix list (its private section too:
 * every `*.github.io` is someone else's): a wildcard sits on a registrable domain
 * (`*.shop.example`, never `*.co.uk`, `*.github.io` or `*.localhost`), and a plain host is not a
 * listed public suffix itself (`https://co.uk`). A top-level label the list does not know
 * (`example`, `localhost`) is a suffix by the list's default rule, so `*.shop.example` is valid and
 * `*.example` is not, while `http://localhost:*` names one machine and stays valid.
 */
function namesOneSite({ anySubdomain, host }: ParsedPattern): boolean {
  if (host.split(".").includes("")) return false;
  const { isIp, domain, publicSuffix, isIcann, isPrivate } = parseDomain(host, { allowPrivateDomains: true, extractHostname: false });
  if (anySubdomain) return isIp !== true && domain !== null;
  return isIp === true || host !== publicSuffix || !(isIcann === true || isPrivate === true);
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

function matches(pattern: ParsedPattern, origin: { scheme: string; host: string; port: string }): boolean {
  if (pattern.scheme !== origin.scheme) return false;
  const hostMatches = pattern.anySubdomain ? origin.host.endsWith(`.${pattern.host}`) : origin.host === pattern.host;
  if (!hostMatches) return false;
  if (pattern.port === "*") return true;
  return (pattern.port ?? "") === origin.port;
}

/**
 * A shop's origin list, parsed once (checking a pattern against the public suffix list is the
 * costly part), as a test of one origin.
 */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const parsed = patterns.map(parsePattern).filter((pattern): pattern is ParsedPattern => pattern !== null);
  return (origin) => {
    const candidate = parseOrigin(origin);
    return candidate !== null && parsed.some((pattern) => matches(pattern, candidate));
  };
}
