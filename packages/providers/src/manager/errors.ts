import { ProviderError } from "@orbis/ports";

/** 408 (timeout), 409 (conflict/lock), 425, 429 (rate limit) and 5xx are worth another try; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** One mapping from HTTP status to `ProviderError`, so every vendor says the same thing about retrying. */
export function httpProviderError(provider: string, status: number, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`${provider}: HTTP ${status}${detail ? `: ${detail.slice(0, 300)}` : ""}`, {
    provider,
    status,
    retryable: isRetryableStatus(status),
    cause,
  });
}

/** Network failures (refused, reset, DNS, timeouts) are transient. */
export function networkProviderError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(`${provider}: ${message}`, { provider, retryable: true, cause: err });
}

/** A reply that does not match the documented protocol: a bug or a changed API, not worth retrying. */
export function protocolProviderError(provider: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`${provider}: unexpected message: ${detail.slice(0, 300)}`, { provider, retryable: false, cause });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "APIUserAbortError");
}
