import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@orbis/contracts";
import { createWebMount } from "../server/index.ts";

async function appWith(dirs: { webDist: string; widgetDist: string; examplesDir: string }, dataDir?: string) {
  const app = Fastify();
  app.setErrorHandler((err, _req, reply) =>
    err instanceof AppError ? reply.status(err.status).send(err.toBody()) : reply.status(500).send({ err: String(err) }),
  );
  app.get("/v1/agents", async () => ({ data: [] }));
  await createWebMount(dirs)(app, dataDir ? { config: { dataDir } } : undefined);
  await app.ready();
  return app;
}

describe("webMount", () => {
  const root = mkdtempSync(join(tmpdir(), "orbis-web-"));
  const dirs = { webDist: join(root, "web"), widgetDist: join(root, "widget"), examplesDir: join(root, "examples") };
  let app: FastifyInstance;
  let empty: FastifyInstance;

  beforeAll(async () => {
    for (const d of [...Object.values(dirs), join(dirs.webDist, "assets")]) mkdirSync(d, { recursive: true });
    writeFileSync(join(dirs.webDist, "index.html"), "<!doctype html><div id=root></div>");
    writeFileSync(join(dirs.webDist, "assets/app-abc.js"), "console.log(1)");
    writeFileSync(join(dirs.webDist, "favicon.svg"), "<svg/>");
    writeFileSync(join(dirs.widgetDist, "widget.js"), "/*widget*/");
    writeFileSync(join(dirs.examplesDir, "embed.html"), "<p>embed</p>");
    writeFileSync(join(root, "demo-credentials.json"), JSON.stringify({ agentId: "agt_demo12345", publishableKey: "pk_demo", email: "x", password: "y" }));
    app = await appWith(dirs, root);
    empty = await appWith({ webDist: join(root, "none"), widgetDist: join(root, "none"), examplesDir: dirs.examplesDir });
  });
  afterAll(async () => {
    await app.close();
    await empty.close();
  });

  it("answers client-side routes with index.html, with a CSP and no caching", async () => {
    for (const url of ["/", "/dashboard", "/dashboard/agents/agt_x?tab=voice", "/pricing"]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain("id=root");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    }
  });

  it("serves built files, hashed assets immutable", async () => {
    const asset = await app.inject({ url: "/assets/app-abc.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await app.inject({ url: "/favicon.svg" })).body).toBe("<svg/>");
    expect((await app.inject({ url: "/assets/missing.js" })).statusCode).toBe(404);
  });

  it("leaves api and platform paths to their owners: unknown ones are JSON 404s, not the SPA", async () => {
    expect((await app.inject({ url: "/v1/agents" })).json()).toEqual({ data: [] });
    for (const url of ["/v1/nope", "/v1", "/docs/x", "/healthz", "/metrics", "/openapi.json"]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
  });

  it("serves /widget.js loadable from other origins", async () => {
    const res = await app.inject({ url: "/widget.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("javascript");
    expect(res.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    expect(res.body).toBe("/*widget*/");
  });

  it("serves examples without escaping their folder", async () => {
    expect((await app.inject({ url: "/examples/embed.html" })).body).toBe("<p>embed</p>");
    expect((await app.inject({ url: "/examples/..%2F..%2Fetc%2Fpasswd" })).statusCode).toBe(404);
  });

  it("shows the seeded demo agent on /demo and /demo/config.json", async () => {
    const page = await app.inject({ url: "/demo" });
    expect(page.body).toContain("agt_demo12345");
    expect(page.body).toContain("/widget.js");
    expect((await app.inject({ url: "/demo/config.json" })).json()).toEqual({ agentId: "agt_demo12345", publishableKey: "pk_demo" });
    expect((await empty.inject({ url: "/demo/config.json" })).statusCode).toBe(404);
    expect((await empty.inject({ url: "/demo" })).body).toContain("No demo agent");
  });

  it("says to run the build when nothing is built", async () => {
    const page = await empty.inject({ url: "/dashboard" });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain("npm run build");
    const js = await empty.inject({ url: "/widget.js" });
    expect(js.statusCode).toBe(503);
    expect(js.body).toContain("npm run build");
  });
});
