import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentSetupFactory } from "@orbis/agent-runtime";
import { createBilling, createPlans, type Billing } from "@orbis/billing";
import { testConfig, type AppConfig } from "@orbis/config";
import { OFFLINE_SPEECH_IDS } from "@orbis/contracts";
import { tenantScope, type Database } from "@orbis/db";
import { offline, ProviderManager, type UsageSlice } from "@orbis/providers";
import { simulateCall } from "@orbis/gateway/caller";
import { credentialResolver, offlineSpeechStack, providerPipeline } from "@orbis/gateway";
import { startElevenLabsEmulator, type ElevenLabsEmulator } from "../../packages/providers/test/emulators/elevenlabs-emulator.ts";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness, type Tenant } from "./harness.ts";

/**
 * A published agent whose voice is a cloud one, in a workspace whose plan no longer has `cloud_voices`
 * (downgraded after publishing): the gateway serves the call on the offline engines, notes it once on
 * the call, and never reaches the cloud vendor. With the feature (the operator's override), the same
 * agent speaks through the vendor (an ElevenLabs loopback emulator).
 */

// BILLING=stripe, one default plan without features and without limits: only the feature decides.
const billing: Billing = {
  ...createBilling({ ...testConfig().billing, mode: "stripe" }),
  plans: createPlans("stripe", {
    defaultPlanId: "basic",
    plans: [
      {
        id: "basic",
        name: "Basic",
        description: "",
        monthlyPriceUsd: 0,
        includedCalls: null,
        includedMinutes: null,
        overage: null,
        concurrentCalls: null,
        agents: null,
        phoneNumbers: null,
        features: [],
        stripePrice: null,
        stripeOveragePrice: null,
        public: true,
      },
    ],
  }),
};

let elevenlabs: ElevenLabsEmulator;
let manager: ProviderManager;
let h: GatewayHarness;

beforeAll(async () => {
  elevenlabs = await startElevenLabsEmulator();
  manager = new ProviderManager({});
  const pipelineFor = (db: Database, config: AppConfig) =>
    providerPipeline({
      speech: offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-gw-cloud-voices-"))),
      manager,
      credentials: credentialResolver(config),
      setups: createAgentSetupFactory(db),
      prices: config.prices,
      cacheDir: mkdtempSync(join(tmpdir(), "orbis-gw-lm-")),
      billing,
    });
  h = await startGateway({ pipelineFor, billing, config: { providerKeys: { elevenlabs: { apiKey: "el-test", baseUrl: elevenlabs.wsUrl } } } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  manager?.stop();
  await elevenlabs?.close();
});

/** A workspace whose agent was published with an ElevenLabs voice while the operator had turned cloud voices on; then the override is removed. */
async function downgradedTenant(): Promise<Tenant> {
  const t = await createTenant(h);
  const flags = tenantScope(h.db, t.workspaceId).practice;
  await flags.setFeatureFlag("cloud_voices", true);
  const auth = { authorization: `Bearer ${t.token}` };
  const providers = { stt: ["offline"], tts: ["elevenlabs"], options: { elevenlabs: { voiceId: "rachel" } } };
  // A short greeting: the call plays it at real time.
  const saved = await h.app.inject({
    method: "PATCH",
    url: `/v1/agents/${t.agentId}`,
    headers: auth,
    payload: { providers, greeting: "Riverside Dental, hello." },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const published = await h.app.inject({ method: "POST", url: `/v1/agents/${t.agentId}/publish`, headers: auth, payload: {} });
  expect(published.statusCode, published.body).toBe(200);
  await flags.setFeatureFlag("cloud_voices", null);
  return t;
}

async function typedCall(t: Tenant) {
  const lines: string[] = [];
  const result = await simulateCall([{ say: "Do you take insurance?", typed: true, expect: /PPO plans/i }], {
    url: `${h.wsUrl}?agentId=${t.agentId}&apiKey=${t.publishableKey}`,
    origin: WIDGET_ORIGIN,
    speed: 4,
    onEvent: (l) => lines.push(l),
  });
  expect(
    result.turns.map((x) => x.ok),
    lines.join("\n"),
  ).toEqual([true]);
  const tenant = tenantScope(h.db, t.workspaceId);
  await expect.poll(async () => (await tenant.calls.get(result.callId))?.status, { timeout: 10_000 }).toBe("completed");
  const call = (await tenant.calls.get(result.callId))!;
  return {
    result,
    events: (call.metadata as { events: { kind: string; detail?: unknown }[] }).events,
    turns: await tenant.calls.turns(result.callId),
  };
}

describe("cloud voices after a plan downgrade", () => {
  it("the downgraded workspace's call runs on the offline engines, noted once, and never reaches the vendor", { timeout: 90_000 }, async () => {
    const t = await downgradedTenant();
    const before = elevenlabs.stats.connections;
    const { result, events, turns } = await typedCall(t);
    expect(result.greeting).toBe("Riverside Dental, hello.");
    expect(elevenlabs.stats.connections).toBe(before);
    expect(events.filter((e) => e.kind === "cloud_voices_unavailable")).toEqual([
      expect.objectContaining({ kind: "cloud_voices_unavailable", detail: { cloud: { tts: ["elevenlabs"] } } }),
    ]);
    const servedTts = turns.flatMap((x) => ((x.servedBy ?? []) as UsageSlice["servedBy"]).filter((r) => r.capability === "tts").map((r) => r.servedBy));
    expect(servedTts.some((id) => id?.startsWith("elevenlabs"))).toBe(false);
  });

  it("with cloud voices (the operator's override) the same agent speaks through the vendor", { timeout: 90_000 }, async () => {
    const t = await downgradedTenant();
    await tenantScope(h.db, t.workspaceId).practice.setFeatureFlag("cloud_voices", true);
    const before = elevenlabs.stats.connections;
    const { events, turns } = await typedCall(t);
    expect(elevenlabs.stats.connections).toBeGreaterThan(before);
    expect(events.some((e) => e.kind === "cloud_voices_unavailable")).toBe(false);
    const servedTts = turns.flatMap((x) => ((x.servedBy ?? []) as UsageSlice["servedBy"]).filter((r) => r.capability === "tts").map((r) => r.servedBy));
    expect(servedTts).toContain("elevenlabs:rachel");
  });

  it("the offline ids the plan check knows are exactly the offline provider's (so no offline engine is taken for a cloud voice)", () => {
    const ids = [...Object.entries(offline.stt ?? {}), ...Object.entries(offline.tts ?? {})].flatMap(([id, entry]) => [id, ...(entry.aliases ?? [])]);
    expect([...new Set(ids)].sort()).toEqual([...OFFLINE_SPEECH_IDS].sort());
  });
});
