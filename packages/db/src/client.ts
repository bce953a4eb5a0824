import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, Schema, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;
/** Anything a repository can run a query on: the system handle or a tenant transaction. */
export type Executor = Db | Tx;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));
const MIGRATION_LOCK = 7_110_001;

export interface DatabaseOptions {
  /** postgres://… to use a server; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in-memory. */
  dataDir?: string;
  poolSize?: number;
}

export interface Database {
  readonly kind: "pglite" | "postgres";
  /** Unscoped handle, connecting role: for cross-tenant system work only (login, key lookup, reaper). */
  readonly system: Db;
  /** Runs fn in a transaction as the non-superuser role with app.workspace_id set: RLS applies. */
  withTenant<T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function withTenantOn(db: Db) {
  return <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'orbis_app', true), set_config('app.workspace_id', ${workspaceId}, true)`);
      return fn(tx);
    });
}

const WORKSPACE_ID = /^ws_[0-9a-z]{8,40}$/;

/**
 * node-postgres: BEGIN and the tenant settings go in one round trip (a simple multi-statement query,
 * so the id is inlined after a strict format check), then the work, then COMMIT. Every API request
 * pays this, so it matters: 3 round trips instead of 4.
 */
function withTenantOnPool(pool: pg.Pool) {
  // Pooled connections live long; building drizzle's relational schema for each request is measurable.
  const handles = new WeakMap<pg.PoolClient, Tx>();
  const handleFor = (client: pg.PoolClient) => {
    let tx = handles.get(client);
    if (!tx) handles.set(client, (tx = drizzlePg(client, { schema }) as unknown as Tx));
    return tx;
  };
  return async <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> => {
    if (!WORKSPACE_ID.test(workspaceId)) throw new Error("withTenant: not a workspace id");
    const client = await pool.connect();
    try {
      await client.query(`begin; select set_config('role', 'orbis_app', true), set_config('app.workspace_id', '${workspaceId}', true)`);
      const result = await fn(handleFor(client));
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}

export function createDatabase(options: DatabaseOptions = {}): Database {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      kind: "postgres",
      system: db,
      withTenant: withTenantOnPool(pool),
      async migrate() {
        const client = await pool.connect();
        try {
          // Several processes may start at once; one migrates, the others wait and find nothing to do.
          await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
          client.release();
        }
      },
      async ping() {
        await pool.query("select 1");
      },
      close: () => pool.end(),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // btree_gist: the appointments exclusion constraint compares text with = inside a gist index.
  const client = new PGlite({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions: { btree_gist } });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    system: db,
    withTenant: withTenantOn(db),
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async ping() {
      await client.query("select 1");
    },
    close: () => client.close(),
  };
}
