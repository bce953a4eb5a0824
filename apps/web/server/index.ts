import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifySchema } from "fastify";
import fastifyStatic from "@fastify/static";
import { AppError } from "@orbis/contracts";
import { demoPage, notBuiltPage } from "./pages.ts";
import { isSpaRoute } from "./spa-routes.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** Kept out of the OpenAPI document (@fastify/swagger reads `hide`). */
const hidden = { schema: { hide: true } as FastifySchema };

export interface WebMountOptions {
  /** Built dashboard (vite build output). */
  webDist?: string;
  /** Directory holding widget.js. */
  widgetDist?: string;
  /** examples/ (served under /examples/). */
  examplesDir?: string;
}

/** Paths the SPA never answers for: they belong to the api, the gateway or the platform. */
const NOT_SPA = /^\/(v1(\/|$)|docs(\/|$)|healthz$|readyz$|metrics$|openapi\.json$|widget\.js$)/;

/**
 * The dashboard's own policy (the api turns helmet's CSP off for /docs). blob: is the mic AudioWorklet;
 * `mediaOrigins` are where an object store's presigned recording URLs point (the player follows the
 * api's redirect there).
 */
const spaCsp = (mediaOrigins: readonly string[] = []) =>
  [
    "default-src 'self'",
    "script-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    ["media-src 'self' blob:", ...mediaOrigins].join(" "),
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");

interface DemoCredentials {
  agentId: string;
  publishableKey: string;
}

function readDemo(dataDir: string | undefined): DemoCredentials | undefined {
  if (!dataDir) return undefined;
  try {
    const creds = JSON.parse(readFileSync(join(dataDir, "demo-credentials.json"), "utf8")) as Partial<DemoCredentials>;
    return creds.agentId && creds.publishableKey ? { agentId: creds.agentId, publishableKey: creds.publishableKey } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the client asked for a page (a browser's navigation sends `Accept: text/html,…`). */
const wantsHtml = (accept: string | undefined) => !!accept && /\btext\/html\b/.test(accept);

/** Resolves a URL path inside root, or undefined when it escapes root or names no file. */
function fileIn(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const full = normalize(join(root, decoded));
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  try {
    return statSync(full).isFile() ? full.slice(root.length + 1) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The web role's routes beside the api: the dashboard SPA (apps/web/dist, history fallback to
 * index.html), /widget.js, /demo and /examples/*. Mount-compatible: `(app, runtime) => Promise<void>`.
 */
export function createWebMount(options: WebMountOptions = {}) {
  const webDist = resolve(options.webDist ?? join(here, "../dist"));
  const widgetDist = resolve(options.widgetDist ?? join(here, "../../widget/dist"));
  const examplesDir = resolve(options.examplesDir ?? join(here, "../../../examples"));

  return async (app: FastifyInstance, runtime?: { config: { dataDir: string }; recordings?: { mediaOrigins?: readonly string[] } }) => {
    const pageCsp = spaCsp(runtime?.recordings?.mediaOrigins);
    // serve:false: only reply.sendFile, so this mount's one catch-all route decides what is a file.
    // preCompressed: the build's `.br` / `.gz` beside a file go to clients that accept them (Vary: Accept-Encoding).
    await app.register(fastifyStatic, { root: webDist, serve: false, cacheControl: false, preCompressed: true });

    /** index.html: the page of every SPA route (200), and the SPA's "Page not found" for a browser's unknown path (404). */
    const sendIndex = (reply: FastifyReply, status: 200 | 404 = 200) => {
      if (!existsSync(join(webDist, "index.html"))) {
        return reply.status(503).type("text/html; charset=utf-8").send(notBuiltPage("the dashboard (apps/web/dist)"));
      }
      return reply.status(status).header("cache-control", "no-cache").header("content-security-policy", pageCsp).sendFile("index.html", webDist);
    };

    app.get("/widget.js", hidden, async (_request, reply) => {
      // Host pages on other origins load it with <script>: helmet's same-origin CORP would block that.
      reply.header("cross-origin-resource-policy", "cross-origin").header("access-control-allow-origin", "*");
      if (!existsSync(join(widgetDist, "widget.js"))) {
        return reply
          .status(503)
          .type("text/javascript; charset=utf-8")
          .send('console.error("OrbisVoice: widget.js is not built on this server; run `npm run build`.");');
      }
      return reply.header("cache-control", "public, max-age=300").sendFile("widget.js", widgetDist);
    });

    // The seeded demo agent and its publishable key (public by design: origin-bound) for /demo and the landing page.
    app.get("/demo/config.json", hidden, async (_request, reply) => {
      const demo = readDemo(runtime?.config.dataDir);
      if (!demo) throw new AppError("not_found", "No demo agent on this server");
      return reply.header("cache-control", "no-store").send(demo);
    });

    app.get<{ Querystring: { agentId?: string; key?: string } }>("/demo", hidden, async (request, reply) => {
      const demo =
        request.query.agentId && request.query.key ? { agentId: request.query.agentId, publishableKey: request.query.key } : readDemo(runtime?.config.dataDir);
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(demoPage(demo, `${request.protocol}://${request.host}`));
    });

    app.get<{ Params: { "*": string } }>("/examples/*", hidden, async (request, reply) => {
      const file = fileIn(examplesDir, request.params["*"]);
      if (!file) throw new AppError("not_found", `No example ${request.params["*"]}`);
      return reply.header("cache-control", "no-cache").sendFile(file, examplesDir);
    });

    app.get<{ Params: { "*": string } }>("/*", hidden, async (request, reply) => {
      const path = request.url.split("?")[0]!;
      if (NOT_SPA.test(path)) throw new AppError("not_found", `Route GET ${path} not found`);
      const file = path === "/" ? undefined : fileIn(webDist, path);
      if (file === "index.html") return sendIndex(reply);
      if (file) {
        const immutable = file.startsWith(`assets${sep}`);
        return reply.header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache").sendFile(file, webDist);
      }
      if (isSpaRoute(path)) return sendIndex(reply);
      // Anything else is not found: a browser gets the SPA's own "Page not found" page with a real 404; a
      // missing asset or any other client the error body (a stale index.html must not get HTML as JS).
      if (!extname(path) && wantsHtml(request.headers.accept)) return sendIndex(reply, 404);
      throw new AppError("not_found", `No page or file ${path}`);
    });
  };
}

/** Serves the built dashboard, /widget.js, /demo and /examples/* from this repository. */
export const webMount = createWebMount();
