/**
 * Whether a URL's host is a loopback, private or other special-purpose address, in any spelling,
 * or a name of a local network (`localhost`, `printer.local`, `intranet`). Webhooks there are
 * refused unless the deployment allows them, so a shop cannot aim the Worker at
 * internal services. Names that only resolve to such addresses are checked again when a message
 * is sent.
 *
 * The host is first written the way the WHATWG URL parser writes it (which turns `0x7f.1`,
 * `2130706433` and `0177.0.0.1` into `127.0.0.1` and compresses IPv6), then addresses are compared
 * as bytes against the IANA IPv4 and IPv6 Special-Purpose Address Registries.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = canonicalHost(hostname);
  // Something no URL could carry as its host is refused rather than guessed at.
  if (host === null) return true;
  if (host.startsWith("[")) {
    const ipv6 = ipv6Bytes(host.slice(1, -1));
    return ipv6 === null || isSpecialIPv6(ipv6);
  }
  const ipv4 = ipv4Bytes(host);
  if (ipv4 !== null) return isSpecialIPv4(ipv4);
  return isLocalName(host);
}

type Bytes = readonly number[];

interface Cidr {
  bytes: Bytes;
  prefix: number;
}

/** The IANA IPv4 Special-Purpose Address Registry, with multicast and limited broadcast. */
const SPECIAL_IPV4: readonly Cidr[] = [
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8", // private
  "100.64.0.0/10", // shared address space (carrier-grade NAT)
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local, cloud metadata services
  "172.16.0.0/12", // private
  "192.0.0.0/24", // IETF protocol assignments
  "192.0.2.0/24", // documentation (TEST-NET-1)
  "192.31.196.0/24", // AS112-v4
  "192.52.193.0/24", // AMT
  "192.88.99.0/24", // deprecated 6to4 relay anycast
  "192.168.0.0/16", // private
  "192.175.48.0/24", // AS112 direct delegation
  "198.18.0.0/15", // benchmarking
  "198.51.100.0/24", // documentation (TEST-NET-2)
  "203.0.113.0/24", // documentation (TEST-NET-3)
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved
  "255.255.255.255/32", // limited broadcast
].map(cidr);

/** The IANA IPv6 Special-Purpose Address Registry, with site-local and multicast. */
const SPECIAL_IPV6: readonly Cidr[] = [
  "::/128", // unspecified
  "::1/128", // loopback
  "::ffff:0:0/96", // IPv4-mapped
  "64:ff9b::/96", // IPv4/IPv6 translation (NAT64)
  "64:ff9b:1::/48", // local-use IPv4/IPv6 translation
  "100::/64", // discard-only
  "100:0:0:1::/64", // dummy prefix (RFC 9780)
  "2001::/23", // IETF protocol assignments: Teredo, benchmarking, AMT, AS112, ORCHID, drone ids, anycast
  "2001:db8::/32", // documentation
  "2002::/16", // 6to4
  "2620:4f:8000::/48", // AS112 direct delegation
  "3fff::/20", // documentation
  "5f00::/16", // segment routing SIDs
  "fc00::/7", // unique local
  "fe80::/10", // link-local
  "fec0::/10", // site-local (deprecated, still routed inside some networks)
  "ff00::/8", // multicast
].map(cidr);

const lastFourBytes = (address: Bytes): Bytes => address.slice(12);

/**
 * IPv6 forms that carry an IPv4 address, and where: the IPv4 address is judged too. The prefixes
 * are special-purpose themselves except IPv4-compatible `::/96` (deprecated, not in the registry),
 * so this is what refuses `[::7f00:1]`, and it keeps the IPv4 verdict authoritative for all of them.
 */
const EMBEDDED_IPV4: readonly [Cidr, (address: Bytes) => Bytes][] = [
  [cidr("::ffff:0:0/96"), lastFourBytes], // IPv4-mapped
  [cidr("::/96"), lastFourBytes], // IPv4-compatible
  [cidr("64:ff9b::/96"), lastFourBytes], // NAT64, well-known prefix
  [cidr("64:ff9b:1::/48"), lastFourBytes], // NAT64, local use (the IPv4 address last, as with a /96)
  [cidr("2002::/16"), (address) => address.slice(2, 6)], // 6to4: the gateway's address
  [cidr("2001::/32"), (address) => lastFourBytes(address).map((byte) => ~byte & 0xff)], // Teredo: the client's, inverted
];

/**
 * Names that only a local resolver answers: `localhost` (RFC 6761), mDNS `.local`, `.internal`
 * (reserved for private use), `.arpa` (`home.arpa`, reverse zones), and the names RFC 6762
 * appendix G lists as used on private networks.
 */
const LOCAL_TOP_LABELS = new Set(["localhost", "local", "localdomain", "internal", "arpa", "lan", "home", "corp", "intranet", "private"]);

function isSpecialIPv4(address: Bytes): boolean {
  return SPECIAL_IPV4.some((range) => inRange(address, range));
}

function isSpecialIPv6(address: Bytes): boolean {
  if (SPECIAL_IPV6.some((range) => inRange(address, range))) return true;
  return EMBEDDED_IPV4.some(([range, ipv4Of]) => inRange(address, range) && isSpecialIPv4(ipv4Of(address)));
}

function isLocalName(host: string): boolean {
  const labels = host.replace(/\.$/, "").split(".");
  // An empty label (`localhost..`, `.localhost`) makes no DNS name; a single label is completed
  // by the resolver's search domains, i.e. names a host of the local network.
  if (labels.length < 2 || labels.includes("")) return true;
  return LOCAL_TOP_LABELS.has(labels[labels.length - 1] ?? "");
}

/** The host as the WHATWG URL parser writes it: IPv4 dotted decimal, IPv6 compressed in brackets, names lower case. */
function canonicalHost(hostname: string): string | null {
  // Characters that would make the parser read another part of a URL as its host.
  if (hostname === "" || /[\s/\\?#@]/.test(hostname)) return null;
  const bracketed = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return null;
  }
}

function inRange(address: Bytes, range: Cidr): boolean {
  if (address.length !== range.bytes.length) return false;
  for (let index = 0; index * 8 < range.prefix; index++) {
    const maskedBits = Math.min(8, range.prefix - index * 8);
    const mask = (0xff00 >> maskedBits) & 0xff;
    if ((((address[index] ?? 0) ^ (range.bytes[index] ?? 0)) & mask) !== 0) return false;
  }
  return true;
}

function cidr(notation: string): Cidr {
  const [address = "", prefix = ""] = notation.split("/");
  const bytes = address.includes(":") ? ipv6Bytes(address) : ipv4Bytes(address);
  if (bytes === null || !/^\d+$/.test(prefix) || Number(prefix) > bytes.length * 8) throw new Error(`bad CIDR ${notation}`);
  return { bytes, prefix: Number(prefix) };
}

function ipv4Bytes(text: string): Bytes | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.map(Number);
}

/** Hexadecimal groups with at most one `::`, as the URL parser writes IPv6 (no dotted tail). */
function ipv6Bytes(text: string): Bytes | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const [head = [], tail = []] = halves.map((half) => (half === "" ? [] : half.split(":")));
  const zeroGroups = 8 - head.length - tail.length;
  if (halves.length === 1 ? zeroGroups !== 0 : zeroGroups < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? zeroGroups : 0).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return null;
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}
