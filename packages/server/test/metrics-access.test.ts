import { createServer as createNetServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createServer, registerHealthRoutes, type Server } from "../src/index.ts";

const up = { ping: async () => "ok" };
const TOKEN = "metrics-token-0123456789";
const servers: Server[] = [];

function serverWith(config: Parameters<typeof registerHealthRoutes>[1]["config"]) {
  const metrics = new Registry();
  const app = createServer({ logLevel: "silent", trustProxy: false, metrics });
  registerHealthRoutes(app, { db: up, cache: up, metrics, config });
  servers.push(app);
  return app;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
});

describe("/metrics access", () => {
  it("is open when neither METRICS_TOKEN nor METRICS_ADDRESS is set (the embedded default)", async () => {
    const res = await serverWith(undefined).inject("/metrics");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("orbis_http_request");
  });

  it("needs the bearer token when METRICS_TOKEN is set: 401 in the error body otherwise", async () => {
    const app = serverWith({ metricsToken: TOKEN });
    for (const authorization of [undefined, "Bearer wrong-token-0123456789", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await app.inject({ url: "/metrics", headers: authorization ? { authorization } : {} });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().error.code).toBe("unauthorized");
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="metrics"');
    }
    const ok = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain("orbis_http_request");
    // Health stays open: load balancers probe it without credentials.
    expect((await app.inject("/healthz")).statusCode).toBe(200);
  });

  it("moves to its own listener when METRICS_ADDRESS is set: the public port answers 404, the metrics port serves it (token too when set)", async () => {
    const port = await freePort();
    const app = serverWith({ metricsAddress: { host: "127.0.0.1", port }, metricsToken: TOKEN });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const publicPort = (app.server.address() as { port: number }).port;
    expect((await fetch(`http://127.0.0.1:${publicPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("orbis_http_request");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
    await app.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
