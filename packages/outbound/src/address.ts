import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * IPv4-compatible IPv6 (`::a.b.c.d`, deprecated by RFC 4291 §2.5.5.1): ipaddr.js calls it unicast,
 * but it only ever carries an IPv4 address, so it is refused like the other embeddings.
 */
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

/**
 * The ipaddr.js range of an IP address (`unicast`, `loopback`, `private`, `linkLocal`, …). An
 * IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is classified by the IPv4 address it carries;
 * anything that is not an IP address is `invalid`.
 */
export function addressRange(ip: string): string {
  if (!isIP(ip)) return "invalid";
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === "ipv4") return parsed.range();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
  const range = v6.range();
  return range === "unicast" && v6.match(IPV4_COMPATIBLE) ? "ipv4Compatible" : range;
}

/** True only for globally routable unicast addresses: everything else is refused. */
export function isPublicAddress(ip: string): boolean {
  return addressRange(ip) === "unicast";
}

/** The IP address a URL names literally (`http://[::1]/` → `::1`), or null for a host name. */
export function literalAddressOf(url: URL): string | null {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : null;
}
