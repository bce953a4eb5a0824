import { createHash, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { AppError } from "@orbis/contracts";

interface Pingable {
  ping(): Promise<unknown>;
}

/** Who may read /metrics (METRICS_TOKEN, METRICS_ADDRESS in packages/config): anyone when neither is set. */
export interface MetricsAccess {
  /** Only `Authorization: Bearer <metricsToken>` reads /metrics, wherever it is served. */
  metricsToken?: string | undefined;
  /** /metrics is served by a listener of its own here, not on the public port. */
  metricsAddress?: { host: string; port: number } | undefined;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Whether the request carries the metrics bearer token (compared in constant time). */
function metricsAuthorized(headers: IncomingHttpHeaders, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? "");
  return !!match && timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * `/healthz` (the process answers), `/readyz` (database and cache answer) and `/metrics` (Prometheus), on
 * every role. /metrics needs the bearer token when `config.metricsToken` is set, and leaves the public
 * port for its own listener when `config.metricsAddress` is (started when the server listens, closed
 * with it).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Pingable; cache: Pingable; metrics: Registry; config?: MetricsAccess }) {
  const hide = { hide: true };
  const access = deps.config ?? {};
  app.get("/healthz", { schema: hide }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: hide }, async (_request, reply) => {
    const checks = await Promise.allSettled([deps.db.ping(), deps.cache.ping()]);
    const [db, cache] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "down"));
    const ready = db === "ok" && cache === "ok";
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks: { database: db, cache } });
  });

  if (access.metricsAddress) {
    const address = access.metricsAddress;
    let listener: HttpServer | undefined;
    app.addHook("onListen", async () => {
      listener = await listenForMetrics(deps.metrics, address, access.metricsToken);
      app.log.info({ address: `${address.host}:${address.port}` }, "metrics served on their own listener");
    });
    app.addHook("onClose", async () => {
      await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
    });
    return;
  }

  app.get("/metrics", { schema: hide }, async (request, reply) => {
    if (!metricsAuthorized(request.headers, access.metricsToken)) {
      reply.header("www-authenticate", 'Bearer realm="metrics"');
      throw new AppError("unauthorized", "Metrics need the bearer token (METRICS_TOKEN)");
    }
    reply.header("content-type", deps.metrics.contentType);
    return deps.metrics.metrics();
  });
}

/** A plain HTTP listener that serves only GET /metrics (the token checked when set); anything else is 404. */
async function listenForMetrics(metrics: Registry, address: { host: string; port: number }, token: string | undefined): Promise<HttpServer> {
  const error = (code: string, message: string) => JSON.stringify({ error: { code, message } });
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json" }).end(error("not_found", "Only GET /metrics is served here"));
      return;
    }
    if (!metricsAuthorized(req.headers, token)) {
      res
        .writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="metrics"' })
        .end(error("unauthorized", "Metrics need the bearer token (METRICS_TOKEN)"));
      return;
    }
    metrics.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      () => res.writeHead(500, { "content-type": "application/json" }).end(error("internal", "Metrics could not be collected")),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
