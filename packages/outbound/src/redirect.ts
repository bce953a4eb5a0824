import type { IncomingMessage } from "node:http";
import type { Hop } from "./hop.ts";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];
/** Dropped when a redirect leaves the origin. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

/** Where a redirect response points, or null when the response is not a redirect. */
export function redirectTarget(message: IncomingMessage, from: URL): URL | null {
  const location = message.headers.location;
  if (!REDIRECT_STATUSES.has(message.statusCode ?? 0) || !location) return null;
  return new URL(location, from);
}

/** The next hop as fetch builds it: 303 (and 301/302 after a POST) become a GET without body; credentials stay on their origin. */
export function nextHop(hop: Hop, status: number, to: URL): Hop {
  const toGet = status === 303 ? hop.method !== "HEAD" : (status === 301 || status === 302) && hop.method === "POST";
  const headers = { ...hop.headers };
  if (toGet) for (const name of BODY_HEADERS) delete headers[name];
  if (to.origin !== hop.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return { url: to, method: toGet ? "GET" : hop.method, headers, body: toGet ? null : hop.body };
}
