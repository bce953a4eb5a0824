import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema, tenantScope } from "@orbis/db";
import { eq, sql } from "@orbis/db/testing";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * A change and its audit row commit together or not at all. The proof: a trigger makes the audit
 * insert fail, and the change it belongs to must be gone with it.
 */
let t: TestApp;
let a: Account;

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "audit-tx");
});
afterAll(() => t.close());

/** Runs `fn` while every audit row whose action starts with `prefix` is refused by the database. */
async function withAuditRefused(prefix: string, fn: () => Promise<void>) {
  await t.db.system.execute(
    sql.raw(`create or replace function refuse_audit_for_test() returns trigger language plpgsql as $$
      begin
        if new.action like '${prefix}%' then raise exception 'audit refused by the test'; end if;
        return new;
      end $$`),
  );
  await t.db.system.execute(sql`create trigger refuse_audit_for_test before insert on audit_logs for each row execute function refuse_audit_for_test()`);
  try {
    await fn();
  } finally {
    await t.db.system.execute(sql`drop trigger refuse_audit_for_test on audit_logs`);
    await t.db.system.execute(sql`drop function refuse_audit_for_test()`);
  }
}

const auditActions = async () => (await tenantScope(t.db, a.workspaceId).audit.list(500)).map((r) => `${r.action} ${r.targetId}`);
const numbersOf = (number: string) => t.db.system.select().from(schema.phoneNumbers).where(eq(schema.phoneNumbers.number, number));

describe("phone numbers: the audit row is in the change's transaction", () => {
  it("an audit row that cannot be written undoes the create, the update and the delete", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(a.token),
      payload: { number: "+14155550160", provider: "twilio", label: "Front" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    await withAuditRefused("phone_number.", async () => {
      const create = await t.app.inject({
        method: "POST",
        url: "/v1/phone-numbers",
        headers: bearer(a.token),
        payload: { number: "+14155550161", provider: "twilio" },
      });
      expect(create.statusCode).toBe(500);
      expect(await numbersOf("+14155550161")).toEqual([]);

      const update = await t.app.inject({ method: "PATCH", url: `/v1/phone-numbers/${id}`, headers: bearer(a.token), payload: { label: "Moved" } });
      expect(update.statusCode).toBe(500);
      expect((await t.app.inject({ url: `/v1/phone-numbers/${id}`, headers: bearer(a.token) })).json().label).toBe("Front");

      const remove = await t.app.inject({ method: "DELETE", url: `/v1/phone-numbers/${id}`, headers: bearer(a.token) });
      expect(remove.statusCode).toBe(500);
      expect((await t.app.inject({ url: `/v1/phone-numbers/${id}`, headers: bearer(a.token) })).statusCode).toBe(200);
    });

    // With the audit writable again the same changes go through, each with its row.
    expect((await t.app.inject({ method: "PATCH", url: `/v1/phone-numbers/${id}`, headers: bearer(a.token), payload: { label: "Moved" } })).json().label).toBe(
      "Moved",
    );
    expect((await t.app.inject({ method: "DELETE", url: `/v1/phone-numbers/${id}`, headers: bearer(a.token) })).statusCode).toBe(204);
    const actions = await auditActions();
    expect(actions).toEqual(expect.arrayContaining([`phone_number.created ${id}`, `phone_number.updated ${id}`, `phone_number.deleted ${id}`]));
    expect(actions.filter((x) => x.startsWith("phone_number."))).toHaveLength(3);
  });

  it("a change that fails leaves no audit row", async () => {
    const other = await signup(t.app, "audit-tx-other");
    expect(
      (await t.app.inject({ method: "POST", url: "/v1/phone-numbers", headers: bearer(other.token), payload: { number: "+14155550170", provider: "telnyx" } }))
        .statusCode,
    ).toBe(201);
    const before = await auditActions();
    const taken = await t.app.inject({
      method: "POST",
      url: "/v1/phone-numbers",
      headers: bearer(a.token),
      payload: { number: "+14155550170", provider: "telnyx" },
    });
    expect(taken.statusCode).toBe(409);
    const missing = await t.app.inject({
      method: "PATCH",
      url: "/v1/phone-numbers/pn_00000000000000000000",
      headers: bearer(a.token),
      payload: { label: "x" },
    });
    expect(missing.statusCode).toBe(404);
    expect(await auditActions()).toEqual(before);
  });
});

describe("credentials: the encrypting store joins the transaction of its audit row", () => {
  it("an audit row that cannot be written undoes storing and deleting credentials", async () => {
    const creds = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "super-secret-auth-token-1234" };
    const stored = () => t.db.system.select().from(schema.workspaceCredentials).where(eq(schema.workspaceCredentials.workspaceId, a.workspaceId));
    await withAuditRefused("credentials.", async () => {
      expect((await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: bearer(a.token), payload: creds })).statusCode).toBe(500);
      expect(await stored()).toEqual([]);
    });
    expect((await t.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: bearer(a.token), payload: creds })).statusCode).toBe(200);
    await withAuditRefused("credentials.", async () => {
      expect((await t.app.inject({ method: "DELETE", url: "/v1/credentials/twilio", headers: bearer(a.token) })).statusCode).toBe(500);
      expect(await stored()).toHaveLength(1);
    });
  });
});
