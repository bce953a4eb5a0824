import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createId } from "@orbis/contracts";
import { schema, systemRepository, tenantScope, type Database } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";

let db: Database;
const wsA = createId("workspace");
const wsB = createId("workspace");
const agentA = createId("agent");

async function seedWorkspace(id: string, agentId?: string) {
  const sys = systemRepository(db.system);
  await sys.insertWorkspace({ id, name: id, slug: id });
  if (agentId) {
    await tenantScope(db, id).agents.insert({
      id: agentId,
      name: "A",
      voice: "slt",
      language: "en-US",
      providers: {},
      turnTaking: {},
    });
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorkspace(wsA, agentA);
  await seedWorkspace(wsB);
});
afterAll(() => db.close());

describe("row-level security backstop", () => {
  it("an unfiltered query in B's tenant transaction sees none of A's rows", async () => {
    const seenByB = await db.withTenant(wsB, (tx) => tx.select().from(schema.agents));
    expect(seenByB).toEqual([]);
    const seenByA = await db.withTenant(wsA, (tx) => tx.select().from(schema.agents));
    expect(seenByA.map((a) => a.id)).toEqual([agentA]);
  });

  it("B cannot update or delete A's rows even naming them by id", async () => {
    await db.withTenant(wsB, (tx) =>
      tx
        .update(schema.agents)
        .set({ name: "hacked" })
        .where(sql`id = ${agentA}`),
    );
    await db.withTenant(wsB, (tx) => tx.delete(schema.agents).where(sql`id = ${agentA}`));
    const [row] = await db.system
      .select()
      .from(schema.agents)
      .where(sql`id = ${agentA}`);
    expect(row?.name).toBe("A");
  });

  it("B cannot insert a row into A's workspace", async () => {
    const error = await db
      .withTenant(wsB, (tx) =>
        tx.insert(schema.agents).values({ id: createId("agent"), workspaceId: wsA, name: "x", voice: "v", language: "en", providers: {}, turnTaking: {} }),
      )
      .catch((e: Error) => e);
    expect(String((error as Error & { cause?: Error }).cause?.message)).toMatch(/row-level security/);
  });

  it("the tenant transaction runs as the non-superuser role", async () => {
    const rows = await db.withTenant(wsA, (tx) => tx.execute(sql`select current_user as u, current_setting('app.workspace_id') as ws`));
    const result = rows as unknown as { rows: { u: string; ws: string }[] };
    const row = result.rows[0];
    expect(row).toEqual({ u: "orbis_app", ws: wsA });
  });

  it("without a workspace set, the role sees nothing", async () => {
    const rows = await db.system.transaction(async (tx) => {
      await tx.execute(sql`set local role orbis_app`);
      return tx.select().from(schema.agents);
    });
    expect(rows).toEqual([]);
  });
});

