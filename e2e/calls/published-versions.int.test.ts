import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness, type Tenant } from "./harness.ts";

let h: GatewayHarness;
let a: Tenant;
beforeAll(async () => {
  h = await startGateway();
  a = await createTenant(h, { greeting: "Published greeting from Riverside." });
});
afterAll(() => h.close());

interface Outcome {
  code: number;
  /** The agent's first words (its greeting), when the call started. */
  greeting?: string;
  error?: string;
}

/** Opens a stream, starts the call and hangs up after the agent's first transcript line. */
function greetingOf(url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin: WIDGET_ORIGIN });
    const out: Outcome = { code: 0 };
    ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
    ws.on("message", (d, bin) => {
      if (bin) return;
      const m = JSON.parse(d.toString()) as { type: string; role?: string; text?: string; message?: string };
      if (m.type === "error") out.error = m.message;
      if (m.type === "transcript" && m.role === "agent" && out.greeting === undefined) {
        out.greeting = m.text;
        ws.send(JSON.stringify({ type: "end" }));
      }
    });
    ws.on("close", (code) => resolve({ ...out, code }));
  });
}
const auth = (t: Tenant) => ({ authorization: `Bearer ${t.token}` });
/** The session's stream on this harness's port (an injected request's URL names no real host). */
const tokenUrl = (session: { json(): { token: string } }) => `${h.wsUrl}?token=${encodeURIComponent(session.json().token)}`;
const widgetUrl = (t: Tenant, agentId = t.agentId) => `${h.wsUrl}?agentId=${agentId}&apiKey=${t.publishableKey}`;

describe("/v1/stream runs the published version", () => {
  it("a widget call hears the published greeting even after the draft changes", async () => {
    const patch = await h.app.inject({
      method: "PATCH",
      url: `/v1/agents/${a.agentId}`,
      headers: auth(a),
      payload: { greeting: "Draft greeting, not live yet." },
    });
    expect(patch.statusCode).toBe(200);
    const out = await greetingOf(widgetUrl(a));
    expect(out.greeting).toBe("Published greeting from Riverside.");

    // Published again: the next call hears the new greeting.
    expect((await h.app.inject({ method: "POST", url: `/v1/agents/${a.agentId}/publish`, headers: auth(a), payload: {} })).statusCode).toBe(200);
    expect((await greetingOf(widgetUrl(a))).greeting).toBe("Draft greeting, not live yet.");
  });

  it("an agent never published is refused (4000, 'agent not published'), by key and by widget token", async () => {
    const created = await h.app.inject({ method: "POST", url: "/v1/agents", headers: auth(a), payload: { name: "Unpublished", greeting: "Never heard." } });
    const agentId = created.json().id as string;
    const direct = await greetingOf(widgetUrl(a, agentId));
    expect(direct.code).toBe(4000);
    expect(direct.error).toMatch(/agent not published/);
    expect(direct.greeting).toBeUndefined();

    const session = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${a.publishableKey}`, origin: WIDGET_ORIGIN },
      payload: { agentId },
    });
    expect(session.statusCode).toBe(201);
    const byToken = await greetingOf(tokenUrl(session));
    expect(byToken.code).toBe(4000);
    expect(byToken.error).toMatch(/agent not published/);
  });

  it("the dashboard's draft token runs the draft (even of an agent never published); the widget may not ask for it", async () => {
    const created = await h.app.inject({ method: "POST", url: "/v1/agents", headers: auth(a), payload: { name: "Trying", greeting: "Draft only greeting." } });
    const agentId = created.json().id as string;
    const draft = await h.app.inject({ method: "POST", url: "/v1/voice/sessions", headers: auth(a), payload: { agentId, mode: "draft" } });
    expect(draft.statusCode, draft.body).toBe(201);
    expect((await greetingOf(tokenUrl(draft))).greeting).toBe("Draft only greeting.");

    // A member's token without a mode runs the published version like any caller.
    const published = await h.app.inject({ method: "POST", url: "/v1/voice/sessions", headers: auth(a), payload: { agentId } });
    expect((await greetingOf(tokenUrl(published))).code).toBe(4000);

    const widgetDraft = await h.app.inject({
      method: "POST",
      url: "/v1/voice/sessions",
      headers: { authorization: `Bearer ${a.publishableKey}`, origin: WIDGET_ORIGIN },
      payload: { agentId, mode: "draft" },
    });
    expect(widgetDraft.statusCode).toBe(403);
  });
});
