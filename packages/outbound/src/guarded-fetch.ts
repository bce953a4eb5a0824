import { OutboundBlockedError } from "./errors.ts";
import { sendHop, type Hop } from "./hop.ts";
import { nextHop, redirectTarget } from "./redirect.ts";
import { toWebResponse } from "./response.ts";
import { assertAllowedUrl, type TargetPolicy } from "./target.ts";

const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 3;

export interface GuardedFetchOptions extends TargetPolicy {
  /** Cap on a response body; over it the fetch (declared length) or the body stream fails with ResponseTooLargeError. */
  maxResponseBytes?: number;
  /** Cap on the whole exchange, all hops and the body included; the caller's signal may end it sooner. */
  timeoutMs?: number;
  /** With `redirect: "follow"` (the fetch default), hops followed after the first; each one is checked again. */
  maxRedirects?: number;
}

export type GuardedFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Set by the guard on every request: bodies come as sent, so the size cap counts what the caller reads. */
const FIXED_HEADERS = { "accept-encoding": "identity" };
/** The guard frames the request itself; these are never taken from the caller. */
const FRAMING_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "te", "upgrade", "accept-encoding"]);

function headersOf(request: Request): Record<string, string> {
  const out: Record<string, string> = { accept: "*/*" };
  request.headers.forEach((value, name) => {
    if (!FRAMING_HEADERS.has(name)) out[name] = value;
  });
  return { ...out, ...FIXED_HEADERS };
}

const urlOf = (input: string | URL | Request) => (input instanceof Request ? input.url : input);

/**
 * `fetch` for URLs a tenant gave: http(s) only, no credentials in the URL, and every address it
 * connects to, on every hop, is resolved once, checked (only ipaddr.js `unicast` passes) and then
 * connected to as checked. Redirects follow the request's mode: "error" refuses them
 * (OutboundBlockedError), "manual" returns them, "follow" takes up to `maxRedirects`, each one
 * checked like the first. Response size and total time are capped.
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return async (input, init) => {
    const url = assertAllowedUrl(urlOf(input), options);
    const request = new Request(input instanceof Request ? input : url, init);
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    let hop: Hop = { url, method: request.method, headers: headersOf(request), body: request.body ? Buffer.from(await request.arrayBuffer()) : null };
    for (let followed = 0; ; followed++) {
      const message = await sendHop(hop, options, signal);
      const target = redirectTarget(message, hop.url);
      if (!target || request.redirect === "manual") {
        return toWebResponse(message, { url: hop.url, redirected: followed > 0, method: hop.method, maxBytes, signal });
      }
      message.destroy();
      if (request.redirect === "error")
        throw new OutboundBlockedError("redirect", `redirect refused (${message.statusCode} to ${target.href})`, { host: target.host });
      if (followed >= maxRedirects)
        throw new OutboundBlockedError("redirect", `more than ${maxRedirects} redirects (the last to ${target.href})`, { host: target.host });
      hop = nextHop(hop, message.statusCode ?? 0, assertAllowedUrl(target, options));
    }
  };
}
