import { createId } from "@orbis/contracts";
import { tenantScope, type Database } from "@orbis/db";
import { testBusiness } from "./bookings.fixtures.ts";
import type { Credentials, Example, Injector, KnownValues } from "./fuzz-openapi.ts";

/** A workspace with one of everything a route can name, for fuzzing: what exists and how to act as its owner. */
export interface FuzzWorkspace extends Credentials {
  workspaceId: string;
  /** Ids, slugs and values of this workspace (`KnownValues.own` for its fuzzing, `foreign` for another's). */
  values: string[];
  byName: Record<string, string[]>;
  examples: Record<string, Example[]>;
}

let n = 0;

/**
 * Signs up a fresh workspace through the API and fills it: an agent with a business (published), an
 * HTTP tool (to a closed local port: the config must allow private networks), an appointment, a
 * message, a call with a turn (the gateway writes those, so it is inserted), a phone number, secret
 * and publishable keys, a staff member, an open invitation, Twilio credentials and the calendar feed.
 */
export async function fuzzWorkspace(app: Injector, db: Database, label: string): Promise<FuzzWorkspace> {
  const email = `fuzz-${label}-${Date.now()}-${n++}@example.com`;
  const password = "correct horse battery";
  const call = async (method: string, url: string, token: string | undefined, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { "content-type": "application/json" } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`fuzz fixture ${method} ${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body || "null") as Record<string, unknown> & { id: string };
  };

  const session = await call("POST", "/v1/auth/signup", undefined, { email, password, name: `${label} owner`, workspaceName: `${label} workspace` });
  const token = session.token as string;
  const workspaceId = (session.workspace as { id: string }).id;
  const userId = (session.user as { id: string }).id;
  const as = (method: string, url: string, payload?: unknown) => call(method, url, token, payload);

  const agent = await as("POST", "/v1/agents", { name: "Front desk", greeting: "Hi there.", systemPrompt: "Be kind." });
  await as("PUT", `/v1/agents/${agent.id}/business`, testBusiness);
  await as("POST", `/v1/agents/${agent.id}/publish`);
  const toolBody = {
    name: "lookup_order",
    description: "Looks up an order",
    args: { type: "object", properties: { order: { type: "string" } } },
    url: "http://127.0.0.1:9/hook",
    timeoutMs: 500,
    maxRetries: 0,
  };
  const tool = await as("POST", `/v1/agents/${agent.id}/tools`, toolBody);
  const from = new Date(Date.now() + 3600_000).toISOString();
  const to = new Date(Date.now() + 4 * 24 * 3600_000).toISOString();
  const slots = await as("GET", `/v1/appointments/availability?agentId=${agent.id}&serviceId=hour&from=${from}&to=${to}`);
  const [first, second] = (slots.slots as { start: string }[]).map((slot) => slot.start);
  const booking = (start: string | undefined) => ({ agentId: agent.id, serviceId: "hour", start, customerName: "Pat Doe", customerPhone: "+12125550100" });
  const appointment = await as("POST", "/v1/appointments", booking(first));
  const message = await as("POST", `/v1/agents/${agent.id}/tools/take_message/invoke`, {
    args: { callerName: "Robin", callbackNumber: "+12125550113", text: "Call me back" },
  });
  const callId = createId("call");
  const tenant = tenantScope(db, workspaceId);
  const startedAt = new Date(Date.now() - 3600_000);
  await tenant.calls.insert({ id: callId, agentId: agent.id, channel: "web", status: "completed", startedAt, endedAt: new Date(), durationSec: 60 });
  await tenant.calls.insertTurn({ id: createId("turn"), callId, seq: 0, userText: "hi", agentText: "hello", toolCalls: [], startedAt, endedAt: startedAt });
  const number = `+1415${String(1_000_000 + ((Date.now() + n * 7919) % 9_000_000)).padStart(7, "0")}`;
  const phone = await as("POST", "/v1/phone-numbers", { number, provider: "twilio", agentId: agent.id, label: "main" });
  const secret = await as("POST", "/v1/api-keys", { name: "server", kind: "secret" });
  const publishable = await as("POST", "/v1/api-keys", { name: "widget", kind: "publishable", allowedOrigins: ["https://example.com"] });
  const invite = await as("POST", "/v1/workspaces/current/invitations", { email: `staff-${email}`, role: "staff" });
  const staff = await call("POST", "/v1/invitations/accept", undefined, { token: invite.token, name: "Staff", password });
  const open = await as("POST", "/v1/workspaces/current/invitations", { email: `invited-${email}`, role: "viewer" });
  const twilioCredentials = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "0123456789abcdef0123" };
  await as("PUT", "/v1/credentials/twilio", twilioCredentials);
  const feed = await as("GET", "/v1/calendar/feed-url");

  return {
    token,
    apiKey: secret.key as string,
    workspaceId,
    values: [
      workspaceId,
      userId,
      (staff.user as { id: string }).id,
      agent.id,
      tool.id,
      appointment.id,
      (message.result as { messageId: string }).messageId,
      callId,
      phone.id,
      secret.id,
      publishable.id,
      open.id,
      String(feed.url).split("/").pop()!,
      "hour",
      "cut",
      "ann",
    ],
    byName: {
      email: [email],
      password: [password],
      token: [open.token as string],
      number: [number],
      timezone: ["America/New_York", "Europe/Paris", "UTC"],
    },
    examples: {
      "POST /v1/auth/signup": [{ body: { email: `again-${email}`, password, name: "Again", workspaceName: "Again" } }],
      "POST /v1/auth/login": [{ body: { email, password } }],
      "PUT /v1/workspaces/current": [{ body: { name: "Renamed", timezone: "Europe/Paris" } }],
      "POST /v1/workspaces/current/invitations": [{ body: { email: `more-${email}`, role: "viewer" } }],
      "POST /v1/invitations/accept": [{ body: { token: open.token, name: "Vi", password } }],
      "POST /v1/agents": [{ body: { name: "Second", business: testBusiness, providers: { options: { speed: 1.1 } } } }],
      "PATCH /v1/agents/{id}": [{ body: { greeting: "Hello again", turnTaking: { silenceMs: 700 } } }],
      "PUT /v1/agents/{id}/business": [{ body: testBusiness }],
      "POST /v1/agents/{id}/tools": [{ body: { ...toolBody, name: "lookup_invoice" } }],
      "PATCH /v1/agents/{id}/tools/{toolId}": [{ body: { description: "Finds an order" } }],
      "POST /v1/agents/{id}/tools/{toolId}/invoke": [
        { body: { args: { order: "A-1" } } },
        { body: { args: { callerName: "Sam", callbackNumber: "+12125550114", text: "Please call" } } },
      ],
      "POST /v1/agents/{id}/chat": [{ body: { text: "I'd like to book a cleaning tomorrow morning" } }],
      "POST /v1/appointments": [{ body: booking(second) }],
      "GET /v1/appointments": [{ query: { from, to, agentId: agent.id } }],
      "GET /v1/appointments/availability": [{ query: { agentId: agent.id, serviceId: "hour", from, to } }],
      "PATCH /v1/appointments/{id}": [{ body: { notes: "Bring forms", status: "completed" } }],
      "GET /v1/calls": [{ query: { agentId: agent.id, channel: "web", from: startedAt.toISOString() } }],
      "GET /v1/usage": [{ query: { from: startedAt.toISOString(), to } }],
      "POST /v1/phone-numbers": [{ body: { number: number.replace("+1415", "+1628"), provider: "telnyx", agentId: agent.id } }],
      "PATCH /v1/phone-numbers/{id}": [{ body: { label: "Front", escalationNumber: "+12125550199" } }],
      "PUT /v1/credentials/{provider}": [{ body: twilioCredentials }],
      "POST /v1/api-keys": [{ body: { name: "ci", kind: "secret" } }],
      "PATCH /v1/messages/{id}": [{ body: { status: "read" } }],
      "POST /v1/voice/sessions": [{ body: { agentId: agent.id } }],
    },
  };
}

/** What a case may name: this workspace's values first, another workspace's ids (prefixed ones: the feed file is public by design). */
export function knownValues(own: FuzzWorkspace, other: FuzzWorkspace): KnownValues {
  return { own: own.values, foreign: other.values.filter((v) => /^[a-z]+_[0-9a-z]{8,40}$/.test(v)), byName: own.byName, examples: own.examples };
}
