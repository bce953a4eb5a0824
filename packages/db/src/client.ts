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
  /**
   * How tenant connections carry `app.workspace_id` (PostgreSQL only). "connection" (default): set at
   * session level and kept while the connection serves the same workspace — one round trip per read.
   * "transaction": set inside every transaction, which is what a transaction-mode pooler (PgBouncer
   * `pool_mode=transaction`, hosted "transaction" poolers) needs, since it hands the server session to
   * other clients between transactions.
   */
  tenantBinding?: "connection" | "transaction";
}

export interface Database {
  readonly kind: "pglite" | "postgres";
  /** Unscoped handle, connecting role: for cross-tenant system work only (login, key lookup, reaper). */
  readonly system: Db;
  /** Runs fn in a transaction as the non-superuser role with app.workspace_id set: RLS applies. */
  withTenant<T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs fn under the same scope without opening a transaction: each statement commits on its own.
   * For one statement, or reads (under READ COMMITTED each statement takes its own snapshot either way).
   */
  inTenant<T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * How the job queue reaches this database: its own pool on PostgreSQL, or statements on the one
   * PGlite connection (serialised with everything else, as every PGlite statement is).
   */
  readonly jobs: JobsConnection;
  /** Calls `listener` whenever an event is committed (PostgreSQL LISTEN/NOTIFY, or PGlite's own); returns a stop function. */
  listen(channel: string, listener: () => void): Promise<() => Promise<void>>;
}

export type JobsConnection =
  { kind: "postgres"; databaseUrl: string } | { kind: "pglite"; executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }> };

