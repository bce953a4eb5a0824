import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

interface Pingable {
  ping(): Promise<unknown>;
}

/** `/healthz` (the process answers), `/readyz` (database and cache answer) and `/metrics` (Prometheus), on every role. */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Pingable; cache: Pingable; metrics: Registry }) {
  const hide = { hide: true };
  app.get("/healthz", { schema: hide }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: hide }, async (_request, reply) => {
    const checks = await Promise.allSettled([deps.db.ping(), deps.cache.ping()]);
    const [db, cache] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "down"));
    const ready = db === "ok" && cache === "ok";
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks: { database: db, cache } });
  });

  app.get("/metrics", { schema: hide }, async (_request, reply) => {
    reply.header("content-type", deps.metrics.contentType);
    return deps.metrics.metrics();
  });
}
