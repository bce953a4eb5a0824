import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError, SIGNATURE_HEADER, toolJsonSchemaSchema } from "@orbis/contracts";
import type { HttpToolConfig } from "@orbis/contracts";
import { OutboundBlockedError, ResponseTooLargeError, assertAllowedTarget, assertAllowedUrl, createGuardedFetch, type ResolveHost } from "@orbis/outbound";
import type { Tool, ToolContext } from "./tool.ts";

export const MAX_RESPONSE_BYTES = 64 * 1024;

/** A stored tenant tool as the API hands it over: its config, its owner and its signing secret. */
export interface StoredHttpTool {
  id?: string;
  workspaceId: string;
  secret: string;
  /** Parsed with httpToolConfigSchema (defaults applied). */
  config: HttpToolConfig;
}

export interface HttpToolOptions {
  /** Replaces the outbound guard's fetch; used as given (tests). */
  fetch?: typeof fetch;
  /**
   * Lets tools reach loopback, private, link-local and other non-public addresses (self-hosters:
   * ALLOW_PRIVATE_NETWORK_TOOLS). Off: such URLs are refused when compiled and every call checks the
   * addresses it connects to.
   */
  allowPrivateNetwork?: boolean;
  /** Name resolution of the outbound guard; node:dns by default. */
  lookup?: ResolveHost;
  maxResponseBytes?: number;
  /** First retry delay; doubles each retry, with ±50 % jitter. */
  retryBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` — the Stripe scheme, so receivers know it. */
export function signToolRequest(secret: string, body: string, timestampSec: number): string {
  const v1 = createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest("hex");
  return `t=${timestampSec},v1=${v1}`;
}

/**
 * For receivers of tenant tool calls: true when `header` (the X-Orbis-Signature value) signs `body`
 * (the raw request body, "" for GET) with `secret` and its timestamp is within `toleranceSec` of now.
 */
export function verifyToolSignature(p: { secret: string; header: string | null | undefined; body: string; nowSec?: number; toleranceSec?: number }): boolean {
  if (!p.header) return false;
  const parts = new Map(
    p.header.split(",").map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1");
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = p.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (p.toleranceSec ?? 300)) return false;
  const expected = createHmac("sha256", p.secret).update(`${t}.${p.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

/** Stored JSON Schema (the subset of contracts' toolJsonSchemaSchema) → zod validator. */
export function compileArgsSchema(schema: unknown): z.ZodType<Record<string, unknown>> {
  const parsed = toolJsonSchemaSchema.safeParse(schema);
  if (!parsed.success) throw new AppError("validation_failed", "unsupported tool argument schema", parsed.error.issues);
  if (parsed.data.type !== "object") throw new AppError("validation_failed", "tool arguments must be an object schema");
  return z.fromJSONSchema(parsed.data as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType<Record<string, unknown>>;
}

/** A tool compiled from its stored config; invoke checks its target before running it. */
export interface HttpTool extends Tool<Record<string, unknown>, unknown> {
  /** Resolves the URL's host and refuses it as a call would (a 422), before anything is sent. Calls check again when they connect. */
  assertTargetAllowed(): Promise<void>;
}

class RetryableError extends Error {}

const PRIVATE_NETWORK_HINT = "set ALLOW_PRIVATE_NETWORK_TOOLS=true to allow";
const tooLarge = (max: number) => new AppError("bad_request", `tool response too large (over ${max} bytes)`);

/** A refusal of the outbound guard as the tool's error: the URL is a 422, a redirect a 400; neither is retried. */
function refusalOf(err: OutboundBlockedError): AppError {
  switch (err.reason) {
    case "address": {
      const verb = err.host === err.address ? "points to" : "resolves to";
      return new AppError("validation_failed", `tool URL ${verb} a private address (${err.address}, ${err.range}); ${PRIVATE_NETWORK_HINT}`, {
        address: err.address,
        range: err.range,
      });
    }
    case "credentials":
      return new AppError("validation_failed", "tool URL must not contain credentials (user:pass@); send them as headers");
    case "scheme":
      return new AppError("validation_failed", "tool URL must use http or https");
    case "redirect":
      return new AppError("bad_request", `tool ${err.message}; tools must answer directly`);
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === "TimeoutError" || (err.name === "AbortError" && String(err.message).includes("timeout")));
}

/** The errors a call ends with rather than retries: refusals, an oversized body, a timeout. Others come back as they are. */
function finalErrorOf(err: unknown, timeoutMs: number): unknown {
  if (err instanceof OutboundBlockedError) return refusalOf(err);
  if (err instanceof ResponseTooLargeError) return tooLarge(err.limit);
  if (isTimeout(err)) return new AppError("unavailable", `tool timed out after ${timeoutMs} ms`);
  return err;
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel();
    throw tooLarge(max);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A tenant HTTP tool in the common tool shape. Requests go through the outbound guard (public
 * addresses only unless `allowPrivateNetwork`; redirects refused, since a signed request must not be
 * replayed elsewhere) and are signed (X-Orbis-Signature); each attempt has `timeoutMs`; network
 * errors and 5xx are retried up to `maxRetries` with backoff. Refusals and timeouts are not retried:
 * the caller is on the line, and the receiver may still be processing the first request. A URL that
 * is refused without DNS (scheme, credentials, a private IP literal) does not compile (a 422).
 */
export function compileHttpTool(stored: StoredHttpTool, opts: HttpToolOptions = {}): HttpTool {
  const config = stored.config;
  const args = compileArgsSchema(config.args);
  const policy = { allowPrivateNetwork: opts.allowPrivateNetwork ?? false, ...(opts.lookup ? { lookup: opts.lookup } : {}) };
  try {
    assertAllowedUrl(config.url, policy);
  } catch (err) {
    throw finalErrorOf(err, config.timeoutMs);
  }
  const maxBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const doFetch = opts.fetch ?? createGuardedFetch({ ...policy, maxResponseBytes: maxBytes, timeoutMs: config.timeoutMs });
  const baseMs = opts.retryBaseMs ?? 250;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function attempt(a: Record<string, unknown>, ctx: ToolContext): Promise<unknown> {
    const url = new URL(config.url);
    let body = "";
    if (config.method === "GET" || config.method === "DELETE") {
      for (const [k, v] of Object.entries(a)) url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
    } else {
      body = JSON.stringify({ tool: config.name, args: a, call: { id: ctx.callId, agentId: ctx.agentId, caller: ctx.caller ?? null } });
    }
    const t = Math.floor(ctx.clock.now().getTime() / 1000);
    const signals = [AbortSignal.timeout(config.timeoutMs), ...(ctx.signal ? [ctx.signal] : [])];
    let res: Response;
    try {
      res = await doFetch(url, {
        method: config.method,
        headers: {
          ...config.headers,
          "content-type": "application/json",
          accept: "application/json",
          "user-agent": "OrbisVoice-Tools/1",
          [SIGNATURE_HEADER]: signToolRequest(stored.secret, body, t),
        },
        ...(body ? { body } : {}),
        signal: AbortSignal.any(signals),
        redirect: "error",
      });
    } catch (err) {
      if (ctx.signal?.aborted) throw new AppError("unavailable", "tool call aborted");
      const final = finalErrorOf(err, config.timeoutMs);
      if (final instanceof AppError) throw final;
      throw new RetryableError(`network error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw new RetryableError(`tool endpoint answered HTTP ${res.status}`);
    }
    let text: string;
    try {
      text = await readCapped(res, maxBytes);
    } catch (err) {
      throw finalErrorOf(err, config.timeoutMs);
    }
    if (res.status >= 400) throw new AppError("bad_request", `tool endpoint answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AppError("bad_request", "tool response is not JSON");
    }
  }

  return {
    name: config.name,
    description: config.description,
    args,
    workspaceId: stored.workspaceId,
    jsonSchema: config.args as unknown as Record<string, unknown>,
    async assertTargetAllowed() {
      try {
        await assertAllowedTarget(config.url, policy);
      } catch (err) {
        // A host that does not resolve is the call's to report, as a network error.
        if (err instanceof OutboundBlockedError) throw refusalOf(err);
      }
    },
    async run(a, ctx) {
      let lastError = "";
      for (let i = 0; i <= config.maxRetries; i++) {
        if (i > 0) await sleep(baseMs * 2 ** (i - 1) * (0.5 + Math.random()));
        try {
          return await attempt(a, ctx);
        } catch (err) {
          if (!(err instanceof RetryableError)) throw err;
          lastError = err.message;
        }
      }
      throw new AppError("unavailable", `${lastError} (after ${config.maxRetries + 1} attempts)`);
    },
  };
}
