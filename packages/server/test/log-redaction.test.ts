import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createServer, loggerOptions, type Server } from "../src/index.ts";
import { redactUrls } from "../src/log-redaction.ts";

const SECRETS = {
  bearer: "Bearer eyJhbGciOiJIUzI1NiJ9.bearer-secret-0001",
  cookie: "orbis_session=cookie-secret-0002",
  setCookie: "orbis_session=set-cookie-secret-0003; HttpOnly",
  twilio: "twilio-signature-secret-0004",
  telnyx: "telnyx-signature-secret-0005",
  token: "query-token-secret-0006",
  apiKey: "query-apikey-secret-0007",
  api_key: "query-api_key-secret-0008",
  key: "query-key-secret-0009",
  feed: "feedtokensecret0010",
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
});

/** A server logging at debug into `lines`, with a route that logs the whole request's headers as a careless handler would. */
function loggingServer(lines: string[]) {
  const app = createServer({ logLevel: "debug", trustProxy: false, metrics: new Registry(), logger: loggerOptions("debug", { write: (l) => lines.push(l) }) });
  app.post("/v1/telephony/twilio/voice", async (request, reply) => {
    request.log.info({ headers: request.headers, url: request.url }, "webhook received");
    request.log.info({ webhook: { headers: request.headers } }, "nested");
    reply.header("set-cookie", SECRETS.setCookie);
    request.log.info({ response: { headers: reply.getHeaders() } }, "replying");
    request.log.warn(`slow webhook ${request.url}`);
    return { ok: true };
  });
  servers.push(app);
  return app;
}

describe("log redaction", () => {
  it("no secret header, query secret or feed token reaches the log, the request line's url included", async () => {
    const lines: string[] = [];
    const app = loggingServer(lines);
    const query = `token=${SECRETS.token}&apiKey=${SECRETS.apiKey}&api_key=${SECRETS.api_key}&key=${SECRETS.key}&page=2`;
    const headers = {
      authorization: SECRETS.bearer,
      cookie: SECRETS.cookie,
      "x-twilio-signature": SECRETS.twilio,
      "telnyx-signature-ed25519": SECRETS.telnyx,
    };
    const res = await app.inject({ method: "POST", url: `/v1/telephony/twilio/voice?${query}`, headers, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    const missing = await app.inject({ method: "GET", url: `/v1/calendar/${SECRETS.feed}.ics?${query}`, headers });
    expect(missing.statusCode).toBe(404);

    const log = lines.join("");
    for (const secret of Object.values(SECRETS)) expect(log).not.toContain(secret.split("=").at(-1)!.split(";")[0]);
    const records = lines.map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string }; webhook?: { headers?: Record<string, string> }; url?: string });
    const incoming = records.find((r) => r.msg === "incoming request" && r.req?.url?.startsWith("/v1/telephony"))!;
    expect(incoming.req!.url).toBe("/v1/telephony/twilio/voice?token=[redacted]&apiKey=[redacted]&api_key=[redacted]&key=[redacted]&page=2");
    expect(records.find((r) => r.msg === "webhook received")).toMatchObject({
      url: expect.stringContaining("token=[redacted]"),
      headers: { authorization: "[redacted]", cookie: "[redacted]", "x-twilio-signature": "[redacted]", "telnyx-signature-ed25519": "[redacted]" },
    });
    expect(records.find((r) => r.msg === "nested")?.webhook?.headers?.authorization).toBe("[redacted]");
    expect(log).toContain('"set-cookie":"[redacted]"');
    expect(log).toContain("/v1/calendar/[redacted].ics");
    expect(records.find((r) => r.msg?.startsWith("slow webhook"))?.msg).toContain("?token=[redacted]&apiKey=[redacted]");
  });

  it("redactUrls keeps everything else", () => {
    expect(redactUrls("/v1/x?page=2&monkey=1&token=a&TOKEN=b")).toBe("/v1/x?page=2&monkey=1&token=[redacted]&TOKEN=[redacted]");
    expect(redactUrls("/v1/stream?agentId=agt_1&key=sk_live_x#frag")).toBe("/v1/stream?agentId=agt_1&key=[redacted]#frag");
    expect(redactUrls("/v1/agents?limit=10")).toBe("/v1/agents?limit=10");
  });
});
