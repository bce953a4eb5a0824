import OpenAI from "openai";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * An SDK client that takes everything from options: the SDK falls back to OPENAI_BASE_URL,
 * OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_WEBHOOK_SECRET from env for any option left undefined,
 * so each is set explicitly (a stray env var must not redirect a tenant's traffic).
 */
export function openAiClient(options: {
  apiKey: string;
  baseURL?: string;
  timeout?: number;
  maxRetries?: number;
  defaultHeaders?: Record<string, string>;
  fetch?: typeof fetch;
}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? OPENAI_BASE_URL,
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: options.timeout,
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: options.defaultHeaders,
    fetch: options.fetch,
  });
}
