import { randomBytes } from "node:crypto";
import pg from "pg";
import { testTargets } from "@orbis/config";
import { createDatabase, type Database } from "./client.ts";

/** Query helpers for tests that inspect tables directly: only this package imports drizzle. */
export { count, eq, getTableName, sql, type Table } from "drizzle-orm";

/**
 * A fresh, migrated database for one test file: a new database on the configured PostgreSQL server
 * (dropped on close) or an in-memory PGlite.
 */
export async function createTestDatabase(
  options: {
    poolSize?: number;
    tenantBinding?: "connection" | "transaction";
    /** The server to create the throwaway database on; `null`: PGlite; absent: TEST_DATABASE_URL (benchmarks pick both). */
    databaseUrl?: string | null;
  } = {},
): Promise<Database> {
  const databaseUrl = options.databaseUrl === undefined ? testTargets().databaseUrl : (options.databaseUrl ?? undefined);
  if (!databaseUrl) {
    const db = createDatabase();
    await db.migrate();
    return db;
  }
  const name = `orbis_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({
    databaseUrl: url.toString(),
    poolSize: options.poolSize ?? 5,
    ...(options.tenantBinding ? { tenantBinding: options.tenantBinding } : {}),
  });
  await db.migrate();
  return {
    ...db,
    async close() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: databaseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
