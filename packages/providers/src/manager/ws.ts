import WebSocket from "ws";
import { ProviderError } from "@orbis/ports";
import { httpProviderError, networkProviderError } from "./errors.ts";

/** Opens a WebSocket, turning handshake failures (HTTP 4xx/5xx, refused, timeout) into `ProviderError`. */
export function openWebSocket(
  provider: string,
  url: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: options.timeoutMs ?? 5000 });
    const fail = (err: ProviderError): void => {
      cleanup();
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.terminate();
      reject(err);
    };
    const onAbort = (): void => fail(new ProviderError(`${provider}: connect aborted`, { provider, retryable: false }));
    const cleanup = (): void => options.signal?.removeEventListener("abort", onAbort);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    ws.once("open", () => {
      cleanup();
      ws.removeAllListeners("unexpected-response");
      ws.removeAllListeners("error");
      resolve(ws);
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => fail(httpProviderError(provider, res.statusCode ?? 500, body)));
      res.on("error", () => fail(httpProviderError(provider, res.statusCode ?? 500, body)));
    });
    ws.once("error", (err) => fail(networkProviderError(provider, err)));
  });
}

/**
 * Close codes after the socket was open. 1000/1001 are normal; 1007/1008 mean the request itself is
 * bad (undecodable audio, bad key, policy) and will fail again; 1006 (dropped), 1011 (server error,
 * timeouts), 1012–1014 (restart, overload) are transient.
 */
export function closeProviderError(provider: string, code: number, reason: string): ProviderError {
  const retryable = !(code === 1002 || code === 1003 || code === 1007 || code === 1008 || code === 1009);
  return new ProviderError(`${provider}: socket closed ${code}${reason ? ` (${reason})` : ""}`, { provider, retryable });
}
