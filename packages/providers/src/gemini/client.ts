import { GoogleGenAI } from "@google/genai";

const GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/";

/**
 * An SDK client that takes everything from options: without `vertexai: false` and an explicit base
 * URL the SDK consults GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_CLOUD_PROJECT and GOOGLE_GEMINI_BASE_URL.
 */
export function genAiClient(options: { apiKey: string; baseUrl?: string; timeout?: number }): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    httpOptions: { baseUrl: options.baseUrl ?? GEMINI_BASE_URL, ...(options.timeout ? { timeout: options.timeout } : {}) },
  });
}
