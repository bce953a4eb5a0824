import type { IncomingMessage } from "node:http";
import { ResponseTooLargeError } from "./errors.ts";

/** Statuses whose Response may not have a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The body as a web stream that errors once more than `maxBytes` arrived, or when `signal` aborts. */
function cappedBody(message: IncomingMessage, maxBytes: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  let received = 0;
  let settled = false;
  let onAbort = () => {};
  const settle = () => {
    settled = true;
    signal.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (err: unknown) => {
        if (settled) return;
        settle();
        message.destroy();
        controller.error(err);
      };
      onAbort = () => fail(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      message.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > maxBytes) return fail(new ResponseTooLargeError(maxBytes));
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) message.pause();
      });
      message.on("end", () => {
        if (settled) return;
        settle();
        controller.close();
      });
      message.on("error", fail);
      message.on("close", () => fail(new Error("connection closed before the response ended")));
    },
    pull() {
      message.resume();
    },
    cancel() {
      settle();
      message.destroy();
    },
  });
}

interface ResponseMeta {
  url: URL;
  redirected: boolean;
  method: string;
  maxBytes: number;
  signal: AbortSignal;
}

/** A WHATWG Response over a node response; refuses a declared Content-Length over the cap before reading anything. */
export function toWebResponse(message: IncomingMessage, meta: ResponseMeta): Response {
  const status = message.statusCode ?? 0;
  if (Number(message.headers["content-length"] ?? 0) > meta.maxBytes) {
    message.destroy();
    throw new ResponseTooLargeError(meta.maxBytes);
  }
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!);
  const bodiless = NULL_BODY_STATUSES.has(status) || meta.method === "HEAD";
  if (bodiless) message.resume();
  const response = new Response(bodiless ? null : cappedBody(message, meta.maxBytes, meta.signal), {
    status,
    statusText: message.statusMessage ?? "",
    headers,
  });
  Object.defineProperties(response, { url: { value: meta.url.href }, redirected: { value: meta.redirected } });
  return response;
}
