import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { testConfig } from "@orbis/config";
import { CLOSE_CODES } from "@orbis/contracts";
import { buildPlatform, createRuntime, type Runtime } from "../src/index.ts";
import { voiceGateway } from "../src/voice.ts";
import { startWorkerRole } from "../src/worker-role.ts";

type Platform = Awaited<ReturnType<typeof buildPlatform>>;

/** A process of one role, composed as `orbis start --role …` composes it. */
async function startRole(role: "api" | "gateway"): Promise<{ app: Platform; runtime: Runtime; base: string }> {
  const runtime = createRuntime(testConfig({ dataDir: mkdtempSync(join(tmpdir(), `orbis-role-${role}-`)) }));
  await runtime.db.migrate();
  const app = await buildPlatform(runtime, role === "gateway" ? { api: false, mounts: [voiceGateway(runtime)] } : { api: true });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, runtime, base: `127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

/** The close code a WebSocket to `url` ends with (or "refused" when the upgrade is answered with HTTP). */
function wsOutcome(url: string): Promise<number | "refused"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", () => resolve("refused"));
    ws.on("error", () => resolve("refused"));
    ws.on("close", (code) => resolve(code));
  });
}

const twilioForm =
  "CallSid=CA00000000000000000000000000000001&AccountSid=AC00000000000000000000000000000001&From=%2B12125550100&To=%2B18005550199&CallStatus=ringing&Direction=inbound";

describe("orbis start --role gateway", () => {
  let p: Awaited<ReturnType<typeof startRole>>;
  beforeAll(async () => (p = await startRole("gateway")));
  afterAll(async () => {
    await p.app.close();
    await p.runtime.close();
  });

  it("serves health and metrics", async () => {
    expect((await p.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    expect((await p.app.inject({ url: "/readyz" })).json()).toMatchObject({ status: "ready" });
    expect((await p.app.inject({ url: "/metrics" })).body).toContain("orbis_live_calls");
  });

  it("does not serve the control plane, its docs or the web app", async () => {
    for (const url of ["/v1/agents", "/v1/auth/me", "/docs", "/openapi.json", "/", "/widget.js"]) {
      const res = await p.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: "not_found" } });
    }
    expect(
      (await p.app.inject({ method: "POST", url: "/v1/auth/signup", payload: { email: "a@b.co", password: "password123", name: "A", workspaceName: "A" } }))
        .statusCode,
    ).toBe(404);
  });

  it("serves the voice stream and the carrier webhooks it owns", async () => {
    // A stream with no agent or token is refused by the gateway itself (close code), not by a missing route.
    expect(await wsOutcome(`ws://${p.base}/v1/stream`)).toBe(CLOSE_CODES.invalidAgentOrToken);
    const voice = await p.app.inject({
      method: "POST",
      url: "/v1/telephony/twilio/voice",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: twilioForm,
    });
    expect(voice.statusCode).toBe(200);
    expect(voice.body).toContain("not in service");
  });
});

describe("orbis start --role api", () => {
  let p: Awaited<ReturnType<typeof startRole>>;
  beforeAll(async () => (p = await startRole("api")));
  afterAll(async () => {
    await p.app.close();
    await p.runtime.close();
  });

  it("serves the control plane but no voice or carrier endpoints", async () => {
    expect((await p.app.inject({ url: "/v1/agents" })).statusCode).toBe(401);
    expect((await p.app.inject({ url: "/openapi.json" })).statusCode).toBe(200);
    expect(
      (
        await p.app.inject({
          method: "POST",
          url: "/v1/telephony/twilio/voice",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          payload: twilioForm,
        })
      ).statusCode,
    ).toBe(404);
    expect(await wsOutcome(`ws://${p.base}/v1/stream`)).toBe("refused");
  });
});

describe("orbis start --role worker", () => {
  let p: { app: Platform; runtime: Runtime; worker: Awaited<ReturnType<typeof startWorkerRole>> };
  beforeAll(async () => {
    const runtime = createRuntime(testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-role-worker-")) }));
    await runtime.db.migrate();
    const worker = await startWorkerRole(runtime);
    const app = await buildPlatform(runtime, { api: false });
    p = { app, runtime, worker };
  });
  afterAll(async () => {
    await p.app.close();
    await p.worker.stop();
    await p.runtime.close();
  });

  it("serves health and the job metrics, and neither the control plane nor voice", async () => {
    expect((await p.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    expect((await p.app.inject({ url: "/metrics" })).body).toContain("orbis_jobs_waiting");
    for (const url of ["/v1/agents", "/openapi.json", "/"]) expect((await p.app.inject({ url })).statusCode, url).toBe(404);
  });
});
