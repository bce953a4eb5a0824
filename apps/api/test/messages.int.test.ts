import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentWithBusiness } from "./bookings.fixtures.ts";
import { addMember, bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

let t: TestApp;
let owner: Account;
let staff: Account;
let viewer: Account;
let other: Account;
let agentId: string;

async function takeMessage(account: Account, agent: string, text: string, urgency = "normal") {
  const res = await t.app.inject({
    method: "POST",
    url: `/v1/agents/${agent}/tools/take_message/invoke`,
    headers: bearer(account.token),
    payload: { args: { callerName: "Robin", callbackNumber: "+12125550113", text, urgency } },
  });
  expect(res.json(), res.body).toMatchObject({ ok: true });
  return res.json().result;
}

beforeAll(async () => {
  t = await buildTestApp();
  owner = await signup(t.app, "msg");
  staff = await addMember(t.app, owner, "staff");
  viewer = await addMember(t.app, owner, "viewer");
  other = await signup(t.app, "msg-other");
  agentId = await createAgentWithBusiness(t.app, owner);
});
afterAll(() => t.close());

describe("/v1/messages", () => {
  it("messages the agent takes are listed newest first, filtered by status, paged", async () => {
    await takeMessage(staff, agentId, "first");
    await takeMessage(staff, agentId, "second", "high");
    await takeMessage(staff, agentId, "third");
    const list = await t.app.inject({ method: "GET", url: "/v1/messages", headers: bearer(viewer.token) });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((m: { text: string }) => m.text)).toEqual(["third", "second", "first"]);
    expect(list.json().data[1]).toMatchObject({ callerName: "Robin", callbackNumber: "+12125550113", urgency: "high", status: "new", agentId, callId: null });
    expect(list.json().data[0].id).toMatch(/^msg_/);
    const page = (await t.app.inject({ method: "GET", url: "/v1/messages?limit=2", headers: bearer(viewer.token) })).json();
    const rest = (await t.app.inject({ method: "GET", url: `/v1/messages?limit=2&cursor=${page.nextCursor}`, headers: bearer(viewer.token) })).json();
    expect([...page.data, ...rest.data].map((m: { text: string }) => m.text)).toEqual(["third", "second", "first"]);
    expect(rest.nextCursor).toBeNull();
  });

  it("staff marks a message read and done; the status filter follows", async () => {
    const [first] = (await t.app.inject({ method: "GET", url: "/v1/messages?limit=1", headers: bearer(viewer.token) })).json().data;
    const done = await t.app.inject({ method: "PATCH", url: `/v1/messages/${first.id}`, headers: bearer(staff.token), payload: { status: "done" } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: first.id, status: "done" });
    const open = (await t.app.inject({ method: "GET", url: "/v1/messages?status=new", headers: bearer(viewer.token) })).json();
    expect(open.data.map((m: { id: string }) => m.id)).not.toContain(first.id);
    expect((await t.app.inject({ method: "GET", url: `/v1/messages/${first.id}`, headers: bearer(viewer.token) })).json().status).toBe("done");
  });

  it("422 with the path, 401, 403 for a viewer, 404 for another workspace's message", async () => {
    const [m] = (await t.app.inject({ method: "GET", url: "/v1/messages", headers: bearer(viewer.token) })).json().data;
    const bad = await t.app.inject({ method: "PATCH", url: `/v1/messages/${m.id}`, headers: bearer(staff.token), payload: { status: "archived" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].path).toBe("body.status");
    expect((await t.app.inject({ method: "GET", url: "/v1/messages" })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "PATCH", url: `/v1/messages/${m.id}`, headers: bearer(viewer.token), payload: { status: "read" } })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ method: "PATCH", url: `/v1/messages/${m.id}`, headers: bearer(other.token), payload: { status: "read" } })).statusCode).toBe(
      404,
    );
    expect((await t.app.inject({ method: "GET", url: `/v1/messages/${m.id}`, headers: bearer(other.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/v1/messages", headers: bearer(other.token) })).json().data).toEqual([]);
    expect((await t.app.inject({ method: "GET", url: `/v1/messages/${m.id}`, headers: bearer(owner.token) })).json().status).toBe(m.status);
  });
});
