import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentWithBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let viewer: Account;
let other: Account;
let agentId: string;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "chat");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "chat-other");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(() => t.close());

async function say(account: Account, conversationId: string | undefined, text: string, agent = agentId) {
  const res = await t.app.inject({
    method: "POST",
    url: `/v1/agents/${agent}/chat`,
    headers: bearer(account.token),
    payload: { ...(conversationId ? { conversationId } : {}), text, mode: "draft" },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    conversationId: string;
    replies: string[];
    toolCalls: { name: string; ok: boolean; result?: { appointment?: { id: string } } }[];
    ended: boolean;
  };
}

describe("POST /v1/agents/:id/chat", () => {
  it("a typed conversation books an appointment that shows up in GET /v1/appointments", async () => {
    const first = await say(owner, undefined, "");
    expect(first.conversationId).toMatch(/^conv_/);
    expect(first.replies.join(" ")).toMatch(/Riverside Dental/); // the agent greeting: the business has none
    const id = first.conversationId;

    const offer = await say(owner, id, "Hi, I'd like to book a cleaning next Tuesday afternoon");
    expect(offer.replies.join(" ")).toMatch(/Tuesday/);
    const name = await say(owner, id, "the first one");
    expect(name.replies.join(" ")).toMatch(/name/i);
    const phone = await say(owner, id, "My name is Jane Smith");
    expect(phone.replies.join(" ")).toMatch(/phone/i);
    const confirm = await say(owner, id, "two one two, five five five, one two three four");
    expect(confirm.replies.join(" ")).toMatch(/Jane Smith/);
    const done = await say(owner, id, "yes please");
    const booking = done.toolCalls.find((c) => c.name === "book_appointment");
    expect(booking?.ok).toBe(true);
    const aptId = booking!.result!.appointment!.id;

    const list = await t.app.inject({ method: "GET", url: `/v1/appointments?agentId=${agentId}&status=booked`, headers: bearer(viewer.token) });
    const found = list.json().data.find((a: { id: string }) => a.id === aptId);
    expect(found).toMatchObject({ customerName: "Jane Smith", serviceId: "hour", source: "agent", callId: null, agentId });
    expect(found.customerPhone.replace(/\D/g, "")).toMatch(/2125551234$/);

    const bye = await say(owner, id, "no that's all, goodbye");
    expect(bye.ended).toBe(true);
    const gone = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/chat`,
      headers: bearer(owner.token),
      payload: { conversationId: id, text: "hello?" },
    });
    expect(gone.statusCode).toBe(404);
  });

  it("answers questions from the business config on the first message", async () => {
    const res = await say(owner, undefined, "how much is a cleaning?");
    expect(res.replies.join(" ")).toMatch(/\$10/);
  });

  it("an agent without business config runs on the generic template under the workspace name", async () => {
    const bare = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: { ...validAgent, greeting: "" } })).json().id;
    const res = await say(owner, undefined, "", bare);
    expect(res.replies.join(" ")).toMatch(/chat workspace/);
  });

  it("a conversation is bound to its workspace and agent; 422, 401 and 403", async () => {
    const mine = await say(owner, undefined, "hello");
    const theirs = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/chat`, headers: bearer(other.token), payload: { text: "hi" } });
    expect(theirs.statusCode).toBe(404);
    const otherAgent = await createAgentWithBusiness(t.app, other);
    const hijack = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${otherAgent}/chat`,
      headers: bearer(other.token),
      payload: { conversationId: mine.conversationId, text: "hi" },
    });
    expect(hijack.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/chat`,
      headers: bearer(owner.token),
      payload: { conversationId: "nope", text: 5 },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["body.conversationId", "body.text"]));
    expect((await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/chat`, payload: { text: "hi" } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/chat`, headers: bearer(viewer.token), payload: { text: "hi" } })).statusCode).toBe(
      403,
    );
  });
});

describe("POST /v1/agents/:id/chat: published version or draft", () => {
  const chat = (account: Account, agent: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: `/v1/agents/${agent}/chat`, headers: bearer(account.token), payload });

  it("runs the published version by default (409 while never published); the draft only when a member asks", async () => {
    const id = (
      await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: { ...validAgent, greeting: "Published hello." } })
    ).json().id;
    const unpublished = await chat(owner, id, { text: "" });
    expect(unpublished.statusCode).toBe(409);
    expect(unpublished.json().error.message).toMatch(/not published/);

    expect((await t.app.inject({ method: "POST", url: `/v1/agents/${id}/publish`, headers: bearer(owner.token), payload: {} })).statusCode).toBe(200);
    await t.app.inject({ method: "PATCH", url: `/v1/agents/${id}`, headers: bearer(owner.token), payload: { greeting: "Draft hello." } });

    const published = await chat(owner, id, { text: "" });
    expect(published.json().replies.join(" ")).toMatch(/Published hello/);
    const draft = await chat(owner, id, { text: "", mode: "draft" });
    expect(draft.json().replies.join(" ")).toMatch(/Draft hello/);

    const key = (await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(owner.token), payload: { name: "srv", kind: "secret" } })).json()
      .key;
    const byKey = await t.app.inject({ method: "POST", url: `/v1/agents/${id}/chat`, headers: bearer(key), payload: { text: "", mode: "draft" } });
    expect(byKey.statusCode).toBe(403);
  });
});
