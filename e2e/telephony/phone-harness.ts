import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform } from "@orbis/cli";
import { createTokenService } from "@orbis/auth";
import type { Billing } from "@orbis/billing";
import { createCache } from "@orbis/cache";
import { testConfig, testTargets, type AppConfig } from "@orbis/config";
import { createTestDatabase } from "@orbis/db/testing";
import { carrierTelephony, cascadedPipeline, gatewayMount, offlineSpeechStack, type PipelineFactory, type TelephonyStreamOptions } from "@orbis/gateway";
import { createTenant, type GatewayHarness, type Tenant } from "../calls/harness.ts";
import type { TelnyxAccount } from "./telnyx-emulator.ts";
import type { TwilioAccount } from "./twilio-emulator.ts";

/** The URL carriers are told about; the emulators sign against it and connect to the local port. */
export const PUBLIC_BASE = "https://voice.example.test";

export interface PhoneHarness extends GatewayHarness {
  localBase: string;
}

/** api + gateway + carrier streams on a real port, like `orbis start`, with a public base URL for signatures. */
export async function startPhoneGateway(
  options: {
    pipeline?: PipelineFactory;
    config?: Partial<AppConfig>;
    telephony?: Partial<TelephonyStreamOptions>;
    /** Plans for the api and the gateway (default: from the config, billing off). */
    billing?: Billing;
  } = {},
): Promise<PhoneHarness> {
  const config = testConfig({ publicBaseUrl: PUBLIC_BASE, ...options.config });
  const db = await createTestDatabase();
  const cache = createCache({ redisUrl: testTargets().redisUrl });
  const runtime = {
    config,
    db,
    cache,
    tokens: createTokenService(config.jwtSecret!),
    metrics: new Registry(),
    ...(options.billing ? { billing: options.billing } : {}),
  };
  const brains = createBrainFactory(db);
  const pipeline = options.pipeline ?? cascadedPipeline(offlineSpeechStack(mkdtempSync(join(tmpdir(), "orbis-phone-"))));
  const mount = gatewayMount({ brains, pipeline, heartbeatMs: 1000, extraRoutes: [carrierTelephony({ brains, pipeline, ...options.telephony })] });
  const app = await buildPlatform(runtime, { mounts: [mount] });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  const localBase = `http://127.0.0.1:${port}`;
  return {
    app,
    db,
    cache,
    baseUrl: localBase,
    localBase,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    async close() {
      await app.close();
      await cache.close();
      await db.close();
    },
  };
}

let n = 0;
/** A dental receptionist tenant with a Twilio number and credentials. */
export async function twilioTenant(
  h: PhoneHarness,
  o: { account?: TwilioAccount; escalationNumber?: string } = {},
): Promise<{ tenant: Tenant; account: TwilioAccount; number: string }> {
  const tenant = await createTenant(h);
  const auth = { authorization: `Bearer ${tenant.token}` };
  const account = o.account ?? {
    accountSid: `AC${Buffer.from(`acct-${n}-${Date.now()}`).toString("hex").padEnd(32, "0").slice(0, 32)}`,
    authToken: `tok-${Date.now()}-${n}-0123456789abcdef`,
  };
  const number = `+1415555${String(1000 + (n++ % 9000)).padStart(4, "0")}`;
  const cred = await h.app.inject({ method: "PUT", url: "/v1/credentials/twilio", headers: auth, payload: account });
  if (cred.statusCode !== 200) throw new Error(cred.body);
  const pn = await h.app.inject({
    method: "POST",
    url: "/v1/phone-numbers",
    headers: auth,
    payload: { number, provider: "twilio", agentId: tenant.agentId, ...(o.escalationNumber ? { escalationNumber: o.escalationNumber } : {}) },
  });
  if (pn.statusCode !== 201) throw new Error(pn.body);
  return { tenant, account, number };
}

/** A dental receptionist tenant with a Telnyx number and the account's API key and public key. */
export async function telnyxTenant(
  h: PhoneHarness,
  account: TelnyxAccount,
  o: { escalationNumber?: string } = {},
): Promise<{ tenant: Tenant; number: string }> {
  const tenant = await createTenant(h);
  const auth = { authorization: `Bearer ${tenant.token}` };
  const number = `+1312555${String(1000 + (n++ % 9000)).padStart(4, "0")}`;
  const cred = await h.app.inject({
    method: "PUT",
    url: "/v1/credentials/telnyx",
    headers: auth,
    payload: { apiKey: account.apiKey, publicKey: account.publicKey },
  });
  if (cred.statusCode !== 200) throw new Error(cred.body);
  const pn = await h.app.inject({
    method: "POST",
    url: "/v1/phone-numbers",
    headers: auth,
    payload: { number, provider: "telnyx", agentId: tenant.agentId, ...(o.escalationNumber ? { escalationNumber: o.escalationNumber } : {}) },
  });
  if (pn.statusCode !== 201) throw new Error(pn.body);
  return { tenant, number };
}

/** A Twilio account with a valid-looking SID and token, for emulators that must know it before the tenant exists. */
export function twilioAccount(): TwilioAccount {
  return { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: `tok-${randomBytes(12).toString("hex")}` };
}
