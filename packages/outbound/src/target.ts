import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { addressRange, literalAddressOf } from "./address.ts";
import { OutboundBlockedError } from "./errors.ts";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution: every address of a host name. node:dns `lookup` by default; tests inject their own. */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

const resolveWithDns: ResolveHost = (hostname) => dnsLookup(hostname, { all: true });

export interface TargetPolicy {
  /** The self-hosters' opt-in: loopback, private and link-local addresses become reachable. Scheme and credential checks stay. */
  allowPrivateNetwork?: boolean;
  lookup?: ResolveHost;
}

function assertPublicAddress(address: string, host: string): void {
  const range = addressRange(address);
  if (range === "unicast") return;
  const message = host === address ? `${address} is a refused address (${range})` : `${host} resolves to a refused address (${address}, ${range})`;
  throw new OutboundBlockedError("address", message, { host, address, range });
}

/** Scheme, credentials and an IP literal in the URL: all that is checked without DNS. Returns the parsed URL. */
export function assertAllowedUrl(input: string | URL, policy: Pick<TargetPolicy, "allowPrivateNetwork"> = {}): URL {
  const url = new URL(input);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundBlockedError("scheme", `only http and https URLs are fetched (got ${url.protocol})`, { host: url.host });
  }
  if (url.username || url.password) {
    throw new OutboundBlockedError("credentials", "URLs with credentials (user:pass@) are refused", { host: url.host });
  }
  const literal = literalAddressOf(url);
  if (literal && !policy.allowPrivateNetwork) assertPublicAddress(literal, literal);
  return url;
}

/** Every address of `hostname`, each checked: one refused answer refuses the host. */
async function resolveAllowed(hostname: string, policy: TargetPolicy = {}): Promise<ResolvedAddress[]> {
  const family = isIP(hostname);
  const addresses = family ? [{ address: hostname, family }] : [...(await (policy.lookup ?? resolveWithDns)(hostname))];
  if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname });
  if (!policy.allowPrivateNetwork) for (const { address } of addresses) assertPublicAddress(address, hostname);
  return addresses;
}

/**
 * The URL checks plus name resolution, for a clear answer before sending (a tool's invoke). The
 * guarded fetch checks again at connect time, on the very answer it connects to.
 */
export async function assertAllowedTarget(input: string | URL, policy: TargetPolicy = {}): Promise<void> {
  const url = assertAllowedUrl(input, policy);
  if (!literalAddressOf(url)) await resolveAllowed(url.hostname, policy);
}

const familyOf = (f: LookupOptions["family"]) => (f === 4 || f === "IPv4" ? 4 : f === 6 || f === "IPv6" ? 6 : 0);

/**
 * A socket `lookup` that resolves once, checks every answer and hands the socket only checked
 * addresses: what was checked is what is connected to, so a DNS answer that changes between a
 * check and the connect (rebinding) cannot slip a private address in.
 */
export function pinnedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy).then(
      (addresses) => {
        const family = familyOf(options.family);
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        const first = usable[0];
        if (!first) callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", 0);
        else if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}
