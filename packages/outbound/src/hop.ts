import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { literalAddressOf } from "./address.ts";
import { pinnedLookup, type TargetPolicy } from "./target.ts";

/** One request of a fetch: the first, or the next after a redirect. Header names are lower case. */
export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * The socket for a hop. A host name goes through the pinned lookup (resolve once, check, connect to
 * what was checked); an IP literal was checked with the URL (sockets do no lookup for those). TLS
 * still verifies the certificate against the host name, sent as SNI.
 */
function connect(url: URL, policy: TargetPolicy): net.Socket {
  const literal = literalAddressOf(url);
  const host = literal ?? url.hostname;
  const secure = url.protocol === "https:";
  const port = Number(url.port) || (secure ? 443 : 80);
  const lookup = pinnedLookup(policy);
  return secure ? tls.connect({ host, port, lookup, ...(literal ? {} : { servername: host }) }) : net.connect({ host, port, lookup });
}

/** Sends one hop without a connection pool (no socket made under one policy serves another) and waits for its response head. */
export function sendHop(hop: Hop, policy: TargetPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const headers = hop.body ? { ...hop.headers, "content-length": String(hop.body.byteLength) } : hop.headers;
    const request = (hop.url.protocol === "https:" ? https : http).request({
      protocol: hop.url.protocol,
      hostname: literalAddressOf(hop.url) ?? hop.url.hostname,
      port: hop.url.port,
      path: `${hop.url.pathname}${hop.url.search}`,
      method: hop.method,
      headers,
      createConnection: () => connect(hop.url, policy),
    });
    const onAbort = () => request.destroy(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    request.on("response", (response) => {
      signal.removeEventListener("abort", onAbort);
      resolve(response);
    });
    request.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    request.end(hop.body ?? undefined);
  });
}
