import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, gunzipSync, brotliDecompressSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@orbis/contracts";
import { createWebMount } from "../server/index.ts";
import { isSpaRoute } from "../server/spa-routes.ts";

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
    // What `npm run build` writes beside them (precompress.mjs).
    const bundle = `console.log(${JSON.stringify("x".repeat(5000))})`;
    writeFileSync(join(dirs.webDist, "assets/big-abc.js"), bundle);
    writeFileSync(join(dirs.webDist, "assets/big-abc.js.br"), brotliCompressSync(bundle));
    writeFileSync(join(dirs.webDist, "assets/big-abc.js.gz"), gzipSync(bundle));
    writeFileSync(join(dirs.widgetDist, "widget.js.br"), brotliCompressSync("/*widget*/"));
    writeFileSync(join(dirs.widgetDist, "widget.js.gz"), gzipSync("/*widget*/"));
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
    for (const url of [
      "/",
      "/dashboard",
      "/dashboard/agents/agt_x?tab=voice",
      "/dashboard/agents/agt_x/try",
      "/pricing",
      "/pricing/",
      "/invite?token=t",
      "/guides/a-guide",
      "/index.html",
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain("id=root");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    }
  });

  it("lets the recording player follow a redirect to the object store (media-src), and nowhere else by default", async () => {
    expect((await app.inject({ url: "/dashboard" })).headers["content-security-policy"]).toContain("media-src 'self' blob:;");
    const withBucket = Fastify();
    const runtime = { config: { dataDir: root }, recordings: { mediaOrigins: ["https://minio.example:9000"] } };
    await createWebMount(dirs)(withBucket, runtime);
    const csp = String((await withBucket.inject({ url: "/dashboard" })).headers["content-security-policy"]);
    expect(csp).toContain("media-src 'self' blob: https://minio.example:9000;");
    await withBucket.close();
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

  it("answers unknown paths with a real 404: the SPA's own not-found page for a browser, the error body otherwise", async () => {
    const browser = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
    for (const url of ["/nope", "/dashboard/nope", "/accept-invite?token=t", "/guides/a/b", "/wp-admin/", "/dashboardx"]) {
      const page = await app.inject({ url, headers: browser });
      expect(page.statusCode, url).toBe(404);
      expect(page.headers["content-type"], url).toContain("text/html");
      expect(page.body).toContain("id=root");
      expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      const api = await app.inject({ url, headers: { accept: "application/json" } });
      expect(api.statusCode, url).toBe(404);
      expect(api.json().error.code).toBe("not_found");
    }
    // A missing file is never HTML, even for a browser.
    expect((await app.inject({ url: "/assets/missing.js", headers: browser })).headers["content-type"]).toContain("application/json");
  });

  it("knows every route of the dashboard's router (src/main.tsx) and nothing beside", () => {
    const source = readFileSync(join(import.meta.dirname, "../src/main.tsx"), "utf8");
    const routes: string[] = [];
    // Nested <Route>s: a path is its parent's plus its own; only "dashboard" has children with paths.
    const dashboardBlock = /<Route\s+path="dashboard"[\s\S]*?>([\s\S]*?)<\/Route>/.exec(source)?.[1] ?? "";
    for (const [, path] of source.matchAll(/<Route\s+(?:index\s+)?path="([^"]+)"/g)) {
      if (path === "*") continue;
      routes.push(dashboardBlock.includes(`path="${path}"`) && path !== "dashboard" ? `/dashboard/${path}` : `/${path}`);
    }
    expect(routes).toEqual(expect.arrayContaining(["/pricing", "/guides/:slug", "/invite", "/dashboard", "/dashboard/agents/:id/try", "/dashboard/security"]));
    for (const route of routes) expect(isSpaRoute(route.replace(/:\w+/g, "x1")), route).toBe(true);
    for (const path of ["/x", "/dashboard/x", "/login/x", "/v1/agents", "/invite/x"]) expect(isSpaRoute(path), path).toBe(false);
  });

  it("sends the build's brotli or gzip file to clients that accept it, with Vary", async () => {
    const brotli = await app.inject({ url: "/assets/big-abc.js", headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(brotli.headers["content-type"]).toContain("javascript");
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotli.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(brotli.rawPayload).toString()).toContain("console.log");
    expect(brotli.rawPayload.length).toBeLessThan(200);

    const gzip = await app.inject({ url: "/assets/big-abc.js", headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.rawPayload).toString()).toContain("console.log");

    const raw = await app.inject({ url: "/assets/big-abc.js", headers: { "accept-encoding": "identity" } });
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(raw.rawPayload.length).toBeGreaterThan(5000);

    // No compressed variant built: the file as it is.
    const plain = await app.inject({ url: "/assets/app-abc.js", headers: { "accept-encoding": "br, gzip" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe("console.log(1)");

    const widget = await app.inject({ url: "/widget.js", headers: { "accept-encoding": "br" } });
    expect(widget.headers["content-encoding"]).toBe("br");
    expect(widget.headers["cache-control"]).toBe("public, max-age=300");
    expect(brotliDecompressSync(widget.rawPayload).toString()).toBe("/*widget*/");
  });
});
