import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../deps.ts";

export const healthRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const hide = { hide: true };
  app.get("/healthz", { schema: { ...hide, response: { 200: z.object({ status: z.literal("ok") }) } } }, async () => ({ status: "ok" as const }));

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
};
