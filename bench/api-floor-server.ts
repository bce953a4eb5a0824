// The floor under bench:api: bare Fastify on the same machine, no OrbisVoice code. Routes:
// GET /v1/agents?limit=20 runs one plain `pg` query for 20 rows of the same shape (no auth, no tenant
// transaction, no RLS) and answers them as JSON; GET /hello answers a constant. What these cost at
// 1,000 req/s is what Node, Fastify, node-postgres, PostgreSQL and this machine cost before the
// platform adds authentication, tenancy and validation.
import Fastify from "fastify";
import pg from "pg";

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const pool = new pg.Pool({ connectionString: adminUrl, max: 20 });
await pool.query(
  "create table if not exists bench_floor_agents (id text primary key, workspace_id text not null, name text not null, system_prompt text not null default '', greeting text not null default '', voice text not null default 'slt', language text not null default 'en-US', status text not null default 'draft', providers jsonb not null default '{}', created_at timestamptz not null default now(), updated_at timestamptz not null default now())",
);
await pool.query("truncate bench_floor_agents");
for (let i = 0; i < 20; i++)
  await pool.query("insert into bench_floor_agents (id, workspace_id, name) values ($1, 'ws_bench', $2)", [
    `agent_${String(i).padStart(4, "0")}`,
    `Agent ${i}`,
  ]);

const app = Fastify({ logger: false });
app.get("/hello", async () => ({ ok: true }));
app.get("/v1/agents", async () => {
  const { rows } = await pool.query({
    name: "floor_agents",
    text: "select * from bench_floor_agents where workspace_id = $1 order by id limit 20",
    values: ["ws_bench"],
  });
  return { data: rows, nextCursor: null };
});
await app.listen({ port: 0, host: "127.0.0.1" });
const { port } = app.server.address() as { port: number };
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}`, token: "none" }) + "\n");
process.on("SIGTERM", async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
