import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@orbis/db/testing";
import type { Database } from "@orbis/db";
import { seedDemo } from "../src/seed.ts";

describe("seedDemo", () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  // Two api processes starting together on a fresh database (docker compose, a rolling deploy) both seed:
  // one creates the demo, the other finds it, and neither fails to start.
  it("seeds once when several processes seed at the same time", async () => {
    const results = await Promise.all([1, 2, 3].map(() => seedDemo(db, { origins: ["http://localhost:3000"] })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.workspaceId)).size).toBe(1);
    expect((await seedDemo(db, { origins: [] })).created).toBe(false);
  });
});
