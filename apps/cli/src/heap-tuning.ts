import { setFlagsFromString } from "node:v8";

/**
 * V8 settings for a serving process, applied before it builds anything.
 *
 * `--no-allocation-site-pretenuring`: V8 watches each allocation site and, once most of what it
 * allocates survives a young-generation GC, allocates there straight into old space. Under steady
 * load a request's short-lived objects (node-postgres row arrays, response headers) can look
 * long-lived; their sites get pretenured, and (as the heap profile reads) those old-space objects
 * keep what they point at, the request's young strings, alive through scavenges until a full GC
 * finds them all dead. GET /v1/agents promoted ~2 MB per scavenge (≈14 KB a request, nearly all of
 * it the rows' text), old space grew ~25 MB/s, and every mark-compact stalled requests 50–130 ms.
 * With pretenuring off the same load promotes half as much and the p99 at 1,000 req/s fell from
 * 17–32 ms to 5.8–6.9 ms; the voice gateway's frame delay p99 at 250 calls from 20–40 to 5 ms
 * (docs/benchmarks.md). Objects that do live long still reach old space, by being copied there
 * after surviving two scavenges.
 */
const SERVING_V8_FLAGS = ["--no-allocation-site-pretenuring"];

export function tuneHeapForServing(): void {
  for (const flag of SERVING_V8_FLAGS) setFlagsFromString(flag);
}
