/** What every provider throws: which provider failed and whether trying again (or the next one) is worth it. */
export class ProviderError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  readonly status?: number;

  constructor(message: string, options: { provider: string; retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.provider = options.provider;
    this.retryable = options.retryable;
    this.status = options.status;
  }
}