function withTenantOn(db: Db) {
  return <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'orbis_app', true), set_config('app.workspace_id', ${workspaceId}, true)`);
      return fn(tx);
    });
}

const WORKSPACE_ID = /^ws_[0-9a-z]{8,40}$/;

// Pooled connections live long; building drizzle's relational schema for each request is measurable.
const handles = new WeakMap<pg.PoolClient, Tx>();
/** Handles on connections that keep named prepared statements (not behind a transaction-mode pooler). */
const statementKeeping = new WeakSet<Executor>();
function handleFor(client: pg.PoolClient, keepsStatements: boolean): Tx {
  let tx = handles.get(client);
  if (!tx) {
    handles.set(client, (tx = drizzlePg(client, { schema }) as unknown as Tx));
    if (keepsStatements) statementKeeping.add(tx);
  }
  return tx;
}

/**
 * The name to prepare a hot statement under on this executor, or "" for an unnamed one (node-postgres
 * prepares only statements with a non-empty name): a named
 * statement is parsed and planned once per connection, which only a connection of our own keeps (a
 * transaction-mode pooler hands the server session to other clients between transactions).
 */
export function statementName(executor: Executor, name: string): string {
  return statementKeeping.has(executor) ? name : "";
}

/** A pooled connection for tenant work; the id is inlined into SQL later, so its format is checked first. */
async function connectFor(pool: pg.Pool, workspaceId: string): Promise<pg.PoolClient> {
  if (!WORKSPACE_ID.test(workspaceId)) throw new Error("withTenant: not a workspace id");
  return pool.connect();
}

/** `begin` (BEGIN plus whatever rides with it), fn, COMMIT; ROLLBACK when anything fails. */
async function transactionOn<T>(client: pg.PoolClient, begin: string, fn: (tx: Tx) => Promise<T>, keepsStatements: boolean): Promise<T> {
  try {
    await client.query(begin);
    const result = await fn(handleFor(client, keepsStatements));
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}

/**
 * node-postgres tenant connections. A separate pool from the system one: each of its connections runs
 * as `orbis_app` with `app.workspace_id` set at session level, and remembers which workspace it is
 * bound to, so a request for the same workspace pays no settings round trip:
 * - statements (`inTenant`): 1 round trip for a one-statement read when the connection is already
 *   bound (was BEGIN + settings, the query, COMMIT: 3);
 * - transactions (`withTenant`): BEGIN (with the settings when it must rebind), the work, COMMIT.
 * A binding is remembered only once it has committed and is forgotten on any error, so a rolled-back
 * rebind can never leave the connection answering for a workspace other than the one recorded.
 * The id is inlined (the settings ride in one simple multi-statement query) after a strict format check.
 */
function tenantConnections(pool: pg.Pool) {
  const bound = new WeakMap<pg.PoolClient, string>();
  const bindSql = (workspaceId: string) => `set role orbis_app; select set_config('app.workspace_id', '${workspaceId}', false)`;

  const inTenant = async <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await connectFor(pool, workspaceId);
    try {
      if (bound.get(client) !== workspaceId) {
        bound.delete(client);
        await client.query(bindSql(workspaceId));
        bound.set(client, workspaceId);
      }
      return await fn(handleFor(client, true));
    } catch (error) {
      bound.delete(client);
      throw error;
    } finally {
      client.release();
    }
  };

  const withTenant = async <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await connectFor(pool, workspaceId);
    try {
      // Settings made inside the transaction are undone by its rollback, so the binding is recorded after COMMIT.
      const rebind = bound.get(client) !== workspaceId;
      bound.delete(client);
      const result = await transactionOn(client, rebind ? `begin; ${bindSql(workspaceId)}` : "begin", fn, true);
      bound.set(client, workspaceId);
      return result;
    } finally {
      client.release();
    }
  };
  return { inTenant, withTenant };
}

/** Settings inside every transaction (`set_config(…, true)`): safe behind a transaction-mode pooler. */
function perTransactionTenancy(pool: pg.Pool) {
  const withTenant = async <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await connectFor(pool, workspaceId);
    try {
      return await transactionOn(
        client,
        `begin; select set_config('role', 'orbis_app', true), set_config('app.workspace_id', '${workspaceId}', true)`,
        fn,
        false,
      );
    } finally {
      client.release();
    }
  };
  return { withTenant, inTenant: withTenant };
}

export function createDatabase(options: DatabaseOptions = {}): Database {
  if (options.databaseUrl) {
    const max = options.poolSize ?? 10;
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max });
    const perTransaction = options.tenantBinding === "transaction";
    // Per-transaction settings need no pool of their own: tenant and system work share one.
    const tenantPool = perTransaction ? pool : new pg.Pool({ connectionString: options.databaseUrl, max });
    // An idle connection the server ends (restart, failover, a dropped database) is an 'error' on its
    // pool, which would otherwise be an unhandled event that kills the process; the pool has already
    // discarded the client and the next query opens a fresh one.
    for (const p of new Set([pool, tenantPool])) p.on("error", () => undefined);
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      kind: "postgres",
      system: db,
      ...(perTransaction ? perTransactionTenancy(pool) : tenantConnections(tenantPool)),
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
      close: async () => {
        await Promise.all([...new Set([pool, tenantPool])].map((p) => p.end()));
      },
      jobs: { kind: "postgres", databaseUrl: options.databaseUrl },
      async listen(channel, listener) {
        // A connection of its own, outside the pools: LISTEN holds it for as long as we listen.
        const client = new pg.Client({ connectionString: options.databaseUrl });
        client.on("error", () => undefined);
        await client.connect();
        client.on("notification", (n) => {
          if (n.channel === channel) listener();
        });
        await client.query(`listen ${pgIdentifier(channel)}`);
        return async () => {
          await client.end().catch(() => undefined);
        };
      },
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // btree_gist: the appointments exclusion constraint compares text with = inside a gist index.
  const client = new PGlite({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions: { btree_gist } });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    system: db,
    // One connection: every statement is serialised anyway, so the statement path is the transaction path.
    withTenant: withTenantOn(db),
    inTenant: withTenantOn(db),
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async ping() {
      await client.query("select 1");
    },
    close: () => client.close(),
    jobs: {
      kind: "pglite",
      async executeSql(text, values) {
        // PGlite prepares parameterised statements, which hold one command; the job queue's schema
        // scripts carry several and no parameters, so those go through the simple protocol.
        if (!values || values.length === 0) {
          const results = await client.exec(text);
          const last = results.at(-1);
          return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
        }
        const result = await client.query(text, values);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      },
    },
    async listen(channel, listener) {
      const stop = await client.listen(channel, listener);
      return async () => {
        if (!client.closed) await stop();
      };
    },
  };
}

/** A channel name as a quoted SQL identifier. */
function pgIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a channel name: ${name}`);
  return `"${name}"`;
}