describe.each(["connection", "transaction"] as const)("tenant connections reused across workspaces (binding per %s)", (tenantBinding) => {
  // One pooled connection, so every call below lands on the connection the previous one left behind.
  let one: Database;
  const agentB = createId("agent");
  const scopeOf = (tx: Parameters<Parameters<Database["inTenant"]>[1]>[0]) =>
    tx
      .execute(sql`select current_user as u, current_setting('app.workspace_id') as ws`)
      .then((r) => (r as unknown as { rows: { u: string; ws: string }[] }).rows[0]);
  const agentIds = (tx: Parameters<Parameters<Database["inTenant"]>[1]>[0]) =>
    tx
      .select({ id: schema.agents.id })
      .from(schema.agents)
      .then((rows) => rows.map((r) => r.id));

  beforeAll(async () => {
    one = await createTestDatabase({ poolSize: 1, tenantBinding });
    for (const [ws, agent] of [
      [wsA, agentA],
      [wsB, agentB],
    ] as const) {
      await systemRepository(one.system).insertWorkspace({ id: ws, name: ws, slug: ws });
      await tenantScope(one, ws).agents.insert({ id: agent, name: ws, voice: "slt", language: "en-US", providers: {}, turnTaking: {} });
    }
  });
  afterAll(() => one.close());

  it("each statement sees only its own workspace whichever workspace the connection served last", async () => {
    for (const ws of [wsA, wsB, wsB, wsA, wsB]) {
      expect(await one.inTenant(ws, agentIds)).toEqual([ws === wsA ? agentA : agentB]);
      expect(await one.withTenant(ws, agentIds)).toEqual([ws === wsA ? agentA : agentB]);
      expect(await one.inTenant(ws, scopeOf)).toEqual({ u: "orbis_app", ws });
    }
  });

  it("a transaction that switched workspace and rolled back does not leave the connection on the old one", async () => {
    expect(await one.inTenant(wsA, agentIds)).toEqual([agentA]);
    await expect(one.withTenant(wsB, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await one.inTenant(wsB, agentIds)).toEqual([agentB]);
    expect(await one.withTenant(wsB, scopeOf)).toEqual({ u: "orbis_app", ws: wsB });
  });

  it("a failed statement is followed by a correctly scoped one", async () => {
    await expect(one.inTenant(wsA, (tx) => tx.execute(sql`select 1/0`))).rejects.toThrow();
    expect(await one.inTenant(wsB, agentIds)).toEqual([agentB]);
  });

  it("the agent list answers per workspace from one statement prepared on the connection (unnamed behind a pooler)", async () => {
    for (const ws of [wsA, wsB, wsA, wsB]) {
      const page = await tenantScope(one, ws).agents.page(10);
      expect(page.map((item) => (JSON.parse(item.json) as { id: string }).id)).toEqual([ws === wsA ? agentA : agentB]);
      expect(page.map((item) => item.cursor.id)).toEqual([ws === wsA ? agentA : agentB]);
    }
    const prepared = await one.inTenant(wsA, (tx) => tx.execute(sql`select name from pg_prepared_statements order by name`));
    const names = (prepared as unknown as { rows: { name: string }[] }).rows.map((r) => r.name);
    expect(names).toEqual(one.kind === "postgres" && tenantBinding === "connection" ? ["agents_page"] : []);
  });

  it("the system handle keeps the connecting role and sees every workspace", async () => {
    await one.inTenant(wsA, agentIds);
    const rows = (await one.system.execute(sql`select current_user as u`)) as unknown as { rows: { u: string }[] };
    expect(rows.rows[0]?.u).not.toBe("orbis_app");
    expect((await one.system.select().from(schema.agents)).map((a) => a.id).sort()).toEqual([agentA, agentB].sort());
  });
});

describe("reaper", () => {
  it("closes calls whose gateway stopped heart-beating, and leaves live and ended calls alone", async () => {
    const calls = tenantScope(db, wsA).calls;
    const now = Date.now();
    const stale = createId("call");
    const live = createId("call");
    const ended = createId("call");
    await calls.insert({ id: stale, channel: "web", status: "in_progress", startedAt: new Date(now - 600_000), heartbeatAt: new Date(now - 300_000) });
    await calls.insert({ id: live, channel: "web", status: "in_progress", startedAt: new Date(now - 600_000), heartbeatAt: new Date(now - 5_000) });
    await calls.insert({ id: ended, channel: "web", status: "completed", startedAt: new Date(now - 600_000), endedAt: new Date(now - 500_000) });
    const closed = await systemRepository(db.system).closeAbandonedCalls(new Date(now - 120_000));
    expect(closed).toBe(1);
    expect(await calls.get(stale)).toMatchObject({ status: "failed", endReason: "gateway_lost", durationSec: 300 });
    expect(await calls.get(live)).toMatchObject({ status: "in_progress", endedAt: null });
    expect(await calls.get(ended)).toMatchObject({ status: "completed", endReason: null });
  });
  it("a heartbeat refreshes the workspace's named open calls in one statement, never an ended call or another workspace's", async () => {
    const a = tenantScope(db, wsA).calls;
    const b = tenantScope(db, wsB).calls;
    const old = new Date(Date.now() - 300_000);
    const [a1, a2, aEnded, bCall] = [createId("call"), createId("call"), createId("call"), createId("call")];
    await a.insert({ id: a1, channel: "web", status: "in_progress", startedAt: old, heartbeatAt: old });
    await a.insert({ id: a2, channel: "web", status: "in_progress", startedAt: old, heartbeatAt: old });
    await a.insert({ id: aEnded, channel: "web", status: "completed", startedAt: old, heartbeatAt: old, endedAt: old });
    await b.insert({ id: bCall, channel: "web", status: "in_progress", startedAt: old, heartbeatAt: old });
    const at = new Date();
    // B's call id named in A's scope: the tenant filter (and RLS behind it) keep it untouched.
    await a.heartbeat([a1, a2, aEnded, bCall], at);
    expect((await a.get(a1))?.heartbeatAt?.getTime()).toBe(at.getTime());
    expect((await a.get(a2))?.heartbeatAt?.getTime()).toBe(at.getTime());
    expect((await a.get(aEnded))?.heartbeatAt?.getTime()).toBe(old.getTime());
    expect((await b.get(bCall))?.heartbeatAt?.getTime()).toBe(old.getTime());
  });
});
