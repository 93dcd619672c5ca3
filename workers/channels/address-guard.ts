import { isPrivateHost } from "../../core/private-address";
import { TtlCache } from "../ttl-cache";

/**
 * Send-time address checks, so that a shop cannot aim the Worker at internal services: not with a
 * literal address, not with a name that resolves to one, and not with a redirect to either.
 * (A name could still resolve differently for the fetch itself a moment later; Workers cannot pin
 * an address, and on Cloudflare's network private addresses are unreachable anyway.)
 */
export type AddressVerdict = "allowed" | "private_address" | "unresolvable" | "dns_unavailable" | "unsupported_url";
export type AddressCheck = (url: URL) => Promise<AddressVerdict>;

export type CheckedResponse =
  | { ok: true; response: Response }
  | { ok: false; reason: Exclude<AddressVerdict, "allowed"> | "too_many_redirects" };

const MAX_REDIRECTS = 3;
/** Resolutions are kept briefly: long enough for a cron batch, short enough to follow DNS changes. */
const resolutions = new TtlCache<string[]>(30_000, 1_000);

const DNS_TYPES = { A: 1, AAAA: 28 } as const;

interface DnsJsonAnswer {
  Status?: number;
  Answer?: { type?: number; data?: string }[];
}

/** Allows everything when private addresses are allowed; else refuses private hosts, checking names over DNS-over-HTTPS. */
export function addressCheck(options: { allowPrivate: boolean; resolverUrl: string; timeoutMs: number }): AddressCheck {
  return async (url) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") return "unsupported_url";
    if (options.allowPrivate) return "allowed";
    if (isPrivateHost(url.hostname)) return "private_address";
    if (isIpLiteral(url.hostname)) return "allowed";
    const addresses = await resolve(url.hostname, options.resolverUrl, options.timeoutMs);
    if (addresses === "dns_unavailable") return addresses;
    // Fail closed: a name without addresses is not sent to (the fetch might resolve it elsewhere).
    if (addresses.length === 0) return "unresolvable";
    return addresses.some(isPrivateHost) ? "private_address" : "allowed";
  };
}

/**
 * Fetches with redirects followed by hand (at most 3), every URL passed by `check` first. 303, and
 * 301/302 after a POST, continue as a GET without body, as browsers do; 307/308 repeat the request.
 * Credentials do not follow a redirect to another origin.
 */
export async function fetchChecked(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | null; signal?: AbortSignal },
  check: AddressCheck,
  fetcher: typeof fetch = fetch,
): Promise<CheckedResponse> {
  let target = new URL(url);
  let request = init;
  for (let hop = 0; ; hop++) {
    const verdict = await check(target);
    if (verdict !== "allowed") return { ok: false, reason: verdict };
    const response = await fetcher(target.href, { ...request, redirect: "manual" });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) return { ok: true, response };
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) return { ok: false, reason: "too_many_redirects" };
    const next = new URL(location, target);
    request = redirectedRequest(request, response.status, next.origin !== target.origin);
    target = next;
  }
}

function redirectedRequest<T extends { method: string; headers: Record<string, string>; body: string | null }>(
  request: T,
  status: number,
  crossOrigin: boolean,
): T {
  const asGet = status === 303 || ((status === 301 || status === 302) && request.method === "POST");
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => {
      const lower = name.toLowerCase();
      if (crossOrigin && lower === "authorization") return false;
      return !(asGet && lower === "content-type");
    }),
  );
  return asGet ? { ...request, method: "GET", headers, body: null } : { ...request, headers };
}

function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/** The name's A and AAAA addresses, or `dns_unavailable` when the resolver could not answer. */
async function resolve(name: string, resolverUrl: string, timeoutMs: number): Promise<string[] | "dns_unavailable"> {
  const key = `${resolverUrl} ${name}`;
  const cached = resolutions.get(key);
  if (cached) return cached;
  try {
    const answers = await Promise.all(
      (Object.keys(DNS_TYPES) as (keyof typeof DNS_TYPES)[]).map((type) => lookup(name, type, resolverUrl, timeoutMs)),
    );
    if (answers.includes(null)) return "dns_unavailable";
    const addresses = answers.flatMap((answer) => answer ?? []);
    resolutions.set(key, addresses);
    return addresses;
  } catch {
    return "dns_unavailable";
  }
}

/** One record type's addresses; null when the resolver failed (not NXDOMAIN, which is no addresses). */
async function lookup(name: string, type: keyof typeof DNS_TYPES, resolverUrl: string, timeoutMs: number): Promise<string[] | null> {
  const query = new URL(resolverUrl);
  query.searchParams.set("name", name);
  query.searchParams.set("type", type);
  const response = await fetch(query, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  const answer = (await response.json()) as DnsJsonAnswer;
  // 0 NOERROR, 3 NXDOMAIN; anything else (SERVFAIL, REFUSED) is the resolver's failure.
  if (answer.Status === 3) return [];
  if (answer.Status !== 0) return null;
  return (answer.Answer ?? [])
    .filter((record) => record.type === DNS_TYPES[type] && typeof record.data === "string")
    .map((record) => record.data as string);
}
