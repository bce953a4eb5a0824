import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** One request as an emulator route sees it. */
export interface EmulatedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** JSON or form body, parsed. */
  body: Record<string, unknown>;
  bearer: string | undefined;
}
export type EmulatedAnswer = { status: number; json?: unknown; location?: string };
export type Route = (req: EmulatedRequest) => EmulatedAnswer | undefined;

/** The S256 PKCE challenge of a verifier (RFC 7636). */
export const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

/** A loopback HTTP server answering with the first route that answers. */
export async function serve(routes: Route[]): Promise<{ server: Server; url: string; requests: EmulatedRequest[] }> {
  const requests: EmulatedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown> = {};
      if (text) {
        body = (req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")
          ? Object.fromEntries(new URLSearchParams(text))
          : (JSON.parse(text) as Record<string, unknown>);
      }
      const auth = req.headers.authorization;
      const request: EmulatedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        bearer: auth?.startsWith("Bearer ") ? auth.slice(7) : undefined,
      };
      requests.push(request);
      let answer: EmulatedAnswer | undefined;
      for (const route of routes) if ((answer = route(request))) break;
      answer ??= { status: 404, json: { error: { code: 404, message: `no route ${request.method} ${request.path}` } } };
      if (answer.location) res.setHeader("location", answer.location);
      if (answer.json === undefined) return res.writeHead(answer.status).end();
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, requests };
}

export const overlaps = (a: { start: Date; end: Date }, from: Date, to: Date) => a.start < to && a.end > from;
