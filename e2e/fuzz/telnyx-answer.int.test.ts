/**
 * A Telnyx call whose `answer` command fails (the caller hung up meanwhile: 422; Telnyx down: 500 after
 * the SDK's retry): the webhook still answers 200, or Telnyx would retry it; the call ends as failed
 * with its reason, and the caller is hung up on.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tenant } from "../calls/harness.ts";
import { telnyxTenant } from "../telephony/phone-harness.ts";
import { telnyxEvent } from "../telephony/telnyx-emulator.ts";
import { postTelnyx, publishAgent, startFuzzPlatform, type CarrierTarget } from "./gateway-fuzz.ts";

/** Telnyx Call Control whose `answer` answers `answerStatus`; every command's path is kept. */
async function failingCallControl() {
  const commands: string[] = [];
  const state = { answerStatus: 422 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const action = /\/actions\/(\w+)/.exec(req.url ?? "")?.[1] ?? req.url ?? "";
      commands.push(action);
      const status = action === "answer" ? state.answerStatus : 200;
      const body = status === 200 ? { data: { result: "ok" } } : { errors: [{ code: "90018", title: "Call has already ended" }] };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { apiUrl: `http://127.0.0.1:${port}/v2`, commands, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let h: Awaited<ReturnType<typeof startFuzzPlatform>>;
let cc: Awaited<ReturnType<typeof failingCallControl>>;
let target: CarrierTarget;
let tenant: Tenant;

beforeAll(async () => {
  cc = await failingCallControl();
  h = await startFuzzPlatform({ telnyxApiUrl: cc.apiUrl, maxCallsPerWorkspace: 10 });
  const keys = generateKeyPairSync("ed25519");
  const account = {
    apiKey: `KEY${randomBytes(16).toString("hex")}`,
    publicKey: keys.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64"),
    privateKey: keys.privateKey,
  };
  const tx = await telnyxTenant(h, account);
  tenant = tx.tenant;
  await publishAgent(h, tenant);
  target = {
    publicBase: "",
    twilio: { accountSid: "", authToken: "", number: "" },
    telnyx: { privateKey: keys.privateKey, number: tx.number, clientStates: [] },
  };
});
afterAll(async () => {
  await h?.close();
  await cc?.close();
});

const callOf = async (providerCallCount: number) => {
  const res = await h.app.inject({ url: "/v1/calls?limit=100", headers: { authorization: `Bearer ${tenant.token}` } });
  const calls = (res.json() as { data: { id: string; status: string; endReason: string | null }[] }).data;
  expect(calls).toHaveLength(providerCallCount);
  return calls[0]!;
};

describe("Telnyx: the answer command fails", () => {
  for (const [n, answerStatus] of [
    [1, 422],
    [2, 500],
  ] as const) {
    it(`answer → ${answerStatus}: 200 to Telnyx, the call ends failed (answer_failed), the caller is hung up on; a retried webhook changes nothing`, async () => {
      cc.state.answerStatus = answerStatus;
      cc.commands.length = 0;
      const before = h.errors.length;
      const initiated = telnyxEvent("call.initiated", {
        call_control_id: `v3:answer-fails-${n}`,
        direction: "incoming",
        to: target.telnyx.number,
        from: "+12125550100",
      });
      const res = await postTelnyx(h.app, target, initiated);
      expect(res.statusCode, res.body).toBe(200);
      expect(cc.commands.filter((c) => c === "answer").length, `${res.body} ${cc.commands.join()}`).toBeGreaterThan(0);
      expect(cc.commands.at(-1)).toBe("hangup");
      const call = await callOf(n);
      expect(call).toMatchObject({ status: "failed", endReason: "answer_failed" });

      cc.commands.length = 0;
      const retried = await postTelnyx(h.app, target, initiated);
      expect(retried.statusCode, retried.body).toBe(200);
      expect(cc.commands).toEqual([]);
      expect((await callOf(n)).status).toBe("failed");
      expect(h.errors.slice(before)).toEqual([]);
    });
  }
});
