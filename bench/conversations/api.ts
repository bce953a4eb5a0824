import { z } from "zod";
import { getBusinessTemplate } from "@orbis/brain";
import { agentSchema, appointmentSchema, callStatusSchema, messageSchema, sessionSchema, voiceSessionSchema, type BusinessTemplateId } from "@orbis/contracts";

/** The widget origin the bench's publishable keys allow. */
export const BENCH_ORIGIN = "http://bench.localhost:8080";

/** One fresh workspace with one agent made from a template, seen through the public REST API. */
export interface BenchTenant {
  baseUrl: string;
  token: string;
  agentId: string;
  publishableKey: string;
  timezone: string;
}

async function call<T>(
  baseUrl: string,
  schema: z.ZodType<T>,
  path: string,
  init: { method?: string; token?: string; body?: unknown; origin?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.origin) headers.origin = init.origin;
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return schema.parse(JSON.parse(text));
}

let signups = 0;

/**
 * Signs a workspace up, creates an agent from the template with the template's sample business given
 * explicitly as the business's facts (POST /v1/templates/:id/agents), publishes it, and makes a publishable key for
 * the widget origin.
 */
export async function createBenchTenant(baseUrl: string, templateId: BusinessTemplateId): Promise<BenchTenant> {
  const { business } = getBusinessTemplate(templateId);
  const session = await call(baseUrl, sessionSchema, "/v1/auth/signup", {
    method: "POST",
    body: { email: `bench-${Date.now()}-${signups++}@example.com`, password: "bench-password-123", name: "Bench Owner", workspaceName: business.name },
  });
  const token = session.token;
  const agent = await call(baseUrl, agentSchema, `/v1/templates/${templateId}/agents`, { method: "POST", token, body: { business } });
  await call(baseUrl, z.unknown(), `/v1/agents/${agent.id}/publish`, { method: "POST", token });
  const key = await call(baseUrl, z.object({ key: z.string() }), "/v1/api-keys", {
    method: "POST",
    token,
    body: { name: "bench widget", kind: "publishable", allowedOrigins: [BENCH_ORIGIN] },
  });
  return { baseUrl, token, agentId: agent.id, publishableKey: key.key, timezone: business.timezone };
}

/** A one-call stream URL, as the widget gets it: POST /v1/voice/sessions with the publishable key and its Origin. */
export async function openStreamUrl(t: BenchTenant): Promise<string> {
  const s = await call(t.baseUrl, voiceSessionSchema, "/v1/voice/sessions", {
    method: "POST",
    token: t.publishableKey,
    origin: BENCH_ORIGIN,
    body: { agentId: t.agentId },
  });
  // The session's URL is the platform's public one; the bench reaches the same server on its local port.
  return s.url.replace(/^wss?:\/\/[^/]+/, t.baseUrl.replace(/^http/, "ws"));
}

/** The part of GET /v1/calls/:id the verdict reads (the rest of the call detail is not the bench's concern). */
const storedCallSchema = z.object({
  id: z.string(),
  status: callStatusSchema,
  endReason: z.string().nullable(),
  events: z.array(z.object({ kind: z.string() }).loose()),
  turns: z.array(z.object({ userText: z.string().nullable(), agentText: z.string().nullable() })),
});
export type StoredCall = z.infer<typeof storedCallSchema>;
export type StoredAppointment = z.infer<typeof appointmentSchema>;
export type StoredMessage = z.infer<typeof messageSchema>;

/** What the call left in the business's records. */
export interface StoredState {
  call: StoredCall | null;
  appointments: StoredAppointment[];
  messages: StoredMessage[];
}

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the call (once it is closed), the agent's appointments and messages back through the API. */
export async function readStoredState(t: BenchTenant, callId: string | undefined): Promise<StoredState> {
  let stored: StoredCall | null = null;
  if (callId) {
    for (let i = 0; i < 50; i++) {
      stored = await call(t.baseUrl, storedCallSchema, `/v1/calls/${callId}`, { token: t.token });
      if (stored.status !== "in_progress" && stored.status !== "ringing") break;
      await sleep(100);
    }
  }
  const q = `agentId=${t.agentId}&limit=100`;
  const appointments = (await call(t.baseUrl, page(appointmentSchema), `/v1/appointments?${q}`, { token: t.token })).data;
  const messages = (await call(t.baseUrl, page(messageSchema), `/v1/messages?${q}`, { token: t.token })).data;
  return { call: stored, appointments, messages };
}
